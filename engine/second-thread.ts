/**
 * The second thread of a large estate (engine/threads.ts decides when there is one): it reads half
 * of the agency files (engine/parallel-load.ts). For a synthesis without the policy gate it then
 * loads the synthesis code while the main thread checks the estate, builds the last half of the
 * tenants and keeps them (estate/tenant-task.ts), and synthesizes tenant stacks from the shared
 * queue (engine/parallel-synth.ts), from the back, where its tenants are. One thread for all of it:
 * its start-up is paid once.
 */
import * as path from "node:path";
import type { Environment } from "../environments/schema";
import type { Estate } from "../estate/estate";
import type { TenantTask } from "../estate/tenant-task";
import { BlockingWorker } from "./blocking-worker";
import type { LoadAnswer, LoadShare, ReadingThread } from "./parallel-load";
import type { StackQueue } from "./parallel-synth";
import { stackShape } from "./tenant-keys";
import type { TenantStacksJob } from "./worker-synthesis";
import type { TenantHelper } from "./tenant-builders";

export interface LoadJob extends LoadShare {
  readonly kind: "load";
  /** Load the synthesis code when idle once the files are read (a synthesis job follows). */
  readonly thenSynthesize: boolean;
}

/** Tenants to build and keep for the stacks the worker will synthesize. */
export interface TenantJob {
  readonly kind: "tenants";
  readonly environment: Environment;
  readonly tasks: readonly TenantTask[];
}

/** Instance count and digest of each tenant, in task order. */
export type TenantAnswer = readonly (readonly [number, string])[];

/** Tenant stacks to take from the back of the shared queue (`plans`: only those this thread may take). */
export interface SynthJob extends TenantStacksJob {
  readonly kind: "synth";
  readonly stacks: readonly string[];
  readonly queue: SharedArrayBuffer;
  readonly lowest: number;
}

export type SecondThreadRequest = LoadJob | TenantJob | SynthJob;

/**
 * The tenants the worker builds while the main thread builds the others: the main thread also
 * checks the agencies, places workloads and plans backups and stacks.
 */
const TENANT_SHARE = 0.5;

export class SecondThread implements ReadingThread {
  private readonly worker = new BlockingWorker<SecondThreadRequest, LoadAnswer | TenantAnswer | string[]>(path.join(__dirname, "second-thread-worker.cjs"));
  /** A load job whose answer has not been taken (the main thread did not need it). */
  private loadPending = false;

  /** Starts the thread now, so that its start-up overlaps with what the caller does next. */
  constructor(private readonly willSynthesize: boolean) {}

  /** Sends a load job and returns at once: take the files from `next` meanwhile. */
  public startLoading(job: LoadShare): void {
    this.settleLoading();
    this.worker.send({ kind: "load", ...job, thenSynthesize: this.willSynthesize });
    this.loadPending = true;
  }

  /** Blocks until the worker's share of the files is loaded. */
  public finishLoading(): LoadAnswer {
    this.loadPending = false;
    return this.worker.receive() as LoadAnswer;
  }

  /**
   * A helper for buildEstate: the worker builds the last half of the tenants while this thread
   * builds the others, and keeps their blocks for the stacks it synthesizes.
   */
  public tenantHelper(): TenantHelper {
    return {
      share: TENANT_SHARE,
      start: (environment, tasks) => {
        this.settleLoading();
        this.worker.send({ kind: "tenants", environment, tasks });
      },
      finish: () => this.worker.receive() as TenantAnswer,
    };
  }

  /**
   * Starts synthesizing from `queue` and returns at once; the worker is sent the plans of only
   * the tenant stacks it may take, without blocks: it builds those of tenants it does not have.
   * Call `finishSynthesis()` when the queue is empty.
   */
  public startSynthesis(estate: Estate & { readonly stateRoot?: string }, queue: StackQueue, outdir: string): void {
    this.settleLoading();
    const reach = new Set(queue.workerReach());
    const plans = estate.tenantStacks.filter((s) => reach.has(s.name)).map(stackShape);
    this.worker.send({ kind: "synth", environment: estate.environment, ...(estate.stateRoot === undefined ? {} : { stateRoot: estate.stateRoot }), plans, stacks: queue.stacks, queue: queue.buffer, lowest: queue.lowest, outdir });
  }

  /** Blocks until the worker's stacks are written; returns them. */
  public finishSynthesis(): string[] {
    return this.worker.receive() as string[];
  }

  public close(): void {
    this.worker.close();
  }

  /** Answers come in order: a load answer nobody needed is taken before the next request. */
  private settleLoading(): void {
    if (this.loadPending) this.finishLoading();
  }
}
