/**
 * GOVCLOUD_THREADS, read without loading anything (engine/start.ts reads it before the CLI
 * loads); engine/threads.ts says what each setting does.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type ThreadSetting = "auto" | "one" | "two";

export function threadSetting(): ThreadSetting {
  const value = process.env.GOVCLOUD_THREADS;
  return value === "1" ? "one" : value === "2" ? "two" : "auto";
}

/**
 * Whether the policy gate's thread of `govcloud synth` synthesizes too (engine/synth.ts): every
 * setting but `1`, which keeps all synthesis on the main thread.
 */
function gateThreadSynthesizes(): boolean {
  return threadSetting() !== "one";
}

/** The file in an output folder that names its stacks' fingerprints (engine/stack-reuse.ts). */
export const FINGERPRINTS_FILE = "stack-fingerprints.json";

/**
 * Whether a `govcloud synth` into `outdir` is a re-synthesis whose changed tenant stacks the gate's
 * thread synthesizes (engine/synth.ts): the folder has stacks to reuse, and the setting allows it.
 */
export function gateThreadWillSynthesize(outdir: string): boolean {
  return gateThreadSynthesizes() && fs.existsSync(path.join(path.resolve(outdir), FINGERPRINTS_FILE));
}
