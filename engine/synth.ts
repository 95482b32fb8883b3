/**
 * `govcloud synth`: environment file -> validated config -> cdktf app -> cdktf.out, swapped in
 * only when everything succeeded.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InstanceTextCache } from "../constructs/instance-text-cache";
import { stableJson } from "../core/stable-json";
import { readTextFile } from "../core/text-file";
import { displayPath, UserError } from "../environments/diagnostics";
import { LoadCache } from "./load-cache";
import { writeShardLock } from "../environments/tenant-stack-lock";
import type { Estate, TenantStackPlan } from "../estate/estate";
import { digest } from "./digest";
import { DeferredWrites } from "./deferred-writes";
import type { AgencyStoreJob } from "./agency-file-cache";
import { EstateMemo } from "./estate-memo";
import type { StackSource } from "../stacks/govcloud-app";
import { planStacks, renderManifest } from "../stacks/stack-plan";
import { loadEstate } from "./load-estate";
import { replaceDirectory } from "./output-directory";
import { adoptStacks, StackQueue } from "./parallel-synth";
import { GateCache, verdictInputsKey } from "./gate-cache";
import { PolicyGate } from "./policy-gate";
import { SecondThread } from "./second-thread";
import { cachedCodeFingerprint, codeFingerprint, copyStacks, knownCodeFingerprint, recordedFingerprints, rememberCodeFingerprint, reusableStacks, reuseOutputFile, stackFingerprints, writeFingerprints } from "./stack-reuse";
import { recordRehearsal } from "./synthesis-rehearsal";
import { stackShape } from "./tenant-keys";
import { buildSources, SOURCES_FILE, writeSources } from "../environments/source-map-file";
import { dataReplacements, outputChanges, readAhead, type ReadAhead, type StackChanges } from "./changes";
import { stateRootFor } from "./state-location";
import { seedProviderLocks } from "./working-files";
import { synthesisCode } from "./synthesis-code";
import { synthesizeOnTwoThreads } from "./threads";
import { gateThreadWillSynthesize } from "./thread-setting";

export interface SynthOptions {
  readonly repoRoot: string;
  readonly environment: string;
  /** Output folder, absolute or relative to the current directory. */
  readonly out: string;
  /**
   * Whether the output will be deployed from where it is written: its local state paths then
   * reach the project's state folder from there, and an output folder from which they cannot is
   * refused (engine/state-location.ts). Otherwise (scratch output that is only read) the paths are
   * those of the default output folder, `<project root>/cdktf.out`.
   * @default false
   */
  readonly deployable?: boolean;
  /**
   * Regions (`<region>`) and node pools (`<region>/<pool>`) whose removal is intended; any other
   * removal of one is refused (engine/removals.ts).
   * @default - none
   */
  readonly allowRemoval?: readonly string[];
  /** Fail when agencies were added or removed without updating the tenant-stack lock. */
  readonly frozenLock?: boolean;
  /**
   * Check the output against the policy packs before it replaces the previous output, and fail
   * on mandatory violations (the `govcloud synth` command always does).
   * @default false
   */
  readonly policyGate?: boolean;
  /**
   * Told what synthesis is doing, with the time since it started: a national estate takes tens
   * of seconds (the command shows these on a terminal).
   */
  readonly onProgress?: (message: string, elapsedMs: number) => void;
}

export interface StackSummary {
  readonly name: string;
  readonly resources: number;
  readonly dependencies: readonly string[];
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly StackSummary[];
  /** The tenant-stack lock file, when this run updated it. */
  readonly lockUpdated?: string;
  /** Stacks taken unchanged from the previous output (hard-linked) instead of synthesized again. */
  readonly reused: number;
  /** Stacks synthesized in this run, in plan order. */
  readonly rebuilt: readonly string[];
  /**
   * Stacks no longer synthesized whose folders stay in `stacks/` for their working files
   * (engine/working-files.ts).
   */
  readonly removedStacksKept: readonly string[];
  /** What changed against the previous output, per stack; undefined when there was none. */
  readonly changes?: readonly StackChanges[];
  /** Agencies that this output drops because their files retire them. */
  readonly retired: readonly string[];
}

/**
 * What one long-running process (`govcloud synth --watch`) keeps between runs, so that a run
 * after an edit pays only for what the edit changed:
 * - validated files (only changed files are read again);
 * - each agency's tenant blocks, rebuilt only when their inputs changed, and their written
 *   instances in the stacks rebuilt last;
 * - the code fingerprint (a running process does not see code edits);
 * - the policy gate's thread with its packs loaded, which checks only stacks it has not passed
 *   before in this session.
 */
export class SynthSession {
  public readonly files = new LoadCache();
  public readonly estate = new EstateMemo();
  public readonly instanceTexts = new InstanceTextCache();
  private code: string | undefined;
  private lastEstate: Estate | undefined;
  private warm = false;
  private policyGate: PolicyGate | undefined;
  /** Stacks that passed the gate in this session: their fingerprints with the verdict's other inputs (verdictInputsKey). */
  private readonly passed = new Set<string>();
  /** Runs of this session that wrote their output. */
  public completedRuns = 0;

  public codeFingerprint(repoRoot: string): string {
    this.code ??= codeFingerprint(repoRoot);
    return this.code;
  }

  /** @internal */
  public gate(): PolicyGate {
    this.policyGate ??= new PolicyGate();
    return this.policyGate;
  }

  /** @internal Stacks the gate must see: those whose fingerprint has not passed it yet with the same rule inputs and day. */
  public unchecked(fingerprints: ReadonlyMap<string, string>, inputs: string): string[] {
    return [...fingerprints].filter(([, fingerprint]) => !this.passed.has(`${inputs} ${fingerprint}`)).map(([name]) => name);
  }

  /** @internal */
  public recordPassed(fingerprints: ReadonlyMap<string, string>, inputs: string, stacks: readonly string[]): void {
    for (const name of stacks) this.passed.add(`${inputs} ${fingerprints.get(name) as string}`);
  }

  /**
   * Synthesizes the smallest tenant stack of the last run into a scratch folder and throws it
   * away, so that the first edit does not pay for compiling the synthesis code (a session whose
   * first run found every stack unchanged has not run it yet). For idle time after a run.
   */
  public warmUp(): void {
    const estate = this.lastEstate;
    this.lastEstate = undefined;
    this.warm = true;
    if (estate === undefined || estate.tenantStacks.length === 0) return;
    const smallest = [...estate.tenantStacks].sort((a, b) => a.resources - b.resources)[0] as TenantStackPlan;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-warm-up-"));
    try {
      synthesisCode().synthesizeInBatches(estate, scratch, [smallest.name]);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** @internal The estate of the first run, for warmUp (later runs find the code warm). */
  public remember(estate: Estate): void {
    if (!this.warm) this.lastEstate = estate;
  }

  public close(): void {
    this.policyGate?.close();
    this.policyGate = undefined;
  }
}

/**
 * Synthesizes one environment. Throws UserError for bad input; earlier output stays intact.
 * With a `session`, work done by earlier runs of the same process is reused.
 */
export function synthesize(options: SynthOptions, session?: SynthSession): SynthResult {
  // Started first, so that its start-up overlaps with reading the environment; it then reads
  // half of the agency files and loads the synthesis code while this thread builds the estate.
  const secondThread = synthesizeOnTwoThreads(options.repoRoot, options.environment, {
    inSession: (session?.completedRuns ?? 0) > 0,
    policyGate: options.policyGate === true,
  })
    ? new SecondThread(true)
    : undefined;
  const started = performance.now();
  const progress = (message: string) => options.onProgress?.(message, performance.now() - started);
  // The gate's thread (started before the CLI loaded, engine/start.ts, or now) loads the policy
  // packs while this thread reads the configuration. In a re-synthesis (a previous output to
  // reuse stacks from) it loads the synthesis code first: it will synthesize the few tenant
  // stacks an edit changes.
  const resynthesis = session === undefined && secondThread === undefined && gateThreadWillSynthesize(options.out);
  const gate: PolicyGate | undefined = options.policyGate ? (session?.gate() ?? new PolicyGate({ preloadSynthesis: resynthesis })) : undefined;
  /** The folder the gate's thread synthesizes into, when it does. */
  let gateOut: string | undefined;
  // The code fingerprint (a sixteenth of a second) is worked out on the gate's thread meanwhile.
  const fingerprintOnGate = gate !== undefined && session === undefined && knownCodeFingerprint(options.repoRoot) === undefined;
  if (fingerprintOnGate) gate.requestCodeFingerprint(options.repoRoot);
  // With a gate, the agency-file cache is written while its thread checks the last stacks.
  const cacheWrites = gate === undefined ? undefined : new DeferredWrites();
  try {
    const loaded = loadEstate(options.repoRoot, options.environment, {
      frozenLock: options.frozenLock,
      ...(cacheWrites === undefined ? {} : { cacheWrites }),
      // A first synthesis reads every agency file: the gate's thread stores them while this one
      // builds the estate (it has no stacks to check before the first is written). A re-synthesis
      // stores the few it read while the gate's thread checks, its thread being busy before.
      ...(gate !== undefined && !resynthesis && (session?.completedRuns ?? 0) === 0 ? { storeAgencyFiles: (job: AgencyStoreJob) => gate.storeAgencyFiles(job) } : {}),
      ...(session === undefined ? {} : { files: session.files, memo: session.estate }),
      ...(secondThread === undefined ? {} : { secondThread }),
      // A first synthesis of a command reads half of the files on the gate's thread, which has
      // nothing to check before the estate is built and the reading code loaded already (a thread
      // started for the reading spent a third of a second starting). Not a re-synthesis: there
      // the gate's thread loads the synthesis code meanwhile, for the stacks that changed.
      ...(gate !== undefined && secondThread === undefined && !resynthesis && session === undefined ? { readingThread: gate } : {}),
      // This thread synthesizes (unless the gate's thread does, in a re-synthesis): it loads
      // the synthesis code while a second thread reads the agency files, if one does.
      ...(resynthesis ? {} : { whileReading: synthesisCode }),
      // Nothing that holds data disappears by deleting a file (engine/removals.ts).
      removals: { previousOutdir: path.resolve(options.out), ...(options.allowRemoval === undefined ? {} : { allowRemoval: options.allowRemoval }) },
    });
    const agencies = loaded.config.agencies.length;
    progress(`read ${agencies} agency file${agencies === 1 ? "" : "s"} and planned ${loaded.estate.tenantStacks.length} tenant stack(s)`);
    session?.remember(loaded.estate);
    const outdir = path.resolve(options.out);
    const stateRoot = options.deployable ? stateRootFor(loaded.config.environment, loaded.config.environmentPath, outdir) : undefined;
    const estate = stateRoot === undefined ? loaded.estate : { ...loaded.estate, stateRoot };
    const plan = planStacks(loaded.estate);
    // For the next re-synthesis's gate thread to warm up with (engine/synthesis-rehearsal.ts).
    if (session === undefined) cacheWrites?.add(() => recordRehearsal(options.repoRoot, estate));
    // Stacks whose inputs did not change since the previous output are linked, not rebuilt. The
    // code fingerprint is worked out once per process (the gate cache keys verdicts by it too).
    if (fingerprintOnGate) rememberCodeFingerprint(options.repoRoot, gate.codeFingerprint());
    const code = session === undefined ? cachedCodeFingerprint(options.repoRoot) : session.codeFingerprint(options.repoRoot);
    const fingerprints = stackFingerprints(loaded.estate, code, stateRoot);
    // The previous output's record, read once for its stacks and its sources.json.
    const recorded = recordedFingerprints(outdir);
    const reused = reusableStacks(outdir, fingerprints, recorded);
    const rebuilt = plan.map((s) => s.name).filter((name) => !reused.has(name));
    const tenantStacks = new Set(loaded.estate.tenantStacks.map((s) => s.name));
    // A few changed tenant stacks are synthesized on the gate's thread, which has loaded the
    // synthesis code meanwhile; this thread then need not load it at all.
    const rebuiltTenantStacks = rebuilt.filter((name) => tenantStacks.has(name));
    const onGateThread = gate !== undefined && resynthesis && rebuiltTenantStacks.length > 0 && rebuiltTenantStacks.length <= GATE_THREAD_STACKS ? new Set(rebuiltTenantStacks) : new Set<string>();
    // Sent as soon as they are known: the gate's thread synthesizes while this thread goes on.
    if (gate !== undefined && onGateThread.size > 0) {
      fs.mkdirSync(path.dirname(outdir), { recursive: true });
      gateOut = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}.gate-`));
      progress(`synthesizing ${onGateThread.size} tenant stack(s) on the policy gate's thread`);
      gate.synthesize({
        environment: estate.environment,
        ...(stateRoot === undefined ? {} : { stateRoot }),
        plans: loaded.estate.tenantStacks.filter((s) => onGateThread.has(s.name)).map(stackShape),
        outdir: gateOut,
      });
    }
    const sources = buildSources(loaded.config, options.repoRoot);
    const sourcesFingerprint = digest(code, JSON.stringify(sources));
    // Once the configuration is known to be good, the gate makes the policy settings while we
    // synthesize; after the stacks it synthesizes, when it does (it takes requests in order).
    gate?.prepare(options.repoRoot, loaded.config, sources);
    // Stacks the gate need not see again: passed in this session, or by an earlier process
    // (with the same fingerprint, policy code and settings: engine/gate-cache.ts).
    const now = new Date();
    const gateCache = options.policyGate ? GateCache.open(options.repoRoot, loaded.config, fingerprints, now) : undefined;
    const verdictInputs = session === undefined ? "" : verdictInputsKey(loaded.config, now);
    const gated =
      session === undefined && gateCache === undefined
        ? undefined
        : (session?.unchecked(fingerprints, verdictInputs) ?? [...fingerprints.keys()]).filter((name) => gateCache?.hasPassed(name) !== true);
    let removedStacksKept: readonly string[] = [];
    let changes: StackChanges[] | undefined;
    progress(`synthesizing ${rebuilt.length} of ${plan.length} stacks${reused.size > 0 ? ` (${reused.size} unchanged, linked from the previous output)` : ""}`);
    const stacks = replaceDirectory(outdir, (temp) => {
      copyStacks(outdir, temp, reused);
      // Written first: the policy gate locates findings with it while later stacks are written.
      // Linked from the previous output when that was written from the same sources (most
      // edits move no agency's id or workloads), as a stack is.
      if (!reuseOutputFile(outdir, temp, SOURCES_FILE, sourcesFingerprint, recorded)) writeSources(temp, sources);
      // The gate checks stacks as they are written, on its own thread, so that checking hides
      // behind synthesis and holds one stack at a time (one per cdktf app).
      const toCheck = gate === undefined ? new Set<string>() : new Set(gated ?? plan.map((s) => s.name));
      // Kept while the gate's thread synthesizes, and submitted once it is done.
      let deferred: string[] | undefined = gateOut === undefined ? undefined : [];
      const submit = (names: readonly string[]) => {
        const stacks = names.filter((name) => toCheck.has(name));
        if (gate === undefined || stacks.length === 0) return;
        if (deferred !== undefined) deferred.push(...stacks);
        else gate.submit({ repoRoot: options.repoRoot, dir: temp, environment: loaded.config.environmentPath, stacks });
      };
      gateCache?.noteUse(toCheck.size, plan.length - toCheck.size);
      submit([...reused]);
      // With a second thread, both take tenant stacks from one queue; the main thread first
      // builds the others (platform, management).
      const queue = secondThread === undefined ? undefined : new StackQueue(rebuilt.filter((name) => tenantStacks.has(name)));
      const others = rebuilt.filter((name) => (queue === undefined || !tenantStacks.has(name)) && !onGateThread.has(name));
      const workerOut = `${temp}.worker`;
      let ahead: ReadonlyMap<string, ReadAhead> | undefined;
      try {
        if (others.length > 0 || queue !== undefined) {
          const { STACKS_PER_CLAIM, synthesizeInBatches } = synthesisCode();
          const source: StackSource = queue === undefined ? others : (max) => (others.length > 0 ? others.splice(0, max) : queue.takeFront(Math.min(max, STACKS_PER_CLAIM)));
          if (secondThread !== undefined && queue !== undefined) secondThread.startSynthesis(estate, queue, workerOut);
          let told = 0;
          synthesizeInBatches(estate, temp, source, {
            ...(session === undefined ? {} : { instanceTexts: session.instanceTexts }),
            onBatch: (done, batch) => {
              const all = done + (queue?.workerDone() ?? 0);
              // Told every PROGRESS_STACKS stacks, and the last: a line per stack would flood a terminal.
              if (Math.floor(all / PROGRESS_STACKS) > Math.floor(told / PROGRESS_STACKS) || all >= rebuilt.length - onGateThread.size) {
                told = all;
                progress(`synthesized ${all} of ${rebuilt.length} stacks${queue === undefined ? "" : " on two threads"}`);
              }
              submit(batch);
            },
          });
        }
        if (secondThread !== undefined && queue !== undefined) {
          const theirs = secondThread.finishSynthesis();
          adoptStacks(workerOut, temp, theirs);
          submit(theirs);
        }
        if (gate !== undefined && deferred !== undefined && gateOut !== undefined) {
          // While the gate's thread synthesizes: the previous versions of its stacks, to compare with.
          ahead = readAhead(outdir, [...onGateThread]);
          const theirs = gate.finishSynthesis();
          adoptStacks(gateOut, temp, theirs);
          const waiting = deferred;
          deferred = undefined;
          // Checked while this thread writes the manifest and compares the output.
          submit([...waiting, ...theirs]);
        }
      } finally {
        fs.rmSync(workerOut, { recursive: true, force: true });
      }
      // The manifest of all stacks, whichever thread built them (cdktf's own lists only its app's).
      fs.writeFileSync(path.join(temp, "manifest.json"), stableJson(renderManifest(plan, CDKTF_VERSION)));
      writeFingerprints(temp, fingerprints, plan.map((s) => s.name), { [SOURCES_FILE]: sourcesFingerprint });
      seedProviderLocks(loaded.config.environmentPath, outdir, temp, plan.map((s) => s.name));
      // Compared while the gate's thread checks the last stacks.
      const hadOutput = fs.existsSync(path.join(outdir, "manifest.json"));
      if (hadOutput && rebuilt.length > 0) progress("comparing the rebuilt stacks with the previous output");
      changes = hadOutput ? outputChanges(outdir, temp, reused, ahead) : undefined;
      // Counted from the files while the gate's thread may still be checking.
      const summary = summarizePlan(temp, plan);
      if (gate !== undefined && toCheck.size > 0) {
        progress(`waiting for the policy checks of ${toCheck.size} stack(s) (run on the second thread as they were written)`);
        cacheWrites?.flush();
        gate.verdict(loaded.config.environmentPath);
        // Done with: a command's gate thread stops while this one finishes the output.
        if (session === undefined) gate.close();
        session?.recordPassed(fingerprints, verdictInputs, [...toCheck]);
      }
      gateCache?.recordAllPassed();
      // A namespace renamed in place is a namespace destroyed (renamedFrom set on an agency
      // that was not renamed, a second rename without originalId): refused, like a removal.
      const replaced = dataReplacements(changes ?? []);
      if (replaced.length > 0) {
        throw new UserError(
          replaced.map((address) => ({
            file: displayPath(path.join(outdir, "manifest.json")),
            line: 1,
            col: 1,
            path: address,
            message: "would be replaced (its Kubernetes name or namespace changes), destroying what it holds: check renamedFrom and originalId of its agency",
          })),
        );
      }
      return summary;
    }, { removeOldInBackground: session !== undefined, onCarriedOver: (carried) => (removedStacksKept = carried.removedStacks) });
    // Recorded only once the output exists, so a failed synth changes nothing at all.
    const lockUpdated = loaded.lockChanged && writeShardLock(loaded.lockPath, loaded.estate.lock) ? loaded.lockPath : undefined;
    if (session !== undefined) session.completedRuns++;
    return { outdir, stacks, reused: reused.size, rebuilt, removedStacksKept, retired: loaded.retired, ...(changes === undefined ? {} : { changes }), ...(lockUpdated === undefined ? {} : { lockUpdated }) };
  } finally {
    try {
      cacheWrites?.flush();
    } catch {
      // A cache that cannot be written is no error, and this one is not the one to report.
    }
    secondThread?.close();
    if (gateOut !== undefined) {
      // A synthesis that failed on its way may have left the gate's thread writing: let it finish first.
      try {
        gate?.discard();
      } catch {
        // Its error, if any, is not the one to report.
      }
      fs.rmSync(gateOut, { recursive: true, force: true });
    }
    if (session === undefined) {
      try {
        // A failed run still stores the agency files it read (the gate's thread writes them).
        gate?.finishStores();
      } catch {
        // Not the error to report.
      }
      gate?.close();
    } else gate?.discard();
  }
}

/**
 * The most changed tenant stacks that a re-synthesis hands to the gate's thread. Beyond that the
 * main thread synthesizes them (loading the synthesis code itself, about half a second) and the
 * gate checks them as they come: one thread would do all the synthesis and all the checks.
 */
const GATE_THREAD_STACKS = 6;

/** Synthesis progress is told once per this many stacks written (and for the last). */
const PROGRESS_STACKS = 16;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDKTF_VERSION = (require("cdktf/package.json") as { version: string }).version;

/** Summaries in deploy order; tenant stack sizes come from the plan, the others are counted. */
function summarizePlan(outdir: string, plan: ReturnType<typeof planStacks>): StackSummary[] {
  return deployOrder(
    plan.map((stack) => ({
      name: stack.name,
      dependencies: [...stack.dependencies].sort(),
      resources: stack.resources ?? countResources(path.join(outdir, "stacks", stack.name, "cdk.tf.json")),
    })),
  );
}

function countResources(file: string): number {
  const tf = JSON.parse(readTextFile(file)) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(tf.resource ?? {})
    .flatMap((byName) => Object.values(byName))
    .reduce<number>((n, body) => n + instanceCount(body), 0);
}

/** Stack names, dependencies and resource counts of a synthesized folder, in deploy order. */
export function summarize(outdir: string): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }>;
  };
  const summaries = Object.entries(manifest.stacks).map(([name, stack]) => ({
    name,
    resources: countResources(path.join(outdir, stack.synthesizedStackPath)),
    dependencies: [...stack.dependencies].sort(),
  }));
  return deployOrder(summaries);
}

/** Resource instances of one block: the size of its for_each map, else one. */
function instanceCount(body: unknown): number {
  const forEach = (body as { for_each?: unknown }).for_each;
  return forEach !== null && typeof forEach === "object" ? Object.keys(forEach).length : 1;
}

/** Topological order (dependencies first), ties broken by name so the order is stable. */
export function deployOrder<T extends { name: string; dependencies: readonly string[] }>(stacks: readonly T[]): T[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: T[] = [];
  const visit = (stack: T, seen: Set<string>): void => {
    if (done.has(stack.name)) return;
    if (seen.has(stack.name)) throw new Error(`internal: stack dependency cycle through ${stack.name}`);
    seen.add(stack.name);
    for (const dep of [...stack.dependencies].sort()) {
      const target = byName.get(dep);
      if (target !== undefined) visit(target, seen);
    }
    done.add(stack.name);
    order.push(stack);
  };
  for (const stack of [...stacks].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(stack, new Set());
  return order;
}
