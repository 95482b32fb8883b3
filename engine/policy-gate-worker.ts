/**
 * The policy gate's thread: loads the packs (a quarter of a second: rules do not load
 * @pulumi/policy, policies/lib/resource-of-type.ts) while the main thread reads the
 * configuration, then checks the staged output. When it synthesizes too (engine/synth.ts) it
 * loads the synthesis code first and the packs after it: synthesis comes first (in a
 * re-synthesis, the few tenant stacks that changed; the main thread then never loads cdktf), and
 * the packs, small once the code they share with synthesis is loaded, fit in the wait for it.
 */
import * as path from "node:path";
import { workerData } from "node:worker_threads";
import type { EnvironmentConfig, LoadedAgency } from "../environments";
import { fromPortable, fromPortableAgency, type PortableAgency, type PortableLoaded } from "./portable";
import { LoadCache } from "./load-cache";
import type { Environment } from "../environments/schema";
import type * as Check from "../policies/engine/check";
import type * as Packs from "../policies/packs";
import type { SourcesFile } from "../environments/source-map-file";
import { serveBlocking } from "./blocking-worker";
import { StackQueue } from "./parallel-synth";
import { codeFingerprint } from "./stack-reuse";
import { loadSynthesisCodeStepwise, synthesisCode } from "./synthesis-code";

/** The policy engine and the packs, loaded when first needed or when the thread is idle. */
let policyCode: (typeof Check & typeof Packs) | undefined;
function policy(): typeof Check & typeof Packs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  policyCode ??= { ...(require("../policies/engine/check") as typeof Check), ...(require("../policies/packs") as typeof Packs) };
  return policyCode;
}
import { synthesizeTenantStacks, type TenantStacksJob } from "./worker-synthesis";

/**
 * Make the environment's policy settings now, for the checks that follow, from what the main
 * thread has loaded: the environment, the agencies that have suppressions, and the sources.
 */
export interface PrepareRequest {
  readonly kind: "prepare";
  readonly repoRoot: string;
  readonly environmentPath: string;
  readonly environment: PortableLoaded<Environment>;
  readonly agenciesWithSuppressions: readonly PortableAgency[];
  readonly sources: SourcesFile;
}

export interface GateRequest {
  readonly kind: "check";
  readonly repoRoot: string;
  readonly dir: string;
  readonly environment: string;
  /** Check only these stacks of `dir`. @default - all */
  readonly stacks?: readonly string[];
}

/** Synthesize these tenant stacks into `outdir` (a re-synthesis: few stacks changed); answered with the stacks written. */
export interface GateSynthRequest extends TenantStacksJob {
  readonly kind: "synth";
}

/**
 * A whole synthesis shared with the main thread: take tenant stacks from the back of the shared
 * queue, synthesize each claim into `outdir` and check it; between claims, and once the queue is
 * empty, check the stacks the main thread announces as written into `mainDir`; answer when the
 * main thread has announced its last stack and every stack is checked. So synthesis and checks
 * are split between the two threads as they go, whatever their speeds.
 */
export interface GateShareRequest extends TenantStacksJob {
  readonly kind: "share";
  readonly repoRoot: string;
  readonly environmentPath: string;
  /** The shared queue (engine/parallel-synth.ts): its stacks, buffer and lowest index for this thread. */
  readonly stacks: readonly string[];
  readonly queue: SharedArrayBuffer;
  readonly lowest: number;
  /** Where the main thread writes its stacks. */
  readonly mainDir: string;
  /** Every stack the main thread may announce; announcements name them by index. */
  readonly announceable: readonly string[];
  /** Int32s: [0] stacks announced, [1] 1 once the main thread has announced all, then their indexes. */
  readonly announced: SharedArrayBuffer;
}

/** What a share request wrote, and every mandatory finding of what it checked. */
export interface GateShareAnswer {
  readonly written: readonly string[];
  readonly findings: readonly GateFinding[];
}

/** The synthesis code fingerprint (engine/stack-reuse.ts), computed here while the main thread reads the configuration. */
export interface GateFingerprintRequest {
  readonly kind: "fingerprint";
  readonly repoRoot: string;
}

/** Options of the thread (workerData.options). */
export interface GateThreadOptions {
  /** Load the synthesis code once the packs are loaded: a synth request is likely to follow. */
  readonly preloadSynthesis?: boolean;
}

export type GateThreadRequest = PrepareRequest | GateRequest | GateSynthRequest | GateShareRequest | GateFingerprintRequest;

export interface GateFinding {
  readonly rule: string;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
  readonly source?: { readonly file: string; readonly line: number; readonly col: number };
}

// Kept for the life of the thread: synth sends a check for each batch of stacks it writes, and
// synth --watch requests for every change. Prepared settings serve every check until the next
// preparation (a check of another environment does not use them). Files are read here only when
// a preparation failed: the check then reads the environment itself to report the problem.
const loadCache = new LoadCache();
let prepared: Check.PreparedEnvironment | undefined;

if ((workerData as { options?: GateThreadOptions }).options?.preloadSynthesis) setImmediate(() => loadSynthesisCodeStepwise(0, () => setImmediate(policy)));
else policy();

serveBlocking<GateThreadRequest, GateFinding[] | string[] | GateShareAnswer | string>(async (request) => {
  if (request.kind === "fingerprint") return codeFingerprint(request.repoRoot);
  if (request.kind === "prepare") {
    prepared = undefined;
    const config: EnvironmentConfig = {
      environment: fromPortable(request.environment),
      environmentPath: request.environmentPath,
      agencies: request.agenciesWithSuppressions.map((a) => fromPortableAgency(a) as LoadedAgency),
    };
    const { prepareSettings, PACKS } = policy();
    prepared = prepareSettings(config, request.sources, PACKS, request.repoRoot);
    return [];
  }
  if (request.kind === "synth") return synthesizeTenantStacks(request, request.plans.map((p) => p.name));
  if (request.kind === "share") return share(request);
  return check(request);
});

async function share(job: GateShareRequest): Promise<GateShareAnswer> {
  const queue = new StackQueue(job.stacks, job.queue, job.lowest);
  const announced = new Int32Array(job.announced);
  const written: string[] = [];
  const findings: GateFinding[] = [];
  const inspect = async (dir: string, stacks: readonly string[]) => {
    findings.push(...(await check({ kind: "check", repoRoot: job.repoRoot, dir, environment: job.environmentPath, stacks })));
  };
  let checked = 0;
  /** Checks what the main thread has announced since the last call; false when there was nothing. */
  const checkAnnounced = async (): Promise<boolean> => {
    const count = Atomics.load(announced, 0);
    if (count === checked) return false;
    const names = Array.from({ length: count - checked }, (_, i) => job.announceable[Atomics.load(announced, 2 + checked + i)] as string);
    checked = count;
    await inspect(job.mainDir, names);
    return true;
  };
  const { STACKS_PER_CLAIM } = synthesisCode();
  for (;;) {
    const claim = queue.takeBack(STACKS_PER_CLAIM);
    if (claim.length > 0) {
      written.push(...synthesizeTenantStacks(job, claim));
      queue.countWorkerDone(claim.length);
      await inspect(job.outdir, claim);
      await checkAnnounced();
    } else if (!(await checkAnnounced())) {
      if (Atomics.load(announced, 1) === 1 && Atomics.load(announced, 0) === checked) break;
      // Nothing to do until the main thread writes more.
      Atomics.wait(announced, 0, checked, 50);
    }
  }
  return { written, findings };
}

async function check(request: GateRequest): Promise<GateFinding[]> {
  const { runChecks, PACKS } = policy();
  const result = await runChecks({
    // Used only when the preparation failed (the check then reads the environment itself).
    loadCache,
    ...(prepared === undefined ? {} : { prepared }),
    repoRoot: request.repoRoot,
    packs: PACKS,
    inputs: [{ kind: "folder", dir: path.resolve(request.dir), ...(request.stacks === undefined ? {} : { stacks: request.stacks }) }],
    environment: request.environment,
  });
  return result.findings
    .filter((f) => f.level === "mandatory" && f.suppressedBy === undefined)
    .map((f) => ({ rule: f.rule, stack: f.stack, address: f.address, message: f.message, ...(f.source ? { source: f.source } : {}) }));
}
