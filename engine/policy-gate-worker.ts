/**
 * The policy gate's thread: loads the packs (a quarter of a second: rules do not load
 * @pulumi/policy, policies/lib/resource-of-type.ts) while the main thread loads the CLI, then,
 * in a first synthesis of a large estate, reads half of the agency files with it
 * (engine/parallel-load.ts), and checks the staged output. When it synthesizes too (engine/synth.ts) it
 * loads the synthesis code first and the packs after it: synthesis comes first (in a
 * re-synthesis, the few tenant stacks that changed; the main thread then never loads cdktf), and
 * the packs, small once the code they share with synthesis is loaded, fit in the wait for it; so
 * does, most of the time, a rehearsal of synthesis (engine/synthesis-rehearsal.ts), after which
 * the changed stacks take 180-195 ms instead of 250-280 ms.
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
import { type AgencyStoreJob, storeAgencyFiles } from "./agency-file-cache";
import { serveBlocking } from "./blocking-worker";
import { codeFingerprint } from "./stack-reuse";
import { loadSynthesisCodeStepwise } from "./synthesis-code";
import { rehearseSynthesis } from "./synthesis-rehearsal";
import { synthesizeTenantStacks, type TenantStacksJob } from "./worker-synthesis";
import { type LoadAnswer, type LoadShare, readShare } from "./parallel-load";

/** This checkout, whose persistent cache holds the rehearsal. */
const REPO_ROOT = path.resolve(__dirname, "..");

/** The policy engine and the packs, loaded when first needed or when the thread is idle. */
let policyCode: (typeof Check & typeof Packs) | undefined;
function policy(): typeof Check & typeof Packs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  policyCode ??= { ...(require("../policies/engine/check") as typeof Check), ...(require("../policies/packs") as typeof Packs) };
  return policyCode;
}

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

/** The synthesis code fingerprint (engine/stack-reuse.ts), computed here while the main thread reads the configuration. */
export interface GateFingerprintRequest {
  readonly kind: "fingerprint";
  readonly repoRoot: string;
}

/** Options of the thread (workerData.options). */
export interface GateThreadOptions {
  /** Load the synthesis code, then the packs: a synth request is likely to follow. */
  readonly preloadSynthesis?: boolean;
}

/** Write the agency-file cache (engine/agency-file-cache.ts): answered with whether a shard was written. */
export interface GateStoreRequest {
  readonly kind: "store";
  readonly job: AgencyStoreJob;
}

/**
 * Read a share of the agency files (engine/parallel-load.ts): in a first synthesis this thread
 * has nothing to check before the estate is built, and has the reading code loaded already.
 */
export interface GateLoadRequest {
  readonly kind: "load";
  readonly share: LoadShare;
}

export type GateThreadRequest = PrepareRequest | GateRequest | GateSynthRequest | GateFingerprintRequest | GateStoreRequest | GateLoadRequest;

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

/** Whether this thread has synthesized for the main thread: a rehearsal after it would warm up nothing. */
let synthesized = false;

// What the thread will need, loaded while the main thread reads the configuration: the synthesis
// code first when it will synthesize, the packs, and then, unless the stacks to synthesize have
// come meanwhile, a rehearsal of synthesis (engine/synthesis-rehearsal.ts). Each is a step of its
// own: a request that comes meanwhile is served after the step.
if ((workerData as { options?: GateThreadOptions }).options?.preloadSynthesis) {
  setImmediate(() =>
    loadSynthesisCodeStepwise(0, () =>
      setImmediate(() => {
        policy();
        setImmediate(() => {
          if (!synthesized) rehearseSynthesis(REPO_ROOT);
        });
      }),
    ),
  );
} else policy();

serveBlocking<GateThreadRequest, GateFinding[] | string[] | string | boolean | LoadAnswer>(async (request) => {
  if (request.kind === "fingerprint") return codeFingerprint(request.repoRoot);
  if (request.kind === "load") return readShare(request.share);
  if (request.kind === "store") return storeAgencyFiles(request.job);
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
  if (request.kind === "synth") {
    synthesized = true;
    return synthesizeTenantStacks(request, request.plans.map((p) => p.name));
  }
  return check(request);
});

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
