/**
 * Synthesis on both cores. A national estate has about a hundred tenant stacks; the main thread
 * synthesizes half of them while a worker thread synthesizes the other half. The worker is
 * started before the configuration is read, so its start-up (tsx, cdktf, provider bindings)
 * overlaps with that work. The output does not depend on the split: stacks are independent.
 *
 * `synthesize()` stays synchronous: the main thread blocks in `Atomics.wait` for the worker and
 * takes its result with `receiveMessageOnPort`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Estate } from "../estate/estate";
import type { SynthJob, SynthJobResult } from "./synth-worker";

/** Below this many agency files, one thread is faster than starting a second. */
export const PARALLEL_MIN_AGENCIES = 200;

export class SynthWorker {
  private readonly worker: Worker;
  private readonly signal = new SharedArrayBuffer(4);
  private readonly channel = new MessageChannel();

  constructor() {
    const port = this.channel.port2;
    this.worker = new Worker(path.join(__dirname, "synth-worker.cjs"), {
      workerData: { signal: this.signal, port },
      transferList: [port],
    });
    this.worker.unref();
  }

  /** Synthesizes `only` of `estate` into `outdir` on the worker; blocks until it is done. */
  public run(estate: Estate, only: readonly string[], outdir: string): void {
    const job: SynthJob = { estate, only, outdir };
    this.channel.port1.postMessage(job);
    const done = new Int32Array(this.signal);
    Atomics.wait(done, 0, 0);
    // The worker posts its result before it signals, so the message is there to take.
    const received = receiveMessageOnPort(this.channel.port1);
    const result = (received?.message ?? { ok: false, message: "synthesis worker gave no result" }) as SynthJobResult;
    if (!result.ok) throw new Error(`synthesis worker: ${result.message}${result.stack ? `\n${result.stack}` : ""}`);
  }

  public close(): void {
    void this.worker.terminate();
    this.channel.port1.close();
  }
}

/** Moves the stack folders synthesized by the worker into the main output folder. */
export function adoptStacks(workerOutdir: string, outdir: string, stacks: readonly string[]): void {
  for (const name of stacks) {
    fs.renameSync(path.join(workerOutdir, "stacks", name), path.join(outdir, "stacks", name));
  }
  fs.rmSync(workerOutdir, { recursive: true, force: true });
}
