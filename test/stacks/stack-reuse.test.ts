/**
 * Re-synthesis rebuilds only the stacks whose inputs changed, and the result is byte for byte
 * what a full synthesis writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { synthesize } from "../../cli/synth";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";

const root = tempDir();

function estateCopy(name: string): string {
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(dir, "national.yaml"));
  return path.join(dir, "national.yaml");
}

describe("re-synthesis", () => {
  it("reuses every stack when nothing changed", () => {
    const env = estateCopy("same");
    const out = path.join(root, "same", "cdktf.out");
    const first = synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    expect(first.reused).toBe(0);
    const before = readTree(out);
    const second = synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    expect(second.reused).toBe(second.stacks.length);
    const after = readTree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
  });

  it("rebuilds only the stacks an edited agency lives in, and writes what a full synthesis writes", () => {
    const env = estateCopy("edited");
    const out = path.join(root, "edited", "cdktf.out");
    synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    const agency = path.join(path.dirname(env), "national", "agencies", "phuong-hoan-kiem.yaml");
    fs.writeFileSync(agency, fs.readFileSync(agency, "utf8").replace("  cpu: 2\n", "  cpu: 3\n"));
    const incremental = synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    // Phường Hoàn Kiếm lives in north (home) and central (disaster recovery).
    expect(incremental.reused).toBeGreaterThan(0);
    expect(incremental.reused).toBeLessThan(incremental.stacks.length);
    const full = synthesize({ repoRoot: REPO_ROOT, environment: env, out: path.join(root, "edited", "full", "cdktf.out") });
    expect(full.reused).toBe(0);
    const a = readTree(out);
    const b = readTree(full.outdir);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, bytes] of b) expect(a.get(file)?.equals(bytes), file).toBe(true);
  });
});
