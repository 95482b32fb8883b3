/**
 * Agency files read on two threads (engine/parallel-load.ts) give what reading them on one gives:
 * the same values, the same errors, and source maps that locate every field at the same place,
 * although the worker's results cross the thread boundary as plain data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { writeEnvironment } from "../../bench/generate";
import { parallelAgencyReader } from "../../engine/parallel-load";
import { PolicyGate } from "../../engine/policy-gate";
import { SecondThread } from "../../engine/second-thread";
import { synthesize } from "../../engine/synth";
import { MIN_AGENCIES_FOR_TWO_THREADS } from "../../engine/threads";
import { agenciesDir, environmentFile, type LoadedAgency, loadAgencyFiles } from "../../environments";
import { fromCompact, readAgencyFile } from "../../engine/agency-read";
import { UserError } from "../../environments/diagnostics";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";

/** Every field path of a value, and a few that do not exist below each of them. */
function paths(value: unknown, at: PropertyKey[] = []): PropertyKey[][] {
  const out: PropertyKey[][] = [at, [...at, "missing"], [...at, 0], [...at, 99]];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...at, i])));
  else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...at, key]));
  return out;
}

/** What a result shows a user: its value and where each of its fields is, or its errors. */
function seen(result: LoadedAgency | UserError) {
  if (result instanceof UserError) return { errors: result.diagnostics };
  return {
    path: result.path,
    value: result.value,
    places: paths(result.value).map((p) => [result.source.locate(p), result.source.locateKey(p)]),
  };
}

/** `copies` copies of every agency file of the national environment, in a folder of their own, sorted. */
function copiesOfNationalAgencies(copies: number): string[] {
  const dir = tempDir();
  const national = agenciesDir(environmentFile(REPO_ROOT, "national"));
  const many: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const name of fs.readdirSync(national)) {
      const target = path.join(dir, `${copy}-${name}`);
      fs.copyFileSync(path.join(national, name), target);
      many.push(target);
    }
  }
  return many.sort();
}

describe("agency files on two threads", () => {
  it("load as they do on one, good and bad files alike, in file order", () => {
    const dir = tempDir();
    const national = agenciesDir(environmentFile(REPO_ROOT, "national"));
    const files = fs.readdirSync(national).map((name) => path.join(national, name));
    // Enough files that both threads take some (32 at a time), and two that fail.
    const many: string[] = [];
    for (let copy = 0; copy < 12; copy++) {
      for (const file of files) {
        const target = path.join(dir, `${copy}-${path.basename(file)}`);
        fs.copyFileSync(file, target);
        many.push(target);
      }
    }
    fs.writeFileSync(path.join(dir, "broken.yaml"), "id: [unclosed\n");
    fs.writeFileSync(path.join(dir, "unknown.yaml"), "id: xa-a\nnmae: typo\n");
    many.push(path.join(dir, "broken.yaml"), path.join(dir, "unknown.yaml"));
    many.sort();

    const oneThread = loadAgencyFiles(many);
    // The work this thread does meanwhile (synth: loading the synthesis code) is done once.
    let meanwhile = 0;
    const twoThreads = parallelAgencyReader(1, undefined, () => meanwhile++)(many, "none").map((r) => r.result);
    expect(meanwhile).toBe(1);
    expect(twoThreads.map(seen)).toEqual(oneThread.map(seen));
    expect(twoThreads.filter((r) => r instanceof UserError)).toHaveLength(2);

    // However the files were split above, here the worker loads every one of them.
    const thread = new SecondThread(false);
    try {
      thread.startLoading({ files: many, next: new SharedArrayBuffer(4), chunk: 32, wanted: "compact" });
      const answer = thread.finishLoading();
      expect(answer.map(([index]) => index)).toEqual(many.map((_, i) => i));
      expect(answer.map(([, compact]) => seen(fromCompact(compact).result))).toEqual(oneThread.map(seen));
    } finally {
      thread.close();
    }
  });

  it("cross without their source trees, with what the cache stores worked out on the thread that read them", () => {
    const many = copiesOfNationalAgencies(10);
    const thread = new SecondThread(false);
    try {
      thread.startLoading({ files: many, next: new SharedArrayBuffer(4), chunk: 32, wanted: "cache" });
      const answer = thread.finishLoading();
      for (const [index, compact] of answer) {
        // No tree crosses: the value and its facts only.
        expect(compact).not.toHaveProperty("portable");
        const { result, facts } = fromCompact(compact);
        const here = readAgencyFile(many[index] as string, "cache");
        expect(seen(result)).toEqual(seen(here.result));
        const { stamp, ...rest } = facts ?? {};
        const { stamp: stampHere, ...restHere } = here.facts ?? {};
        expect(rest).toEqual(restHere);
        expect(stamp?.stamp).toBe(stampHere?.stamp);
      }
      // A file changed after it was read can no longer be located in (its bytes are not those validated).
      const [index, compact] = answer[0] as (typeof answer)[number];
      const { result } = fromCompact(compact);
      fs.appendFileSync(many[index] as string, "# edited\n");
      expect(() => (result as LoadedAgency).source.locate(["contacts", 0, "email"])).toThrow(UserError);
    } finally {
      thread.close();
    }
  });

  it("load on the policy gate's thread as on one, which then answers its other requests in turn", () => {
    const many = copiesOfNationalAgencies(8);
    const oneThread = loadAgencyFiles(many);
    const gate = new PolicyGate();
    try {
      const read = parallelAgencyReader(1, gate)(many, "cache");
      expect(read.map((r) => seen(r.result))).toEqual(oneThread.map(seen));
      // However the files were split above, here the gate's thread loads every one of them.
      gate.startLoading({ files: many, next: new SharedArrayBuffer(4), chunk: 32, wanted: "compact" });
      const answer = gate.finishLoading();
      expect(answer.map(([index]) => index)).toEqual(many.map((_, i) => i));
      expect(answer.map(([, compact]) => seen(fromCompact(compact).result))).toEqual(oneThread.map(seen));
      // Its answers stay in order: the next request gets its own.
      gate.requestCodeFingerprint(REPO_ROOT);
      expect(gate.codeFingerprint()).toMatch(/^[0-9a-f]{16,}$/);
    } finally {
      gate.close();
    }
  });

  it("in a first govcloud synth of a large estate, are read half on the gate's thread, with the bytes of one thread", () => {
    const dir = tempDir();
    const agencies = MIN_AGENCIES_FOR_TWO_THREADS + 10;
    const environment = writeEnvironment(REPO_ROOT, path.join(dir, "environments"), { name: "large", regions: 3, poolsPerRegion: 2, agencies });
    const cache = process.env.GOVCLOUD_CACHE_DIR;
    const threads = process.env.GOVCLOUD_THREADS;
    process.env.GOVCLOUD_CACHE_DIR = "off";
    const handed = vi.spyOn(PolicyGate.prototype, "startLoading");
    try {
      delete process.env.GOVCLOUD_THREADS;
      const gated = synthesize({ repoRoot: REPO_ROOT, environment, out: path.join(dir, "gated"), policyGate: true });
      expect(handed).toHaveBeenCalledTimes(1);
      process.env.GOVCLOUD_THREADS = "1";
      const alone = synthesize({ repoRoot: REPO_ROOT, environment, out: path.join(dir, "alone"), policyGate: true });
      expect(handed).toHaveBeenCalledTimes(1);
      const a = readTree(alone.outdir);
      const b = readTree(gated.outdir);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      expect(a.size).toBeGreaterThan(agencies / 100);
      for (const [file, bytes] of a) expect(b.get(file)?.equals(bytes), file).toBe(true);
    } finally {
      handed.mockRestore();
      if (cache === undefined) delete process.env.GOVCLOUD_CACHE_DIR;
      else process.env.GOVCLOUD_CACHE_DIR = cache;
      if (threads === undefined) delete process.env.GOVCLOUD_THREADS;
      else process.env.GOVCLOUD_THREADS = threads;
    }
  });

  it("stay on one thread below the threshold, with the same results and nothing done meanwhile", () => {
    const national = agenciesDir(environmentFile(REPO_ROOT, "national"));
    const files = fs.readdirSync(national).map((name) => path.join(national, name)).sort();
    let meanwhile = 0;
    expect(parallelAgencyReader(200, undefined, () => meanwhile++)(files, "none").map((r) => seen(r.result))).toEqual(loadAgencyFiles(files).map(seen));
    expect(meanwhile).toBe(0);
  });
});
