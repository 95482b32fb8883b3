/**
 * State never moves: wherever `synth --out` writes inside the project, every stack's local
 * backend resolves to `<project>/state/<env>/<stack>.tfstate`; outside the project, synth refuses.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readStacks, readTree, tempDir } from "../support/synth";
import { cli } from "../support/cli";
import { copyEnvironment } from "../support/estate-copy";

const root = tempDir();

/** Each stack's local state file, resolved from its stack folder. */
function resolvedStateFiles(outdir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [stack, doc] of readStacks(outdir)) {
    const local = (doc.terraform?.backend as { local?: { path: string } }).local;
    if (local === undefined) throw new Error(`${stack} has no local backend`);
    expect(path.isAbsolute(local.path), stack).toBe(false);
    files.set(stack, path.resolve(outdir, "stacks", stack, local.path));
  }
  return files;
}

describe("synth --out and local state", () => {
  const project = path.join(root, "project");
  const env = copyEnvironment(project, "dev");

  it("resolves to <project>/state/<env>/<stack>.tfstate from output folders at any depth inside the project", () => {
    const outs = ["cdktf.out", path.join("build", "out"), path.join("a", "b", "c", "out")];
    for (const out of outs) {
      const result = cli("synth", "--env", env, "--out", path.join(project, out), "--quiet");
      expect(result.code, result.stderr).toBe(0);
      const files = resolvedStateFiles(path.join(project, out));
      expect(files.size).toBeGreaterThan(0);
      for (const [stack, file] of files) expect(file, `${out} ${stack}`).toBe(path.join(project, "state", "dev", `${stack}.tfstate`));
    }
  });

  it("writes byte-identical Terraform for output folders at the same place in two copies of the project", () => {
    const other = path.join(root, "elsewhere", "checkout");
    const otherEnv = copyEnvironment(other, "dev");
    expect(cli("synth", "--env", otherEnv, "--out", path.join(other, "build", "out"), "--quiet").code).toBe(0);
    // sources.json names the environment files, which these two copies keep in different folders,
    // and stack-fingerprints.json records the fingerprint it was written from with the stacks'.
    const withoutSources = (file: string, bytes: Buffer) => {
      if (file !== "stack-fingerprints.json") return bytes;
      const { "sources.json": sources, ...stacks } = JSON.parse(bytes.toString("utf8")) as Record<string, string>;
      expect(sources).toMatch(/^[0-9a-f]{64}$/);
      return Buffer.from(JSON.stringify(stacks));
    };
    const terraform = (dir: string) => new Map([...readTree(dir)].filter(([file]) => file !== "sources.json").map(([file, bytes]) => [file, withoutSources(file, bytes)] as const));
    const a = terraform(path.join(project, "build", "out"));
    const b = terraform(path.join(other, "build", "out"));
    expect(a.size).toBeGreaterThan(2);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect(b.get(file)?.equals(bytes), file).toBe(true);
  });

  it("refuses an output folder outside the project, with exit code 2 and nothing written", () => {
    const outside = path.join(root, "outside", "out");
    const result = cli("synth", "--env", env, "--out", outside);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dev\.yaml:\d+:\d+: stateBackend: local state lives in .*state\/dev\/, which the output folder .* cannot name without this machine's folders/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outside)).toBe(false);
  });

  it("refuses an output folder inside the state folder", () => {
    const result = cli("synth", "--env", env, "--out", path.join(project, "state", "out"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("must not contain each other");
  });
});
