/**
 * The persistent cache of tenants' instance counts (engine/tenant-count-cache.ts): a new process
 * after one agency edit builds up front only the tenants whose inputs changed, and writes the bytes
 * of a run without the cache, on one thread or two; a damaged cache file is never trusted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadEstate } from "../../engine/load-estate";
import { synthesize } from "../../engine/synth";
import { lastTenantCountUse, tenantCountFile } from "../../engine/tenant-count-cache";
import { tenantDigest } from "../../engine/tenant-keys";
import { cacheOff, cacheProject, withEnvironmentVariable } from "../support/cache-project";
import { REPO_ROOT } from "../support/synth";

const project = cacheProject();
const { expectSameTree } = project;
let env = "";
let agencyFile = "";

function synth(out: string, threads?: "1" | "2"): void {
  const run = () => synthesize({ repoRoot: REPO_ROOT, environment: env, out: project.out(out) });
  if (threads === undefined) run();
  else withEnvironmentVariable("GOVCLOUD_THREADS", threads, run);
}

function synthWithoutCache(out: string): void {
  cacheOff(() => synth(out));
}

/** Every tenant's digest in the environment as it is now (read without the cache, which it would fill). */
function tenantDigests(): string[] {
  return cacheOff(() => loadEstate(REPO_ROOT, env).estate.tenantStacks.flatMap((plan) => plan.tenants.map(tenantDigest)));
}

/** Adds one CPU to the agency's first quota. */
function editQuota(): void {
  const text = fs.readFileSync(agencyFile, "utf8");
  const edited = text.replace(/^( {2}cpu: )(\d+)$/m, (_m, key: string, n: string) => `${key}${Number(n) + 1}`);
  expect(edited).not.toBe(text);
  fs.writeFileSync(agencyFile, edited);
}

beforeAll(() => {
  env = project.copyNational("project");
  agencyFile = path.join(path.dirname(env), "national", "agencies", "xa-ba-na.yaml");
});

afterEach(() => {
  fs.rmSync(project.out("off"), { recursive: true, force: true });
});

describe("persistent tenant counts", () => {
  it("after one agency edit, builds up front only the tenants it changed, and writes the bytes of a run without the cache", () => {
    synth("out");
    const tenants = tenantDigests();
    expect(lastTenantCountUse()).toEqual({ built: tenants.length, known: 0 });
    for (const threads of ["1", "2"] as const) {
      editQuota();
      const after = tenantDigests();
      const before = new Set(tenants.splice(0, tenants.length, ...after));
      const changed = after.filter((d) => !before.has(d)).length;
      expect(changed).toBeGreaterThan(0);
      // A new process on the previous output, as CI runs it.
      synth("out", threads);
      expect(lastTenantCountUse()).toEqual({ built: changed, known: after.length - changed });
      synthWithoutCache("off");
      expectSameTree("off", "out");
      // Nothing changed: nothing is built up front, and the bytes are the same.
      synth("out", threads);
      expect(lastTenantCountUse()).toEqual({ built: 0, known: after.length });
      expectSameTree("off", "out");
    }
  });

  it("ignores a truncated, garbled or emptied cache file, and rewrites it", () => {
    synth("damaged");
    const file = tenantCountFile(REPO_ROOT, env) as string;
    const good = fs.readFileSync(file);
    const total = tenantDigests().length;
    const garbled = Buffer.from(good);
    garbled[garbled.length - 10] = (garbled[garbled.length - 10] as number) ^ 0xff;
    for (const damaged of [good.subarray(0, good.length - 1), garbled, Buffer.alloc(0)]) {
      fs.writeFileSync(file, damaged);
      synth("damaged");
      expect(lastTenantCountUse()).toEqual({ built: total, known: 0 });
      expect(fs.readFileSync(file).equals(good)).toBe(true);
    }
    synthWithoutCache("off");
    expectSameTree("off", "damaged");
  });
});
