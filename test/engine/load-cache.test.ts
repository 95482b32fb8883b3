/**
 * The cache of validated files behind `govcloud synth --watch`: an unchanged file is not read
 * again, any change is, and bad files stay bad until they change.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../environments/diagnostics";
import { LoadCache } from "../../engine/load-cache";
import { tempDir } from "../support/synth";

const root = tempDir();

/** A file last modified `ageMs` ago, and a loader that counts its calls. */
function setUp(name: string, text: string, ageMs = 60_000) {
  const file = path.join(root, name);
  fs.writeFileSync(file, text);
  const past = new Date(Date.now() - ageMs);
  fs.utimesSync(file, past, past);
  let loads = 0;
  const load = () => {
    loads++;
    const content = fs.readFileSync(file, "utf8");
    if (content.includes("bad")) throw new UserError([{ file, line: 1, col: 1, path: "", message: "is bad" }]);
    return { content };
  };
  return { file, load, loads: () => loads };
}

describe("LoadCache", () => {
  it("returns the same value without loading again while the file is unchanged", () => {
    const cache = new LoadCache();
    const { file, load, loads } = setUp("same.yaml", "a: 1\n");
    const first = cache.load(file, load);
    expect(cache.load(file, load)).toBe(first);
    expect(loads()).toBe(1);
    expect(cache.takeStats()).toEqual({ hits: 1, misses: 1 });
  });

  it("loads again after any write, even one that keeps the size", () => {
    const cache = new LoadCache();
    const { file, load, loads } = setUp("edited.yaml", "cpu: 2\n");
    cache.load(file, load);
    fs.writeFileSync(file, "cpu: 3\n");
    expect(cache.load(file, load)).toEqual({ content: "cpu: 3\n" });
    expect(loads()).toBe(2);
  });

  it("compares content when a file was modified around the time it was cached", () => {
    const cache = new LoadCache();
    const { file, load, loads } = setUp("racy.yaml", "cpu: 2\n", 0);
    cache.load(file, load);
    // Same bytes, same stamp: no load, although the stamp alone could not tell.
    expect(cache.load(file, load)).toEqual({ content: "cpu: 2\n" });
    expect(loads()).toBe(1);
  });

  it("keeps reporting a bad file until it changes", () => {
    const cache = new LoadCache();
    const { file, load, loads } = setUp("bad.yaml", "bad\n");
    expect(() => cache.load(file, load)).toThrow(UserError);
    expect(() => cache.load(file, load)).toThrow(/is bad/);
    expect(loads()).toBe(1);
    fs.writeFileSync(file, "good\n");
    expect(cache.load(file, load)).toEqual({ content: "good\n" });
  });

  it("never caches a file it cannot read", () => {
    const cache = new LoadCache();
    const file = path.join(root, "missing.yaml");
    let loads = 0;
    const load = () => {
      loads++;
      throw new UserError([{ file, line: 1, col: 1, path: "", message: "cannot be read" }]);
    };
    expect(() => cache.load(file, load)).toThrow(UserError);
    expect(() => cache.load(file, load)).toThrow(UserError);
    expect(loads).toBe(2);
  });
});

describe("LoadCache.loadAll", () => {
  it("loads the files it cannot serve in one call, and returns every result in file order", () => {
    const cache = new LoadCache();
    const a = setUp("all-a.yaml", "a\n");
    const b = setUp("all-b.yaml", "bad b\n");
    const c = setUp("all-c.yaml", "c\n");
    const calls: string[][] = [];
    const loadMany = (files: readonly string[]) => {
      calls.push(files.map((f) => path.basename(f)));
      return files.map((file) => {
        const one = [a, b, c].find((x) => x.file === file);
        try {
          return one?.load() ?? new UserError([]);
        } catch (error) {
          return error as UserError;
        }
      });
    };
    const first = cache.loadAll([a.file, b.file, c.file], loadMany);
    expect(first[0]).toEqual({ content: "a\n" });
    expect(first[1]).toBeInstanceOf(UserError);
    fs.writeFileSync(c.file, "c edited\n");
    const second = cache.loadAll([a.file, b.file, c.file], loadMany);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).toEqual({ content: "c edited\n" });
    expect(calls).toEqual([["all-a.yaml", "all-b.yaml", "all-c.yaml"], ["all-c.yaml"]]);
  });
});
