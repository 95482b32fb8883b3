/**
 * A worker thread that the main thread can wait for synchronously: `synthesize()` stays a plain
 * function while work runs on the second core. The main thread blocks in `Atomics.wait` and takes
 * the answer with `receiveMessageOnPort`; the worker answers on a port of its own and counts its
 * answers in a shared Int32. Requests may be sent before earlier ones are answered: the worker
 * handles them one at a time, in order, and `receive()` takes their answers in the same order.
 *
 * Worker entries are `.cjs` files next to their `.ts` module that register core/register.cjs and require it
 * (see second-thread-worker.cjs); the module calls `serveBlocking(handler)`.
 */
import * as path from "node:path";
import { type Diagnostic, UserError } from "../environments/diagnostics";
import { MessageChannel, type MessagePort, receiveMessageOnPort, SHARE_ENV, Worker, workerData } from "node:worker_threads";

type Answer<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly message: string; readonly stack?: string }
  /** Bad input found on the worker: reported to the user like any other, not as an internal error. */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export class BlockingWorker<Request, Result> {
  private readonly worker: Worker;
  /** How many answers the worker has posted (an Int32 it increments after each). */
  private readonly signal = new SharedArrayBuffer(4);
  private readonly channel = new MessageChannel();
  /** How many answers `receive()` has taken. */
  private received = 0;

  /**
   * Starts the worker now, so that its start-up overlaps with what the caller does next.
   * `options` reach the worker as `workerData.options`. The worker shares the process's
   * environment variables instead of a copy taken now: a thread kept for later work (the gate's,
   * engine/gate-thread.ts) sees the settings of that work, such as GOVCLOUD_CACHE_DIR.
   */
  constructor(entry: string, options: Readonly<Record<string, unknown>> = {}) {
    const port = this.channel.port2;
    this.worker = new Worker(path.resolve(entry), { workerData: { signal: this.signal, port, options }, transferList: [port], env: SHARE_ENV });
    this.worker.unref();
  }

  /** Sends one request and blocks until the worker answers; rethrows the worker's error. */
  public call(request: Request): Result {
    this.send(request);
    return this.receive();
  }

  /** Sends one request without waiting: do other work, then `receive()` its answer (after those of the requests sent before it). */
  public send(request: Request): void {
    this.channel.port1.postMessage(request);
  }

  /**
   * Blocks until the worker answers the oldest request whose answer has not been received;
   * rethrows the worker's error (a UserError as a UserError).
   */
  public receive(): Result {
    const answered = new Int32Array(this.signal);
    for (;;) {
      const count = Atomics.load(answered, 0);
      if (count > this.received) break;
      Atomics.wait(answered, 0, count);
    }
    this.received++;
    // The worker posts each answer before it counts it, so the message is there to take.
    const answer = receiveMessageOnPort(this.channel.port1)?.message as Answer<Result> | undefined;
    if (answer === undefined) throw new Error("worker thread gave no answer");
    if (!answer.ok && "diagnostics" in answer) throw new UserError(answer.diagnostics);
    if (!answer.ok) throw new Error(`worker thread: ${answer.message}${answer.stack ? `\n${answer.stack}` : ""}`);
    return answer.value;
  }

  public close(): void {
    void this.worker.terminate();
    this.channel.port1.close();
  }
}

/** In a worker: answers each request with `handler` (which may be async), one at a time, in the order they came. */
export function serveBlocking<Request, Result>(handler: (request: Request) => Result | Promise<Result>): void {
  const answered = new Int32Array(workerData.signal as SharedArrayBuffer);
  const port = workerData.port as MessagePort;
  // Never rejects: the other thread waits for the signal, so every request must end in one.
  const respond = async (request: Request): Promise<void> => {
    let answer: Answer<Result>;
    try {
      answer = { ok: true, value: await handler(request) };
    } catch (error) {
      answer = failure(error);
    }
    try {
      port.postMessage(answer);
    } catch (error) {
      // An answer that cannot be copied to the other thread (a function, a class instance).
      port.postMessage(failure(error));
    }
    Atomics.add(answered, 0, 1);
    Atomics.notify(answered, 0);
  };
  // A request waits for the one before it, even when the handler awaits something.
  let previous = Promise.resolve();
  port.on("message", (request: Request) => {
    previous = previous.then(() => respond(request));
  });
}

function failure<Result>(error: unknown): Answer<Result> {
  return error instanceof UserError
    ? { ok: false, diagnostics: error.diagnostics }
    : { ok: false, message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
}
