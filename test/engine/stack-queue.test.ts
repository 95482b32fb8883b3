/**
 * The queue two synthesis threads share (engine/parallel-synth.ts): however their takes interleave,
 * every stack is taken exactly once, the main thread's from the front in plan order, the
 * worker's from the back and never below the part it was sent.
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StackQueue } from "../../engine/parallel-synth";

describe("StackQueue", () => {
  it("hands out every stack exactly once, whatever the order of takes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 16 })), { maxLength: 200 }), (n, takes) => {
        const stacks = Array.from({ length: n }, (_, i) => `tenants-${String(i).padStart(3, "0")}`);
        const main = new StackQueue(stacks);
        // The worker's view: the same shared state, as a worker thread builds it from the job.
        const worker = new StackQueue(stacks, main.buffer, main.lowest);
        const front: string[] = [];
        const back: string[] = [];
        for (const [fromFront, max] of takes) {
          const got = fromFront ? main.takeFront(max) : worker.takeBack(max);
          expect(got.length).toBeLessThanOrEqual(max);
          (fromFront ? front : back).push(...got);
        }
        // Then the main thread empties what is left, as it does before waiting for the worker.
        for (let got = main.takeFront(4); got.length > 0; got = main.takeFront(4)) front.push(...got);
        expect(worker.takeBack(4)).toEqual([]);
        expect(front).toEqual(stacks.slice(0, front.length));
        expect([...front, ...back].sort()).toEqual(stacks);
        expect(back.every((name) => worker.workerReach().includes(name))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("hands out smaller claims toward the end, so that both threads finish together", () => {
    const stacks = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const main = new StackQueue(stacks);
    const sizes: number[] = [];
    for (let got = main.takeFront(4); got.length > 0; got = main.takeFront(4)) sizes.push(got.length);
    expect(sizes).toEqual([4, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("counts the stacks the worker has written", () => {
    const queue = new StackQueue(["a", "b"]);
    queue.countWorkerDone(1);
    new StackQueue(["a", "b"], queue.buffer, queue.lowest).countWorkerDone(1);
    expect(queue.workerDone()).toBe(2);
  });
});
