/**
 * The policy engine's public API. Nothing here loads @pulumi/policy: the packs (which do) are
 * passed in, so that tools which only read resources stay fast.
 *
 *   runChecks({ repoRoot, packs: PACKS, inputs: [{ kind: "environment", name: "national" }], synthesize })
 *     -> { findings, rules, resources, stacks, exitCode }
 *   loadSynthFolder(dir) / loadPlanFile(file) / loadPlan(stack, json) / loadDocuments({ stack: doc })
 *     -> PolicyResource[] (one per instance, blocks as arrays); removedByPlan(stack, json): what a plan destroys
 *   evaluate(resources, activeRules) -> Finding[]
 *   applySuppressions(findings, suppressions, now) -> { findings, expired }
 *   render(format, result, version) -> text | json | sarif | junit
 */
export { type CheckInput, type CheckOptions, type CheckResult, type RuleDescriptor, rulesById, runChecks } from "./check";
export { evaluate } from "./evaluate";
export { type TerraformJsonDocument, expandDocument } from "./expand";
export { type LoadedResources, loadDocuments, loadPlan, loadPlanFile, loadSynthFolder, type PlanJson, removedByPlan } from "./load";
export { render } from "./reporters";
export { PolicyResource } from "./resource";
export { settingsOf } from "./settings";
export { applySuppressions, type Suppression } from "./suppressions";
export * from "./types";
