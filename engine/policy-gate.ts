/**
 * The policy gate of `govcloud synth`: the staged output is checked against every pack before it
 * replaces the previous output. Mandatory violations fail synthesis like any other bad input:
 * one line each, at the agency or environment YAML that produced the resource, naming the rule
 * and the resource, exit code 2.
 */
import * as path from "node:path";
import type { EnvironmentConfig } from "../environments";
import { toPortable, toPortableAgency } from "./portable";
import { type Diagnostic, UserError } from "../environments/diagnostics";
import { ruleInputs } from "./gate-cache";
import type { GateFinding, GateRequest, GateSynthRequest, GateThreadOptions, PrepareRequest } from "./policy-gate-worker";
import { type GateWorker, keepGateThread, startGateThread, takeGateThread } from "./gate-thread";
import type { SourcesFile } from "../environments/source-map-file";
import type { AgencyStoreJob } from "./agency-file-cache";
import type { LoadAnswer, LoadShare, ReadingThread } from "./parallel-load";


export class PolicyGate implements ReadingThread {
  private readonly worker: GateWorker;
  /**
   * The requests sent and not yet answered, oldest first. Checks are not waited for when the next
   * is submitted: the thread checks one stack while the caller writes the next ones.
   */
  private inFlight: Array<"prepare" | "check" | "synth" | "fingerprint" | "store" | "load"> = [];
  /** The answer of the last load request. */
  private loaded: LoadAnswer | undefined;
  /** The answer of the last fingerprint request. */
  private fingerprint: string | undefined;
  private findings: GateFinding[] = [];
  private closed = false;
  /** Stacks the last synth request wrote, once it is answered. */
  private synthesized: readonly string[] | undefined;

  /**
   * Starts the gate's thread (or takes the idle one) so that the packs load while the caller reads
   * the configuration. `preloadSynthesis`: a re-synthesis, which is likely to hand the thread the
   * few stacks that changed (`synthesize()`); it then loads the synthesis code too, on the second
   * core, while the main thread reads the configuration.
   */
  constructor(options: GateThreadOptions = {}) {
    this.worker = takeGateThread() ?? startGateThread(options);
  }

  /**
   * Starts making the environment's policy settings on the gate's thread and returns at once;
   * the checks after it use them. Problems are left for the checks to report.
   */
  public prepare(repoRoot: string, config: EnvironmentConfig, sources: SourcesFile): void {
    const request: PrepareRequest = {
      kind: "prepare",
      repoRoot,
      environmentPath: config.environmentPath,
      environment: toPortable(config.environment),
      // All that settings are made of besides the environment (a copy of every agency would cost
      // more than the settings); the gate cache's key names the same inputs (engine/gate-cache.ts).
      agenciesWithSuppressions: ruleInputs(config).agencies.map((a) => toPortableAgency(a, a.path)),
      sources,
    };
    this.worker.send(request);
    this.inFlight.push("prepare");
  }

  /**
   * Starts checking stacks of `dir` on the gate's thread and returns at once, so that the caller
   * can write the next stacks meanwhile. Findings are kept for `verdict()`.
   */
  public submit(request: Omit<GateRequest, "kind">): void {
    this.worker.send({ kind: "check", ...request });
    this.inFlight.push("check");
  }

  /**
   * Starts synthesizing tenant stacks on the gate's thread into `request.outdir` (a folder of its
   * own) and returns at once; `finishSynthesis()` tells what it wrote. Submit them to be checked.
   */
  public synthesize(request: Omit<GateSynthRequest, "kind">): void {
    this.worker.send({ kind: "synth", ...request });
    this.inFlight.push("synth");
  }

  /**
   * Hands the agency-file cache's writes to the gate's thread and returns at once: sent once the
   * files are read, they are written while the caller builds the estate, before the thread has
   * stacks to check. Whether they could be written is no concern of the gate's verdict.
   */
  public storeAgencyFiles(job: AgencyStoreJob): void {
    this.worker.send({ kind: "store", job });
    this.inFlight.push("store");
  }

  /**
   * Hands a share of the agency files to the gate's thread (engine/parallel-load.ts) and returns
   * at once. For a first synthesis: the thread has nothing to check before the estate is built.
   */
  public startLoading(share: LoadShare): void {
    this.worker.send({ kind: "load", share });
    this.inFlight.push("load");
  }

  /** Waits for the requests sent up to the last load request; its answer. */
  public finishLoading(): LoadAnswer {
    this.settle(this.inFlight.lastIndexOf("load") + 1);
    const loaded = this.loaded;
    this.loaded = undefined;
    if (loaded === undefined) throw new Error("internal: no agency files were handed to the gate's thread");
    return loaded;
  }

  /** Starts computing the synthesis code fingerprint on the gate's thread and returns at once. */
  public requestCodeFingerprint(repoRoot: string): void {
    this.worker.send({ kind: "fingerprint", repoRoot });
    this.inFlight.push("fingerprint");
  }

  /** Waits for the requests sent up to the fingerprint request; its answer. */
  public codeFingerprint(): string {
    this.settle(this.inFlight.indexOf("fingerprint") + 1 || undefined);
    if (this.fingerprint === undefined) throw new Error("internal: no code fingerprint was requested");
    return this.fingerprint;
  }

  /** Waits for the requests sent so far; returns the stacks the synth request wrote (to adopt from its folder). */
  public finishSynthesis(): readonly string[] {
    this.settle();
    const written = this.synthesized ?? [];
    this.synthesized = undefined;
    return written;
  }

  /** Waits for every check submitted; throws a UserError listing every unsuppressed mandatory violation. */
  public verdict(environment: string): void {
    this.settle();
    // A finding of no stack (an expired suppression) comes back from every check that was
    // submitted: reported once, whatever the number of batches.
    const seen = new Set<string>();
    const findings = this.findings.filter((f) => {
      const key = JSON.stringify([f.rule, f.stack, f.address, f.message, f.source?.file, f.source?.line, f.source?.col]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.findings = [];
    if (findings.length > 0) throw new UserError(findings.map((f) => toDiagnostic(f, environment)));
  }

  /** Waits for the request in flight and forgets every finding (after a run that failed on its way). */
  public discard(): void {
    try {
      this.settle();
    } finally {
      this.findings = [];
    }
  }

  /**
   * Ends this gate (again: nothing). Its thread is kept for the next gate of the process when it
   * is idle (no answer can arrive late) and no other thread is kept already; otherwise it is
   * stopped.
   */
  public close(): void {
    this.findings = [];
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight.length > 0 || !keepGateThread(this.worker)) this.worker.close();
  }

  /**
   * Waits for the cache writes handed to the thread (and the requests sent before them), so that
   * stopping the thread does not cut them off: a synthesis that fails on bad input keeps the
   * files it read, and the run after the fix reads only those it changed.
   */
  public finishStores(): void {
    const last = this.inFlight.lastIndexOf("store");
    if (last >= 0) this.settle(last + 1);
  }

  /**
   * Waits for every request in flight (or the first `count` of them), in the order they were
   * sent: keeps the checks' findings; a failed preparation is left to the checks, a failed cache
   * write is no error. Every answer is taken even when one is an error (the first is thrown
   * after), so that the next request's answer is its own.
   */
  private settle(count = Number.POSITIVE_INFINITY): void {
    let failure: { error: unknown } | undefined;
    for (let taken = 0; this.inFlight.length > 0 && taken < count; taken++) {
      const kind = this.inFlight.shift();
      try {
        if (kind === "fingerprint") this.fingerprint = this.worker.receive() as string;
        else if (kind === "store") {
          try {
            this.worker.receive();
          } catch {
            // The next run loads the files again.
          }
        }
        // concat, not push(...): a failing estate can have more findings than a call has arguments.
        else if (kind === "check") this.findings = this.findings.concat(this.worker.receive() as GateFinding[]);
        else if (kind === "synth") this.synthesized = this.worker.receive() as string[];
        else if (kind === "load") this.loaded = this.worker.receive() as LoadAnswer;
        else {
          try {
            this.worker.receive();
          } catch {
            // The checks read the environment again and report its problems.
          }
        }
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}

function toDiagnostic(f: GateFinding, environmentFile: string): Diagnostic {
  const where = f.source ?? { file: path.relative(process.cwd(), environmentFile) || environmentFile, line: 1, col: 1 };
  const resource = f.address === "" ? f.stack : `${f.stack}/${f.address}`;
  return { ...where, path: resource, message: `[${f.rule}] ${f.message}` };
}
