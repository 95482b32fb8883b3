/**
 * Synthesis on both cores, for large estates (engine/threads.ts). A national estate has about a
 * hundred tenant stacks. The second thread (engine/second-thread.ts) has read half of the agency
 * files and loaded the synthesis code by then; both threads take tenant stacks from one queue
 * until it is empty, the main thread from the front after the platform stacks, the worker from
 * the back. So neither waits for the other whatever their speeds, and the worker is sent the
 * plans of only the part of the queue it may take. The output does not depend on the split:
 * stacks are independent.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The part of the queue (from the back) whose plans the worker gets: enough to take its half and more. */
const WORKER_REACH = 0.6;

/**
 * Tenant stacks shared by two threads. The state is one Int32 (front index, and end index << 16)
 * changed by compare-and-swap, so every stack is taken exactly once; a second Int32 counts the
 * stacks the worker has written, for progress.
 */
export class StackQueue {
  private readonly state: Int32Array;

  /**
   * @param stacks in plan order
   * @param buffer shared with the other thread (the worker's queue is made from the main's)
   * @param lowest the lowest index the worker may take (it has no plans below)
   */
  constructor(
    public readonly stacks: readonly string[],
    public readonly buffer: SharedArrayBuffer = StackQueue.bufferFor(stacks.length),
    public readonly lowest = Math.floor(stacks.length * (1 - WORKER_REACH)),
  ) {
    this.state = new Int32Array(buffer);
  }

  private static bufferFor(length: number): SharedArrayBuffer {
    if (length >= 0x7fff) throw new Error(`internal: ${length} tenant stacks are more than a stack queue holds`);
    const buffer = new SharedArrayBuffer(8);
    Atomics.store(new Int32Array(buffer), 0, length << 16);
    return buffer;
  }

  /**
   * For the main thread: up to `max` stacks from the front, none when the queue is empty. Fewer
   * near the end of the queue (one in eight of those left), so that both threads finish at
   * about the same time.
   */
  public takeFront(max: number): string[] {
    for (;;) {
      const now = Atomics.load(this.state, 0);
      const front = now & 0xffff;
      const end = now >>> 16;
      const count = Math.min(claimSize(max, end - front), end - front);
      if (count <= 0) return [];
      if (Atomics.compareExchange(this.state, 0, now, (front + count) | (end << 16)) === now) return this.stacks.slice(front, front + count);
    }
  }

  /** For the worker: up to `max` stacks from the back, not below `lowest`; fewer near the end, as takeFront. */
  public takeBack(max: number): string[] {
    for (;;) {
      const now = Atomics.load(this.state, 0);
      const front = now & 0xffff;
      const end = now >>> 16;
      const count = Math.min(claimSize(max, end - front), end - Math.max(front, this.lowest));
      if (count <= 0) return [];
      if (Atomics.compareExchange(this.state, 0, now, front | ((end - count) << 16)) === now) return this.stacks.slice(end - count, end);
    }
  }

  /** The stacks the worker may take: their plans are all it is sent. */
  public workerReach(): readonly string[] {
    return this.stacks.slice(this.lowest);
  }

  public countWorkerDone(stacks: number): void {
    Atomics.add(this.state, 1, stacks);
  }

  public workerDone(): number {
    return Atomics.load(this.state, 1);
  }
}

/** Stacks to take at once when `left` are left: `max`, down to one for the last eight. */
function claimSize(max: number, left: number): number {
  return Math.max(1, Math.min(max, Math.ceil(left / 8)));
}

/** Moves the stack folders synthesized by the worker into the main output folder. */
export function adoptStacks(workerOutdir: string, outdir: string, stacks: readonly string[]): void {
  for (const name of stacks) {
    fs.renameSync(path.join(workerOutdir, "stacks", name), path.join(outdir, "stacks", name));
  }
  fs.rmSync(workerOutdir, { recursive: true, force: true });
}
