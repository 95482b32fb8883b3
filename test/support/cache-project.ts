/**
 * A temporary project for the tests of the persistent caches (the agency-file cache, the policy
 * gate's record of passed stacks): copies of national in one temporary folder, a cache folder of
 * their own in GOVCLOUD_CACHE_DIR for the test file (the setting is restored after it), and a
 * byte-for-byte comparison of two output folders.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { readTree, REPO_ROOT, tempDir } from "./synth";

export interface CacheProject {
  /** The temporary project folder, removed after the test file. */
  readonly root: string;
  /** The persistent cache of this test file (GOVCLOUD_CACHE_DIR while it runs). */
  readonly cacheDir: string;
  /**
   * Copies national (the environment file, its agencies and tenant-stack lock) into
   * `<root>/<name>/`, the environment file edited by `edit`; returns the environment file.
   */
  copyNational(name: string, edit?: (text: string) => string): string;
  /** An output folder of the project: `<root>/<name>`. */
  out(name: string): string;
  /** Expects two output folders of the project to hold the same files with the same bytes. */
  expectSameTree(a: string, b: string): void;
}

/** Call at the top of a test file: the project lives for the file. */
export function cacheProject(): CacheProject {
  const root = tempDir("govcloud-cache-test-");
  const cacheDir = path.join(root, "cache");
  const saved = process.env.GOVCLOUD_CACHE_DIR;
  beforeAll(() => {
    process.env.GOVCLOUD_CACHE_DIR = cacheDir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.GOVCLOUD_CACHE_DIR;
    else process.env.GOVCLOUD_CACHE_DIR = saved;
  });
  const out = (name: string) => path.join(root, name);
  return {
    root,
    cacheDir,
    out,
    copyNational(name, edit = (text) => text) {
      const dir = path.join(root, name);
      fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
      fs.writeFileSync(path.join(dir, "national.yaml"), edit(fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8")));
      return path.join(dir, "national.yaml");
    },
    expectSameTree(a, b) {
      const left = readTree(out(a));
      const right = readTree(out(b));
      expect([...right.keys()].sort()).toEqual([...left.keys()].sort());
      for (const [file, bytes] of left) expect(right.get(file)?.equals(bytes), file).toBe(true);
    },
  };
}

/** Runs `fn` with environment variable `name` set to `value` (or unset), then restores it, set or unset as it was. */
export function withEnvironmentVariable<T>(name: string, value: string | undefined, fn: () => T): T {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

/** Runs `fn` with the persistent cache off. */
export function cacheOff<T>(fn: () => T): T {
  return withEnvironmentVariable("GOVCLOUD_CACHE_DIR", "off", fn);
}
