/**
 * The synthesis engine: THE interface between the commands (cli/) and everything that makes
 * synthesis fast: the second thread and its stack queue, the policy gate's worker, stack reuse,
 * the persistent caches (agency files, gate verdicts), watch sessions, the estate memo and the
 * digests their keys are derived from. Outside engine/, only this module is imported, and
 * engine/start.ts for process start-up (test/import-direction.test.ts); docs/engine.md describes
 * the interface and what is cached where.
 *
 * The engine sits between stacks and cli in the one-way flow:
 *   core -> environments -> estate -> constructs -> stacks -> engine -> cli
 * It reads the policies only for the gate's worker.
 *
 * Errors: bad input is thrown as a UserError (environments/diagnostics.ts) listing every problem
 * at `file:line:col`, before anything is written; the previous output stays intact. A watch
 * session reports failures as values (`WatchEvents.onFailed`) and keeps watching.
 */

// Synthesis: configuration -> Terraform JSON in an output folder, swapped in only on success.
export { synthesize, SynthSession, summarize, deployOrder } from "./synth";
export type { SynthOptions, SynthResult, StackSummary } from "./synth";

// Watch sessions: synthesize again after every change of a configuration file.
export { watchSynth, WATCH_DEBOUNCE_MS } from "./watch";
export type { WatchEvents, Watcher } from "./watch";

// The validated estate without synthesis (reports, pipelines, `govcloud agency`).
export { loadEstate } from "./load-estate";
export type { LoadedEstate, LoadEstateOptions } from "./load-estate";

// The synthesis code (cdktf and the stacks), loaded on first use: `npx cdktf synth` and the KPI report build apps with it.
export { synthesisCode } from "./synthesis-code";

// Where local state lives relative to an output folder that will be deployed.
export { stateRootFor } from "./state-location";

// What changed between two outputs (`govcloud diff`, the watch console).
export { outputChanges, renderChanges } from "./changes";
export type { StackChanges } from "./changes";

// The committed list of resource addresses (`govcloud addresses`).
export { addressesFilePath, addressLines, compareAddresses, listAddresses, readCommittedAddresses, renderAddresses, ADDRESSES_FILE } from "./resource-addresses";
