/**
 * The persistent cache of validated agency files (engine/agency-file-cache.ts): a warm run writes the
 * same bytes as a cold one, a damaged cache file is never trusted and is rebuilt, and a file that
 * fails validation is never stored (its errors keep their file:line:col). A cached agency's file
 * is parsed only for a position the cache does not hold, and every position, diagnostics' among
 * them, is the one a cold load gives. The environment file is cached too.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  agencyCacheFiles,
  environmentCacheFile,
  lastAgencyCacheStats,
  lastAgencyFilesRead,
  lastEnvironmentCacheHit,
  loaderFingerprint,
  type AgencyStoreJob,
  storeAgencyFiles,
  storedAgencyFiles,
} from "../../engine/agency-file-cache";
import { DeferredWrites } from "../../engine/deferred-writes";
import { digest, digestOf } from "../../engine/digest";
import { loadEstate } from "../../engine/load-estate";
import { readCacheEntry, writeCacheEntry } from "../../engine/persistent-cache";
import { synthesize } from "../../engine/synth";
import { UserError } from "../../environments/diagnostics";
import type { LoadedAgency } from "../../environments";
import { LazySourceMap } from "../../environments/source-map";
import { buildSources } from "../../environments/source-map-file";
import { cacheOff, cacheProject } from "../support/cache-project";
import { REPO_ROOT } from "../support/synth";

const project = cacheProject();
const { expectSameTree } = project;
let env = "";
let agencies = "";
let count = 0;

function synth(out: string): void {
  synthesize({ repoRoot: REPO_ROOT, environment: env, out: project.out(out) });
}

/** The SHA-256 of a file's bytes, as the cache records it. */
function digestOfFile(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Sets the modification time of every agency file of `environment` an hour back, as for files not edited lately. */
function settle(environment: string): string {
  const folder = path.join(path.dirname(environment), "national", "agencies");
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const name of fs.readdirSync(folder)) fs.utimesSync(path.join(folder, name), hourAgo, hourAgo);
  return folder;
}

/** Settles the agency files of `environment` and records their new stamps: the next load reads none. */
function restamp(environment: string): void {
  settle(environment);
  loadEstate(REPO_ROOT, environment);
  expect(lastAgencyCacheStats()).toMatchObject({ misses: 0, written: true });
}

beforeAll(() => {
  env = project.copyNational("project");
  // Not edited lately, as in a working copy: their stamps are trusted once recorded.
  agencies = settle(env);
  count = fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).length;
});

describe("persistent agency file cache", () => {
  it("a warm run reads every agency from the cache and writes the same bytes as a cold run", () => {
    expect(count).toBeGreaterThan(1);
    synth("cold");
    expect(lastAgencyCacheStats()).toEqual({ hits: 0, misses: count, written: true });
    expect(lastEnvironmentCacheHit()).toBe(false);
    synth("warm");
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
    expect(lastEnvironmentCacheHit()).toBe(true);
    expectSameTree("cold", "warm");
    process.env.GOVCLOUD_CACHE_DIR = "off";
    try {
      synth("uncached");
    } finally {
      process.env.GOVCLOUD_CACHE_DIR = project.cacheDir;
    }
    expectSameTree("cold", "uncached");
  });

  it("serves each agency with its digest, the one its value gives", () => {
    loadEstate(REPO_ROOT, env); // fills the cache, if no test before did
    const warm = loadEstate(REPO_ROOT, env).config.agencies;
    expect(lastAgencyCacheStats()).toMatchObject({ hits: count, misses: 0 });
    for (const agency of warm) expect(digest(agency.value), agency.path).toBe(digestOf(structuredClone(agency.value)));
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

  it("with deferred writes, stores the files loaded only when flushed, and none edited since it was loaded", () => {
    for (const file of agencyCacheFiles(REPO_ROOT, env) ?? []) fs.rmSync(file, { force: true });
    const later = new DeferredWrites();
    loadEstate(REPO_ROOT, env, { cacheWrites: later });
    expect(storedAgencyFiles(REPO_ROOT, env).size).toBe(0);
    const agency = path.join(agencies, fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).sort()[0] as string);
    const original = fs.readFileSync(agency, "utf8");
    fs.writeFileSync(agency, `${original}# edited after it was loaded\n`);
    try {
      later.flush();
    } finally {
      fs.writeFileSync(agency, original);
      // Not edited lately again: the tests after this one see a settled working copy, whatever their timing.
      settle(env);
    }
    const stored = storedAgencyFiles(REPO_ROOT, env);
    expect(stored.size).toBe(count - 1);
    expect(stored.has(agency)).toBe(false);
    expect(lastAgencyCacheStats()).toEqual({ hits: 0, misses: count, written: true });
  });

  it("handed to another thread as plain data, stores what storing here stores", () => {
    for (const file of agencyCacheFiles(REPO_ROOT, env) ?? []) fs.rmSync(file, { force: true });
    const jobs: AgencyStoreJob[] = [];
    // structuredClone: what crosses to a thread, as the policy gate's thread receives it.
    const loaded = loadEstate(REPO_ROOT, env, { storeAgencyFiles: (job) => jobs.push(structuredClone(job)) }).config.agencies;
    expect(storedAgencyFiles(REPO_ROOT, env).size).toBe(0);
    expect(jobs).toHaveLength(1);
    expect(storeAgencyFiles(jobs[0] as AgencyStoreJob)).toBe(true);
    expect(storedAgencyFiles(REPO_ROOT, env)).toEqual(new Map(loaded.map((a) => [path.resolve(a.path), digestOfFile(a.path)])));
    const warm = loadEstate(REPO_ROOT, env).config.agencies;
    expect(lastAgencyCacheStats()).toMatchObject({ hits: count, misses: 0 });
    // Digested on the other side, from the copy: the digest the value gives here.
    for (const agency of warm) expect(digest(agency.value), agency.path).toBe(digestOf(structuredClone(agency.value)));
  });

  it("with the policy gate, a first synthesis has the gate's thread store the files, and the next run reads none", () => {
    for (const file of agencyCacheFiles(REPO_ROOT, env) ?? []) fs.rmSync(file, { force: true });
    synthesize({ repoRoot: REPO_ROOT, environment: env, out: project.out("gated-cold"), policyGate: true });
    expect(lastAgencyCacheStats()).toMatchObject({ hits: 0, misses: count });
    expect(storedAgencyFiles(REPO_ROOT, env).size).toBe(count);
    synth("gated-warm");
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
    expectSameTree("cold", "gated-cold");
    expectSameTree("cold", "gated-warm");
  });

  it("with the policy gate, a first synthesis that fails on a bad file still stores the others", () => {
    for (const file of agencyCacheFiles(REPO_ROOT, env) ?? []) fs.rmSync(file, { force: true });
    const agency = path.join(agencies, fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).sort()[0] as string);
    const original = fs.readFileSync(agency, "utf8");
    fs.writeFileSync(agency, `${original}nmae: typo\n`);
    try {
      expect(() => synthesize({ repoRoot: REPO_ROOT, environment: env, out: project.out("gated-failed"), policyGate: true })).toThrow(UserError);
    } finally {
      fs.writeFileSync(agency, original);
    }
    const stored = storedAgencyFiles(REPO_ROOT, env);
    expect(stored.size).toBe(count - 1);
    expect(stored.has(agency)).toBe(false);
    expect(fs.existsSync(project.out("gated-failed"))).toBe(false);
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

  it("never serves a cached agency whose file is no longer a regular file", () => {
    const name = fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).sort()[1] as string;
    const agency = path.join(agencies, name);
    const original = fs.readFileSync(agency);
    expect(storedAgencyFiles(REPO_ROOT, env).has(agency)).toBe(true);
    try {
      for (const replace of [() => fs.symlinkSync("/dev/null", agency), () => fs.mkdirSync(agency)]) {
        fs.rmSync(agency, { recursive: true, force: true });
        replace();
        let error: unknown;
        try {
          synth("not-a-file");
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(UserError);
        expect((error as UserError).diagnostics.filter((d) => d.file.endsWith(name)).map((d) => [d.line, d.col])).toEqual([[1, 1]]);
        expect(lastAgencyCacheStats()).toMatchObject({ hits: count - 1, misses: 1 });
      }
    } finally {
      fs.rmSync(agency, { recursive: true, force: true });
      fs.writeFileSync(agency, original);
    }
  });

  it("ignores a damaged environment entry and rewrites it", () => {
    const file = environmentCacheFile(REPO_ROOT, env) as string;
    const bytes = fs.readFileSync(file);
    for (const damaged of [bytes.subarray(0, bytes.length - 1), Buffer.alloc(0), Buffer.from(bytes).fill(0x20, bytes.length - 10, bytes.length - 9)]) {
      fs.writeFileSync(file, damaged);
      synth("environment-damaged");
      expect(lastEnvironmentCacheHit()).toBe(false);
      expectSameTree("cold", "environment-damaged");
      synth("environment-rewritten");
      expect(lastEnvironmentCacheHit()).toBe(true);
      expectSameTree("cold", "environment-rewritten");
    }
  });
});

/** Every field path of a value (objects and lists), the value's own first. */
function fieldPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const paths = [at];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...fieldPaths(item, [...at, i])));
  else if (typeof value === "object" && value !== null) for (const [key, item] of Object.entries(value)) paths.push(...fieldPaths(item, [...at, key]));
  return paths;
}

describe("stamps of agency files", () => {
  let environment = "";
  let folder = "";
  beforeAll(() => {
    environment = project.copyNational("stamps");
    folder = settle(environment);
    loadEstate(REPO_ROOT, environment); // fills the cache
    expect(lastAgencyFilesRead()).toBe(count);
  });

  it("a file whose stamp is unchanged is not read, and serves what a cold load gives", () => {
    const warm = loadEstate(REPO_ROOT, environment).config.agencies;
    expect(lastAgencyFilesRead()).toBe(0);
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
    const cold = cacheOff(() => loadEstate(REPO_ROOT, environment).config.agencies);
    expect(warm.map((a) => a.value)).toStrictEqual(cold.map((a) => (a as LoadedAgency).value));
  });

  it("sees an edit that keeps the file's size and modification time", () => {
    const file = path.join(folder, "bo-y-te.yaml");
    const original = fs.readFileSync(file, "utf8");
    const { mtime } = fs.statSync(file);
    const edited = original.replace(/^( {2}cpu: )(\d+)$/m, (_, key: string, cpu: string) => `${key}${cpu.slice(0, -1)}${cpu.endsWith("1") ? "2" : "1"}`);
    expect(edited).not.toBe(original);
    expect(edited.length).toBe(original.length);
    try {
      fs.writeFileSync(file, edited);
      fs.utimesSync(file, mtime, mtime);
      const agency = loadEstate(REPO_ROOT, environment).config.agencies.find((a) => a.path === file) as LoadedAgency;
      expect(lastAgencyFilesRead()).toBe(1);
      expect(lastAgencyCacheStats()).toMatchObject({ hits: count - 1, misses: 1 });
      expect(String(agency.value.quota.cpu)).toBe(/^ {2}cpu: (\d+)$/m.exec(edited)?.[1]);
    } finally {
      fs.writeFileSync(file, original);
      fs.utimesSync(file, mtime, mtime);
    }
    loadEstate(REPO_ROOT, environment);
    expect(lastAgencyCacheStats()).toEqual({ hits: count - 1, misses: 1, written: true });
  });

  it("reads files with new stamps and the same bytes once (a checkout), records their stamps, and then reads none", () => {
    for (const name of fs.readdirSync(folder)) fs.writeFileSync(path.join(folder, name), fs.readFileSync(path.join(folder, name)));
    settle(environment);
    loadEstate(REPO_ROOT, environment);
    expect(lastAgencyFilesRead()).toBe(count);
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: true });
    loadEstate(REPO_ROOT, environment);
    expect(lastAgencyFilesRead()).toBe(0);
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
  });

  it("reads a file modified just before it was stamped again next time, however its stamp reads", () => {
    const file = path.join(folder, "bo-y-te.yaml");
    fs.writeFileSync(file, fs.readFileSync(file)); // modified now: stamped, but not trusted
    loadEstate(REPO_ROOT, environment);
    expect(lastAgencyFilesRead()).toBe(1);
    loadEstate(REPO_ROOT, environment);
    expect(lastAgencyFilesRead()).toBe(1);
    restamp(environment);
  });

  it("refuses to locate in a file that changed after its stamp was taken", () => {
    const agency = loadEstate(REPO_ROOT, environment).config.agencies.find((a) => a.path.endsWith("bo-y-te.yaml")) as LoadedAgency;
    expect(lastAgencyFilesRead()).toBe(0);
    const original = fs.readFileSync(agency.path);
    try {
      fs.writeFileSync(agency.path, `# edited meanwhile\n${original.toString("utf8")}`);
      expect(() => agency.source.locate(["workloads", "no-such-workload"])).toThrow(/bo-y-te\.yaml:1:1: <document>: changed while govcloud was reading the estate; run the command again/);
    } finally {
      fs.writeFileSync(agency.path, original);
    }
    restamp(environment);
  });
});

describe("source maps of cached agencies", () => {
  let environment = "";
  beforeAll(() => {
    environment = project.copyNational("positions");
    // Files served by their stamps, whose bytes are read only for a position.
    settle(environment);
    loadEstate(REPO_ROOT, environment); // fills the cache
  });

  it("are not parsed to load the estate and build sources.json, which is that of a cold load", () => {
    const warm = loadEstate(REPO_ROOT, environment).config;
    expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
    const lazy = (agencies: readonly LoadedAgency[]) => agencies.map((a) => a.source).filter((s): s is LazySourceMap => s instanceof LazySourceMap);
    expect(lazy(warm.agencies)).toHaveLength(warm.agencies.length);
    const sources = buildSources(warm, REPO_ROOT);
    for (const source of lazy(warm.agencies)) expect(source.isParsed, source.file).toBe(false);
    const cold = cacheOff(() => loadEstate(REPO_ROOT, environment).config);
    expect(sources).toEqual(buildSources(cold, REPO_ROOT));
  });

  it("give every position of a cold load, before and after they parse the file", () => {
    const warm = loadEstate(REPO_ROOT, environment).config.agencies;
    const cold = cacheOff(() => loadEstate(REPO_ROOT, environment).config.agencies);
    expect(warm.map((a) => a.path)).toEqual(cold.map((a) => a.path));
    for (const [i, agency] of warm.entries()) {
      const coldSource = (cold[i] as LoadedAgency).source;
      expect(agency.value).toStrictEqual((cold[i] as LoadedAgency).value);
      const paths = [...fieldPaths(agency.value), ["no-such-field"], ["workloads", "no-such-workload", "image"], ["contacts", 99]];
      for (const path of paths) {
        expect(agency.source.locate(path), `${agency.source.file} ${path.join(".")}`).toEqual(coldSource.locate(path));
        expect(agency.source.locateKey(path), `${agency.source.file} ${path.join(".")}`).toEqual(coldSource.locateKey(path));
      }
      expect((agency.source as LazySourceMap).isParsed).toBe(true);
    }
  });

  it("locate a cross-file diagnostic in a cached agency as a cold load does (an over-quota capacity check)", () => {
    // Tenant pools of one CPU core, the general pools' three: in north, bo-y-te's quota alone overflows.
    const text = fs.readFileSync(environment, "utf8");
    fs.writeFileSync(environment, text.replace(/(flavor: gc\.gen\.32c128g\n\s+)cpu: 32/g, "$1cpu: 3").replace(/^( +)cpu: (16|32)$/gm, "$1cpu: 1"));
    const failure = () => {
      try {
        loadEstate(REPO_ROOT, environment);
      } catch (error) {
        if (error instanceof UserError) return error;
        throw error;
      }
      throw new Error("expected a capacity problem");
    };
    try {
      const cached = failure();
      expect(lastAgencyCacheStats()).toEqual({ hits: count, misses: 0, written: false });
      const uncached = cacheOff(failure);
      expect(cached.message).toBe(uncached.message);
      expect(cached.diagnostics).toEqual(uncached.diagnostics);
      const inAgency = cached.diagnostics.filter((d) => d.file.endsWith(path.join("agencies", "bo-y-te.yaml")));
      expect(inAgency.map((d) => d.path)).toEqual(["quota.cpu"]);
      const written = fs.readFileSync(path.join(path.dirname(environment), "national", "agencies", "bo-y-te.yaml"), "utf8").split("\n");
      const at = inAgency[0] as { line: number; col: number };
      expect(written[at.line - 1]?.slice(at.col - 1)).toMatch(/^64\b/);
      // The hint for the platform team names the same file:line:col.
      expect(cached.diagnostics.some((d) => d.message.includes(`${(inAgency[0] as { file: string }).file}:${at.line}:${at.col}`))).toBe(true);
    } finally {
      fs.writeFileSync(environment, text);
    }
  });
});
