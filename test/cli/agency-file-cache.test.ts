/**
 * The persistent cache of validated agency files (cli/agency-file-cache.ts): a warm run writes the
 * same bytes as a cold one, a damaged cache file is never trusted and is rebuilt, and a file that
 * fails validation is never stored (its errors keep their file:line:col).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agencyCacheFile, lastAgencyCacheStats, storedAgencyFiles } from "../../cli/agency-file-cache";
import { readCacheEntry, writeCacheEntry } from "../../cli/persistent-cache";
import { synthesize } from "../../cli/synth";
import { UserError } from "../../environments/diagnostics";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";

const root = tempDir();
const env = path.join(root, "national.yaml");
const agencies = path.join(root, "national", "agencies");
const saved = process.env.GOVCLOUD_CACHE_DIR;
let count = 0;

function synth(out: string): void {
  synthesize({ repoRoot: REPO_ROOT, environment: env, out: path.join(root, out) });
}

function expectSameTree(a: string, b: string): void {
  const left = readTree(path.join(root, a));
  const right = readTree(path.join(root, b));
  expect([...right.keys()].sort()).toEqual([...left.keys()].sort());
  for (const [file, bytes] of left) expect(right.get(file)?.equals(bytes), file).toBe(true);
}

beforeAll(() => {
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(root, "national"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), env);
  count = fs.readdirSync(agencies).filter((f) => f.endsWith(".yaml")).length;
  process.env.GOVCLOUD_CACHE_DIR = path.join(root, "cache");
});

afterAll(() => {
  if (saved === undefined) delete process.env.GOVCLOUD_CACHE_DIR;
  else process.env.GOVCLOUD_CACHE_DIR = saved;
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
      process.env.GOVCLOUD_CACHE_DIR = path.join(root, "cache");
    }
    expectSameTree("cold", "uncached");
  });

  it("ignores a truncated, garbled or foreign cache file, and rewrites it", () => {
    const file = agencyCacheFile(REPO_ROOT, env) as string;
    const good = fs.readFileSync(file);
    const header = good.indexOf(10);
    const damages: [string, (b: Buffer) => Buffer][] = [
      ["truncated body", (b) => b.subarray(0, Math.floor(b.length / 2))],
      ["truncated header", (b) => b.subarray(0, header - 3)],
      ["empty", () => Buffer.alloc(0)],
      ["one byte of the body changed", (b) => Buffer.from(b).fill(b[header + 40] === 0x41 ? 0x42 : 0x41, header + 40, header + 41)],
      ["one byte of the checksum changed", (b) => Buffer.from(b).fill(b[header - 1] === 0x30 ? 0x31 : 0x30, header - 1, header)],
      ["garbage", () => Buffer.from("govcloud-cache 1 agencies x 3 abc\nxyz")],
    ];
    for (const [name, damage] of damages) {
      fs.writeFileSync(file, damage(good));
      synth(`damaged-${name.replaceAll(" ", "-")}`);
      expect(lastAgencyCacheStats(), name).toEqual({ hits: 0, misses: count, written: true });
      expectSameTree("cold", `damaged-${name.replaceAll(" ", "-")}`);
      expect(storedAgencyFiles(REPO_ROOT, env)?.size, name).toBe(count);
    }
    // An entry made under another code fingerprint (another version of govcloud) is not used.
    const stored = storedAgencyFiles(REPO_ROOT, env);
    expect(stored?.size).toBe(count);
    const value = readCacheEntry<unknown>(file, "agencies", "another-code-fingerprint");
    expect(value).toBeUndefined();
    writeCacheEntry(file, "agencies", "another-code-fingerprint", { files: new Map() });
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
      expect(storedAgencyFiles(REPO_ROOT, env)?.has(agency)).toBe(false);
    }
    expect(fs.existsSync(path.join(root, "invalid"))).toBe(false);
    fs.writeFileSync(agency, original);
    synth("restored");
    expect(lastAgencyCacheStats()).toEqual({ hits: count - 1, misses: 1, written: true });
    expect(storedAgencyFiles(REPO_ROOT, env)?.has(agency)).toBe(true);
    expectSameTree("cold", "restored");
  });
});
