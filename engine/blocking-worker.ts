/**
 * A worker thread that the main thread can wait for synchronously: `synthesize()` stays a plain
 * function while work runs on the second core. The main thread blocks in `Atomics.wait` and takes
 * the answer with `receiveMessageOnPort`; the worker answers on a port of its own and signals.
 *
 * Worker entries are `.cjs` files next to their `.ts` module that register core/register.cjs and require it
 * (see second-thread-worker.cjs); the module calls `serveBlocking(handler)`.
 */
import * as path from "node:path";
import { type Diagnostic, UserError } from "../environments/diagnostics";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker, workerData } from "node:worker_threads";

type Answer<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly message: string; readonly stack?: string }
  /** Bad input found on the worker: reported to the user like any other, not as an internal error. */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export class BlockingWorker<Request, Result> {
  private readonly worker: Worker;
  private readonly signal = new SharedArrayBuffer(4);
  private readonly channel = new MessageChannel();

  /**
   * Starts the worker now, so that its start-up overlaps with what the caller does next.
   * `options` reach the worker as `workerData.options`.
   */
  constructor(entry: string, options: Readonly<Record<string, unknown>> = {}) {
    const port = this.channel.port2;
    this.worker = new Worker(path.resolve(entry), { workerData: { signal: this.signal, port, options }, transferList: [port] });
    this.worker.unref();
  }

  /** Sends one request and blocks until the worker answers; rethrows the worker's error. */
  public call(request: Request): Result {
    this.send(request);
    return this.receive();
  }

  /** Sends one request without waiting: do other work, then `receive()`. */
  public send(request: Request): void {
    Atomics.store(new Int32Array(this.signal), 0, 0);
    this.channel.port1.postMessage(request);
  }

  /** Blocks until the worker answers the request sent last; rethrows the worker's error (a UserError as a UserError). */
  public receive(): Result {
    const done = new Int32Array(this.signal);
    Atomics.wait(done, 0, 0);
    // The worker posts its answer before it signals, so the message is there to take.
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

/** In a worker: answers each request with `handler` (which may be async). */
export function serveBlocking<Request, Result>(handler: (request: Request) => Result | Promise<Result>): void {
  const done = new Int32Array(workerData.signal as SharedArrayBuffer);
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
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  };
  port.on("message", (request: Request) => void respond(request));
}

function failure<Result>(error: unknown): Answer<Result> {
  return error instanceof UserError
    ? { ok: false, diagnostics: error.diagnostics }
    : { ok: false, message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
}
