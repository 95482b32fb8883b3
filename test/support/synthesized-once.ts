/**
 * vitest globalSetup: synthesizes every environment of the repository ONCE per `npm test`, with
 * the same call the tests made themselves (`synthesize({ repoRoot, environment, out })`, no policy
 * gate), and hands the output folders to the test files through `provide`/`inject`
 * (test/support/synthesized.ts). Tests that only read a synthesized output use these; tests that
 * edit or re-synthesize copy one first, or synthesize their own.
 *
 * The folders are shared by every worker, so nothing may write into them: the teardown compares
 * each file's bytes with what was synthesized and fails the run if a test changed, added or
 * removed one.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** environment name -> its synthesized output folder (read-only). */
    synthesized: Record<string, string>;
  }
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** relative path -> SHA-256 of the bytes, for every file below `dir`. */
function digestTree(dir: string): Map<string, string> {
  const digests = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const file = path.join(dir, rel);
    if (fs.statSync(file).isFile()) digests.set(rel, crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
  }
  return digests;
}

export default function setup(project: TestProject): () => void {
  // The settings the test workers run with (vitest.config.mts `test.env`): no cache, no network.
  const env = project.config.env as Record<string, string>;
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-synthesized-"));
  const outputs: Record<string, string> = {};
  const digests = new Map<string, Map<string, string>>();
  try {
    const require = createRequire(__filename);
    require("../../core/register.cjs");
    const { listEnvironments } = require("../../environments/index.ts") as typeof import("../../environments");
    const { synthesize } = require("../../engine/synth.ts") as typeof import("../../engine/synth");
    for (const environment of listEnvironments(REPO_ROOT)) {
      const { outdir } = synthesize({ repoRoot: REPO_ROOT, environment, out: path.join(root, environment) });
      outputs[environment] = outdir;
      digests.set(environment, digestTree(outdir));
    }
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  project.provide("synthesized", outputs);
  return () => {
    try {
      for (const [environment, before] of digests) {
        const after = digestTree(outputs[environment] as string);
        const changed = [...new Set([...before.keys(), ...after.keys()])].filter((rel) => before.get(rel) !== after.get(rel));
        if (changed.length > 0) {
          // vitest only prints an error thrown here: the exit code must say it too.
          process.exitCode = 1;
          throw new Error(`a test wrote into the shared synthesized output of ${environment}: ${changed.join(", ")}`);
        }
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
}
