/**
 * Test helpers that synthesize into temporary folders and always clean them up. cdktf's own
 * `Testing.app()` leaves `cdktf.outdir.*` folders behind, so tests use these instead.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing, TerraformStack } from "cdktf";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export { tempDir } from "./temp-dirs";

/** A synthesized Terraform JSON document, as far as tests look into it. */
export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, unknown>;
  terraform?: Record<string, unknown>;
}

/** Builds constructs into a throwaway stack and returns its Terraform JSON (no files written). */
export function synthConstructs(build: (stack: TerraformStack) => void): TerraformJson {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-construct-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "test");
    build(stack);
    return JSON.parse(Testing.synth(stack)) as TerraformJson;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** All resources of one type in a Terraform JSON document, by name. */
export function resourcesOf(doc: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return doc.resource?.[type] ?? {};
}

/** Every stack of a synthesized folder: name -> parsed cdk.tf.json. */
export function readStacks(outdir: string): Map<string, TerraformJson> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return new Map(
    Object.entries(manifest.stacks).map(([name, s]) => [
      name,
      JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")) as TerraformJson,
    ]),
  );
}

/** Every file below a folder, relative path -> bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel)));
    }
  };
  walk("");
  return files;
}
