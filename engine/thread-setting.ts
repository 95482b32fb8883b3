/**
 * GOVCLOUD_THREADS, read without loading anything (engine/start.ts reads it before the CLI
 * loads); engine/threads.ts says what each setting does.
 */
export type ThreadSetting = "auto" | "one" | "two";

export function threadSetting(): ThreadSetting {
  const value = process.env.GOVCLOUD_THREADS;
  return value === "1" ? "one" : value === "2" ? "two" : "auto";
}

/**
 * Whether the policy gate's thread of `govcloud synth` synthesizes too (engine/synth.ts): every
 * setting but `1`, which keeps all synthesis on the main thread.
 */
export function gateThreadSynthesizes(): boolean {
  return threadSetting() !== "one";
}

