/**
 * The output folders that test/support/synthesized-once.ts synthesized for every environment,
 * once per run. Read them; never write into them (the run fails if a test does): copy one with
 * {@link copySynthesized} to edit it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { inject } from "vitest";

/** The shared, read-only output folder of `environment`, as `synthesize()` wrote it. */
export function synthesizedOutput(environment: string): string {
  const outdir = inject("synthesized")[environment];
  if (outdir === undefined) throw new Error(`no shared synthesized output for environment '${environment}'`);
  return outdir;
}

/** A private copy of the shared output of `environment` at `target`, for a test to edit. */
export function copySynthesized(environment: string, target: string): string {
  fs.cpSync(synthesizedOutput(environment), target, { recursive: true });
  return path.resolve(target);
}
