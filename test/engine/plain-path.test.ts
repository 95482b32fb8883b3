/**
 * The engine changes where and when the work is done, never what is written: `synthesize()`
 * (threads, lazy tenant builders, stack reuse) writes every stack byte for byte as the plain path
 * does, `buildApp(buildEstate(config, lock).estate).synth()` with the default in-thread builder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { synthesisCode } from "../../engine";
import { synthesizedOutput } from "../support/synthesized";
import { loadEnvironmentConfig } from "../../environments";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate } from "../../estate/estate";
import { withoutTokenStackTraces } from "../../stacks/stack-traces";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";

function plainStacks(environment: string, outdir: string): Map<string, Buffer> {
  const config = loadEnvironmentConfig(REPO_ROOT, environment);
  const { estate, problems } = buildEstate(config, readShardLock(lockFilePath(config.environmentPath)));
  if (estate === undefined) throw new Error(problems.map((p) => p.message).join("\n"));
  withoutTokenStackTraces(() => synthesisCode().buildApp(estate, { outdir }).synth());
  return readTree(path.join(outdir, "stacks"));
}

describe.each(["dev", "national"])("%s: the engine against the plain path", (environment) => {
  it("writes every stack's Terraform byte for byte as buildApp(estate).synth()", () => {
    const root = tempDir();
    try {
      const plain = plainStacks(environment, path.join(root, "plain"));
      // synthesize({ repoRoot, environment, out }), run once for the whole suite (test/support/synthesized-once.ts).
      const engine = readTree(path.join(synthesizedOutput(environment), "stacks"));
      const synthesized = (files: Map<string, Buffer>) => [...files.keys()].filter((f) => f.endsWith("cdk.tf.json")).sort();
      expect(synthesized(engine)).toEqual(synthesized(plain));
      expect(synthesized(engine).length).toBeGreaterThan(0);
      for (const file of synthesized(plain)) expect(engine.get(file)?.equals(plain.get(file) as Buffer), file).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
