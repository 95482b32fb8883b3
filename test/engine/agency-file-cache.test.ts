/**
 * The persistent cache of validated agency files (engine/agency-file-cache.ts): a warm run writes the
 * same bytes as a cold one, a damaged cache file is never trusted and is rebuilt, and a file that
 * fails validation is never stored (its errors keep their file:line:col).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { agencyCacheFiles, lastAgencyCacheStats, loaderFingerprint, storedAgencyFiles } from "../../engine/agency-file-cache";
import { readCacheEntry, writeCacheEntry } from "../../engine/persistent-cache";
import { synthesize } from "../../engine/synth";
import { UserError } from "../../environments/diagnostics";
import { cacheProject } from "../support/cache-project";
import { REPO_ROOT } from "../support/synth";

const project = cacheProject();
const { expectSameTree } = project;
let env = "";
let agencies = "";
let count = 0;

function synth(out: string): void {
  synthesize({ repoRoot: REPO_ROOT, environment: env, out: project.out(out) });
}

beforeAll(() => {
  env = project.copyNational("project");
  agencies = path.join(path.dirname(env), "national", "agencies");
  count = fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).length;
});

describe("persistent agency file cache", () => {
  it("a warm run reads every agency from the cache and writes the same bytes as a cold run", () => {
    expect(count).toBeGreaterThan(1);
    synth("cold");
    expect(lastAgencyCacheStats()).toEqual({ hits: 0, misses: count, written: true });
    synth("warm");
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
    expectSameTree("cold", "warm");
    process.env.GOVCLOUD_CACHE_DIR = "off";
    try {
      synth("uncached");
    } finally {
      process.env.GOVCLOUD_CACHE_DIR = project.cacheDir;
    }
    expectSameTree("cold", "uncached");
  });

  it("gives the same bytes whichever threads loaded the files it holds (GOVCLOUD_THREADS)", () => {
    const threads = process.env.GOVCLOUD_THREADS;
    try {
      for (const file of agencyCacheFiles(REPO_ROOT, env) ?? []) fs.rmSync(file, { force: true });
      process.env.GOVCLOUD_THREADS = "2";
      synth("two-threads-cold");
      expect(lastAgencyCacheStats()).toEqual({ hits: 0, misses: count, written: true });
      process.env.GOVCLOUD_THREADS = "1";
      synth("one-thread-warm");
      expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
    } finally {
      if (threads === undefined) delete process.env.GOVCLOUD_THREADS;
      else process.env.GOVCLOUD_THREADS = threads;
    }
    expectSameTree("cold", "two-threads-cold");
    expectSameTree("cold", "one-thread-warm");
  });

  it("ignores truncated, garbled or foreign cache files, and rewrites them", () => {
    const files = (agencyCacheFiles(REPO_ROOT, env) ?? []).filter((f) => fs.existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    const good = new Map(files.map((f) => [f, fs.readFileSync(f)]));
    const damages: [string, (b: Buffer) => Buffer][] = [
      ["truncated body", (b) => b.subarray(0, Math.floor(b.length / 2))],
      ["truncated header", (b) => b.subarray(0, b.indexOf(10) - 3)],
      ["empty", () => Buffer.alloc(0)],
      ["one byte of the body changed", (b) => Buffer.from(b).fill(b[b.indexOf(10) + 40] === 0x41 ? 0x42 : 0x41, b.indexOf(10) + 40, b.indexOf(10) + 41)],
      ["one byte of the checksum changed", (b) => Buffer.from(b).fill(b[b.indexOf(10) - 1] === 0x30 ? 0x31 : 0x30, b.indexOf(10) - 1, b.indexOf(10))],
      ["garbage", () => Buffer.from("govcloud-cache 2 agencies json 3 abc\nxyz")],
    ];
    for (const [name, damage] of damages) {
      for (const [file, bytes] of good) fs.writeFileSync(file, damage(bytes));
      expect(storedAgencyFiles(REPO_ROOT, env).size, name).toBe(0);
      const out = `damaged-${name.replaceAll(" ", "-")}`;
      synth(out);
      expect(lastAgencyCacheStats(), name).toEqual({ hits: 0, misses: count, written: true });
      expectSameTree("cold", out);
      expect(storedAgencyFiles(REPO_ROOT, env).size, name).toBe(count);
      for (const file of good.keys()) expect(readCacheEntry(file, "agencies", loaderFingerprint(REPO_ROOT), "json"), `${name}: ${file} rewritten`).toBeDefined();
    }
    // One damaged shard: only its files are read again.
    const [one, bytes] = [...good][0] as [string, Buffer];
    fs.writeFileSync(one, bytes.subarray(0, bytes.length - 1));
    const inShard = count - storedAgencyFiles(REPO_ROOT, env).size;
    expect(inShard).toBeGreaterThan(0);
    synth("one-shard");
    expect(lastAgencyCacheStats()).toEqual({ hits: count - inShard, misses: inShard, written: true });
    expectSameTree("cold", "one-shard");
    // Entries made under another code fingerprint (another version of govcloud) are not used.
    for (const file of good.keys()) {
      expect(readCacheEntry<unknown>(file, "agencies", "another-code-fingerprint", "json")).toBeUndefined();
      writeCacheEntry(file, "agencies", "another-code-fingerprint", { files: [] }, "json");
    }
    synth("foreign");
    expect(lastAgencyCacheStats()).toEqual({ hits: 0, misses: count, written: true });
    expectSameTree("cold", "foreign");
  });

  it("validates an edited file again and never stores one that fails, whose errors keep file:line:col", () => {
    const name = fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).sort()[0] as string;
    const agency = path.join(agencies, name);
    const original = fs.readFileSync(agency, "utf8");
    // Valid YAML, invalid agency: the schema, not the parser, rejects it.
    fs.writeFileSync(agency, `${original}unknownField: 1\n`);
    const line = original.split("\n").length;
    for (let run = 0; run < 2; run++) {
      let error: unknown;
      try {
        synth("invalid");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const diagnostics = (error as UserError).diagnostics;
      expect(diagnostics.some((d) => d.file.endsWith(name) && d.line === line && d.col === 1 && /unknownField/.test(`${d.path} ${d.message}`))).toBe(true);
      expect(lastAgencyCacheStats()).toMatchObject({ hits: count - 1, misses: 1 });
      expect(storedAgencyFiles(REPO_ROOT, env).has(agency)).toBe(false);
    }
    expect(fs.existsSync(project.out("invalid"))).toBe(false);
    fs.writeFileSync(agency, original);
    synth("restored");
    expect(lastAgencyCacheStats()).toEqual({ hits: count - 1, misses: 1, written: true });
    expect(storedAgencyFiles(REPO_ROOT, env).has(agency)).toBe(true);
    expectSameTree("cold", "restored");
  });
});
