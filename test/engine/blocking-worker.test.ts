/**
 * The blocking worker (engine/blocking-worker.ts): requests sent before earlier ones are answered
 * are handled one at a time, in order, and their answers are received in the same order; a
 * failed request fails its own receive only; the worker sees the environment variables as they
 * are when it runs a request, not as they were when it started.
 */
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BlockingWorker } from "../../engine/blocking-worker";

describe("BlockingWorker", () => {
  const worker = new BlockingWorker<{ id: number; delayMs: number; fail?: boolean; readEnv?: string }, (number | string)[]>(path.join(__dirname, "..", "support", "ordered-worker.cjs"));
  afterAll(() => worker.close());

  it("handles requests sent ahead one at a time, and answers them in order", () => {
    // The first waits longest: were requests handled side by side, the others would finish first.
    worker.send({ id: 1, delayMs: 60 });
    worker.send({ id: 2, delayMs: 0 });
    worker.send({ id: 3, delayMs: 10 });
    expect(worker.receive()).toEqual([1, -1]);
    expect(worker.receive()).toEqual([1, -1, 2, -2]);
    expect(worker.receive()).toEqual([1, -1, 2, -2, 3, -3]);
  });

  it("fails only the receive of a failed request, and the next answers are their own", () => {
    worker.send({ id: 4, delayMs: 0, fail: true });
    worker.send({ id: 5, delayMs: 0 });
    expect(() => worker.receive()).toThrow(/request 4 failed/);
    expect(worker.receive().slice(-3)).toEqual([4, 5, -5]);
    expect(worker.call({ id: 6, delayMs: 0 }).slice(-2)).toEqual([6, -6]);
  });

  it("sees environment variables set after it started (a kept thread follows the settings of its next work)", () => {
    const name = "GOVCLOUD_BLOCKING_WORKER_TEST";
    expect(worker.call({ id: 7, delayMs: 0, readEnv: name })).toEqual(["unset"]);
    process.env[name] = "later";
    try {
      expect(worker.call({ id: 8, delayMs: 0, readEnv: name })).toEqual(["later"]);
    } finally {
      delete process.env[name];
    }
    expect(worker.call({ id: 9, delayMs: 0, readEnv: name })).toEqual(["unset"]);
  });
});
