/**
 * The policy gate's thread: loads the packs (and with them @pulumi/policy, about a second) while
 * the main thread synthesizes, then checks the staged output.
 */
import * as path from "node:path";
import { LoadCache } from "../environments/load-cache";
import { PACKS } from "../policies/packs";
import { type PreparedEnvironment, prepareEnvironment, runChecks } from "../policies/engine/check";
import { serveBlocking } from "./blocking-worker";

/** Read the environment's settings and sources now, for the check that follows. */
export interface PrepareRequest {
  readonly kind: "prepare";
  readonly repoRoot: string;
  readonly environment: string;
  /** Keep the validated files for the next preparation (a watch session); else let them go. */
  readonly keepFiles?: boolean;
}

export interface GateRequest {
  readonly kind: "check";
  readonly repoRoot: string;
  readonly dir: string;
  readonly environment: string;
  /** Check only these stacks of `dir`. @default - all */
  readonly stacks?: readonly string[];
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
// preparation (a check of another environment does not use them).
const loadCache = new LoadCache();
let prepared: PreparedEnvironment | undefined;

serveBlocking<PrepareRequest | GateRequest, GateFinding[]>(async (request) => {
  if (request.kind === "prepare") {
    prepared = undefined;
    prepared = prepareEnvironment(request.repoRoot, request.environment, PACKS, request.keepFiles ? loadCache : undefined);
    return [];
  }
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
