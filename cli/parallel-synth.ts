/**
 * Synthesis on both cores, for large estates (cli/threads.ts). A national estate has about a
 * hundred tenant stacks; the main thread synthesizes half of them while a worker thread
 * synthesizes the other half. The worker is started before the configuration is read, so its
 * start-up (compiling, cdktf, provider bindings) overlaps with that work. The output does not depend on the split: stacks
 * are independent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Estate } from "../estate/estate";
import { BlockingWorker } from "./blocking-worker";
import type { SynthJob } from "./synth-worker";

export class SynthWorker {
  private readonly worker = new BlockingWorker<SynthJob, true>(path.join(__dirname, "synth-worker.cjs"));

  /**
   * Starts synthesizing `only` of `estate` into `outdir` on the worker and returns at once; only
   * those stacks' plans are sent, to keep the copy small. Call `wait()` when the own share is done.
   */
  public start(estate: Estate, only: readonly string[], outdir: string): void {
    const wanted = new Set(only);
    const share: Estate = { ...estate, tenantStacks: estate.tenantStacks.filter((s) => wanted.has(s.name)) };
    this.worker.send({ estate: share, only, outdir });
  }

  /** Blocks until the worker's share is written. */
  public wait(): void {
    this.worker.receive();
  }

  public close(): void {
    this.worker.close();
  }
}

/** Moves the stack folders synthesized by the worker into the main output folder. */
export function adoptStacks(workerOutdir: string, outdir: string, stacks: readonly string[]): void {
  for (const name of stacks) {
    fs.renameSync(path.join(workerOutdir, "stacks", name), path.join(outdir, "stacks", name));
  }
  fs.rmSync(workerOutdir, { recursive: true, force: true });
}
