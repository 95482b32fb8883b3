/**
 * The policy gate's thread: loads the packs (a quarter of a second: rules do not load
 * @pulumi/policy, policies/lib/resource-of-type.ts) while the main thread synthesizes, then
 * checks the staged output. In a re-synthesis it also loads the synthesis code while the main
 * thread reads the configuration, and synthesizes the few tenant stacks that changed before it
 * checks them: the main thread then never loads cdktf (engine/policy-gate.ts).
 */
import * as path from "node:path";
import { workerData } from "node:worker_threads";
import type { EnvironmentConfig, LoadedAgency } from "../environments";
import { fromPortable, fromPortableAgency, type PortableAgency, type PortableLoaded } from "./portable";
import { LoadCache } from "./load-cache";
import type { Environment } from "../environments/schema";
import { type PreparedEnvironment, prepareSettings, runChecks } from "../policies/engine/check";
import { PACKS } from "../policies/packs";
import type { SourcesFile } from "../environments/source-map-file";
import { serveBlocking } from "./blocking-worker";
import { loadSynthesisCodeStepwise } from "./synthesis-code";
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

/** Options of the thread (workerData.options). */
export interface GateThreadOptions {
  /** Load the synthesis code once the packs are loaded: a synth request is likely to follow. */
  readonly preloadSynthesis?: boolean;
}

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
let prepared: PreparedEnvironment | undefined;

if ((workerData as { options?: GateThreadOptions }).options?.preloadSynthesis) setImmediate(loadSynthesisCodeStepwise);

serveBlocking<PrepareRequest | GateRequest | GateSynthRequest, GateFinding[] | string[]>(async (request) => {
  if (request.kind === "prepare") {
    prepared = undefined;
    const config: EnvironmentConfig = {
      environment: fromPortable(request.environment),
      environmentPath: request.environmentPath,
      agencies: request.agenciesWithSuppressions.map((a) => fromPortableAgency(a) as LoadedAgency),
    };
    prepared = prepareSettings(config, request.sources, PACKS, request.repoRoot);
    return [];
  }
  if (request.kind === "synth") return synthesizeTenantStacks(request, request.plans.map((p) => p.name));
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
});
