/**
 * `govcloud check` without the command line: load resources (an environment synthesized into a
 * temporary folder, a synthesized folder, or plan files), resolve the packs against the
 * environment's settings, evaluate, apply suppressions.
 *
 * The packs are passed in, so this module never loads @pulumi/policy itself.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type EnvironmentConfig, loadEnvironmentConfig, resolveEnvironmentFile } from "../../environments";
import { displayPath, UserError } from "../../environments/diagnostics";
import type { FileCache } from "../../environments";
import { buildSources, type SourcesFile } from "../../environments/source-map-file";
import { evaluate } from "./evaluate";
import { findingFingerprint } from "./fingerprint";
import { locateFindings } from "./locate";
import { loadPlanFile, loadSynthFolder, type LoadedResources } from "./load";
import type { PolicyResource } from "./resource";
import { NO_SETTINGS, type PolicySettings, settingsOf } from "./settings";
import { applySuppressions } from "./suppressions";
import {
  type ActiveRule,
  type ControlReference,
  ENGINE_RULES,
  type EnforcementLevel,
  type Finding,
  type GovcloudPolicy,
  type PolicyPackDefinition,
} from "./types";

/** What to check. */
export type CheckInput =
  | { readonly kind: "environment"; readonly name: string }
  | {
      readonly kind: "folder";
      readonly dir: string;
      /** Check only these stacks of the folder (`govcloud synth --watch` checks the ones it rebuilt). @default - all */
      readonly stacks?: readonly string[];
    }
  | { readonly kind: "plan"; readonly file: string };

/** Rule configuration as in Pulumi's policy-pack config: rule id -> level, or config object. */
export type PolicyConfigFile = Readonly<Record<string, string | Readonly<Record<string, unknown>>>>;

export interface CheckOptions {
  readonly repoRoot: string;
  readonly packs: readonly PolicyPackDefinition[];
  readonly inputs: readonly CheckInput[];
  /**
   * Environment whose policy settings (enforcement, suppressions, registries, domains) apply to
   * folder and plan inputs. Default: an `environment` input's, else the one a synthesized
   * folder names in its sources.json, else none.
   */
  readonly environment?: string;
  /** Rule configuration and levels above everything else (`--policy-config`). */
  readonly policyConfig?: PolicyConfigFile;
  /** Shown in errors about the policy config. */
  readonly policyConfigFile?: string;
  /** "Today", for suppression expiry. */
  readonly now?: Date;
  /** Remembers the environment's validated files between checks of one long-running process. */
  readonly loadCache?: FileCache;
  /** Settings and sources of `environment`, read beforehand (see prepareSettings). */
  readonly prepared?: PreparedEnvironment;
  readonly onCrash?: (rule: string, address: string, error: unknown) => void;
  /**
   * Synthesizes an environment into `outdir`, for `environment` inputs, reporting progress to
   * `onProgress`. The CLI passes its own synthesis: policies judge what synthesis writes, but
   * never import the command line.
   * @default - none: an `environment` input is an internal error
   */
  readonly synthesize?: (environment: string, outdir: string, onProgress?: (message: string) => void) => void | Promise<void>;
  /** Progress messages with the time since the check started (the CLI shows them on a terminal). */
  readonly onProgress?: (message: string, elapsedMs: number) => void;
  /**
   * Fingerprints ({@link findingFingerprint}) of findings an earlier report had (`--baseline`):
   * such findings are left out of the result, and do not fail the check.
   */
  readonly baseline?: ReadonlySet<string>;
}

/** A rule that could not run: it needs configuration that neither an environment nor --policy-config gave. */
export interface RuleNotRun {
  readonly rule: string;
  readonly pack: string;
  /** Why, for people: which configuration is missing and how to give it. */
  readonly reason: string;
}

/** A rule as reports describe it. */
export interface RuleDescriptor {
  readonly id: string;
  readonly pack: string;
  /** Effective level in this check. */
  readonly level: EnforcementLevel;
  /** The pack's level, before environment overrides. */
  readonly defaultLevel: EnforcementLevel;
  /** What the rule checks (the rule's own description). */
  readonly description: string;
  /** Why it matters (the pack's wording). */
  readonly explanation: string;
  readonly controls: readonly ControlReference[];
}

export interface CheckResult {
  /** All findings; suppressed ones carry `suppressedBy`. */
  readonly findings: readonly Finding[];
  readonly rules: readonly RuleDescriptor[];
  readonly resources: number;
  readonly stacks: readonly string[];
  /** The environment file whose settings applied, repository-relative. */
  readonly environmentFile?: string;
  /** Rules that were not run, for want of settings (checks outside a project). */
  readonly notRun: readonly RuleNotRun[];
  /** How many findings were left out because the baseline report had them. */
  readonly baselined: number;
  /** 1 when an unsuppressed mandatory finding exists, else 0. */
  readonly exitCode: 0 | 1;
}

/** Every rule of the packs by id; throws on a duplicate id (a programming error). */
export function rulesById(packs: readonly PolicyPackDefinition[]): Map<string, { pack: PolicyPackDefinition; entry: PolicyPackDefinition["rules"][number] }> {
  const out = new Map<string, { pack: PolicyPackDefinition; entry: PolicyPackDefinition["rules"][number] }>();
  for (const pack of packs) {
    for (const entry of pack.rules) {
      const id = entry.rule.name;
      if (out.has(id)) throw new Error(`internal: rule '${id}' is in pack '${out.get(id)?.pack.name}' and '${pack.name}'`);
      out.set(id, { pack, entry });
    }
  }
  return out;
}

/** An environment's policy settings and the sources of its agencies, read once for later checks. */
export interface PreparedEnvironment {
  /** The environment file they were read from. */
  readonly file: string;
  readonly settings: PolicySettings;
  readonly sources: SourcesFile;
}

/**
 * What checks need of an environment besides the resources, from configuration already loaded.
 * `govcloud synth` sends it to the gate's thread, which prepares it while the main thread
 * synthesizes, so that the check itself only reads and judges the stacks. `config` needs only
 * the agencies that have suppressions (all that settings are made of). Throws a UserError for
 * bad settings (an unknown rule).
 */
export function prepareSettings(config: EnvironmentConfig, sources: SourcesFile, packs: readonly PolicyPackDefinition[], repoRoot: string): PreparedEnvironment {
  return { file: config.environmentPath, settings: settingsOf(config, new Set(rulesById(packs).keys()), repoRoot), sources };
}

export async function runChecks(options: CheckOptions): Promise<CheckResult> {
  const catalog = rulesById(options.packs);
  const known = new Set(catalog.keys());
  const temp: string[] = [];
  const started = performance.now();
  const progress = (message: string) => options.onProgress?.(message, performance.now() - started);
  const prepared =
    options.prepared !== undefined && options.environment !== undefined && resolveEnvironmentFile(options.repoRoot, options.environment) === options.prepared.file
      ? options.prepared
      : undefined;
  try {
    // 1. Resources.
    const loaded: LoadedResources[] = [];
    const envInput = options.inputs.find((i) => i.kind === "environment");
    let settingsEnv = options.environment ?? (envInput?.kind === "environment" ? envInput.name : undefined);
    const planInputs: string[] = [];
    for (const input of options.inputs) {
      if (input.kind === "environment") {
        if (options.synthesize === undefined) throw new Error("internal: an environment input needs options.synthesize");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-check-"));
        temp.push(dir);
        const out = path.join(dir, "cdktf.out");
        await options.synthesize(input.name, out, options.onProgress === undefined ? undefined : (message: string) => progress(message));
        loaded.push(loadSynthFolder(out));
        progress(`read the synthesized stacks of '${input.name}'`);
      } else if (input.kind === "folder") {
        const folder = loadSynthFolder(input.dir, input.stacks, prepared?.sources);
        loaded.push(folder);
        progress(`read ${folder.resources.length} resource instances of ${folder.stacks.length} stack(s) from ${displayPath(input.dir)}`);
        const named = folder.sources?.environment.file;
        if (settingsEnv === undefined && named !== undefined && fs.existsSync(path.resolve(options.repoRoot, named))) {
          settingsEnv = path.resolve(options.repoRoot, named);
        }
      } else {
        planInputs.push(input.file);
      }
    }

    // 2. Settings of the environment, if any.
    let settings: PolicySettings = NO_SETTINGS;
    let sources: SourcesFile | undefined;
    if (prepared !== undefined) {
      settings = prepared.settings;
      sources = prepared.sources;
    } else if (settingsEnv !== undefined) {
      const config = loadEnvironmentConfig(options.repoRoot, settingsEnv, { cache: options.loadCache });
      settings = settingsOf(config, known, options.repoRoot);
      sources = buildSources(config, options.repoRoot);
    }
    // Every malformed plan is reported at once, not one per run.
    const bad: UserError[] = [];
    for (const file of planInputs) {
      try {
        loaded.push(loadPlanFile(file, sources));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        bad.push(error);
      }
    }
    if (bad.length > 0) throw new UserError(bad.flatMap((e) => e.diagnostics));
    if (planInputs.length > 0) progress(`read ${planInputs.length} plan file(s)`);

    const resources: PolicyResource[] = [];
    const stacks: string[] = [];
    const plans = new Map<string, Readonly<Record<string, unknown>>>();
    const removed: PolicyResource[] = [];
    for (const l of loaded) {
      for (const r of l.resources) resources.push(r);
      stacks.push(...l.stacks);
      for (const [stack, plan] of l.plans ?? []) plans.set(stack, plan as Readonly<Record<string, unknown>>);
      removed.push(...(l.removed ?? []));
    }

    // 3. Rules with their levels and configuration.
    const { active, descriptors, notRun } = resolveRules(options, catalog, settings);

    // 4. Evaluate and suppress.
    progress(`judging ${resources.length} resource instances of ${stacks.length} stack(s) with ${active.length} rules`);
    const now = options.now ?? new Date();
    const raw = await evaluate(resources, active, {
      stacks,
      plans,
      removed,
      now,
      ...(options.onCrash === undefined ? {} : { onCrash: options.onCrash }),
    });
    progress(`judged: ${raw.length} finding(s) before suppressions`);
    const { findings, expired } = applySuppressions(raw, settings.suppressions, now);
    const located = locateFindings([...findings, ...expired], loaded);
    const all = options.baseline === undefined ? located : located.filter((f) => !options.baseline?.has(findingFingerprint(f)));
    const failing = all.some((f) => f.level === "mandatory" && f.suppressedBy === undefined);
    return {
      findings: all,
      rules: descriptors,
      resources: resources.filter((r) => r.type !== "terraform_backend").length,
      stacks,
      ...(settings.environmentFile === undefined ? {} : { environmentFile: settings.environmentFile }),
      notRun,
      baselined: located.length - all.length,
      exitCode: failing ? 1 : 0,
    };
  } finally {
    for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Engine rules as descriptors, so that reports can describe their findings too. */
export const ENGINE_RULE_DESCRIPTORS: readonly RuleDescriptor[] = Object.entries(ENGINE_RULES).map(([id, description]) => ({
  id,
  pack: "engine",
  level: "mandatory",
  defaultLevel: "mandatory",
  description,
  explanation: description,
  controls: [],
}));

function resolveRules(
  options: CheckOptions,
  catalog: ReturnType<typeof rulesById>,
  settings: PolicySettings,
): { active: ActiveRule[]; descriptors: RuleDescriptor[]; notRun: RuleNotRun[] } {
  const problems: string[] = [];
  const notRun: RuleNotRun[] = [];
  const userConfig = options.policyConfig ?? {};
  for (const id of Object.keys(userConfig)) if (!catalog.has(id)) problems.push(`unknown policy rule '${id}'`);
  const active: ActiveRule[] = [];
  const descriptors: RuleDescriptor[] = [];
  for (const [id, { pack, entry }] of catalog) {
    const user = userConfig[id];
    const userObject = typeof user === "object" && user !== null ? (user as Record<string, unknown>) : {};
    const { enforcementLevel, ...userSettings } = userObject;
    const userLevel = typeof user === "string" ? user : typeof enforcementLevel === "string" ? enforcementLevel : undefined;
    if (userLevel !== undefined && !["advisory", "mandatory", "disabled"].includes(userLevel)) {
      problems.push(`${id}: enforcement level must be advisory, mandatory or disabled; got '${userLevel}'`);
    }
    const level = (userLevel ?? settings.enforcement.get(id) ?? entry.level) as EnforcementLevel;
    descriptors.push({
      id,
      pack: pack.name,
      level,
      defaultLevel: entry.level,
      description: entry.rule.description,
      explanation: entry.explanation,
      controls: entry.controls,
    });
    if (level === "disabled") continue;
    const policy = entry.rule as GovcloudPolicy;
    const config: Record<string, unknown> = {
      ...schemaDefaults(policy),
      ...(settings.environment === undefined ? {} : (policy.configFromEnvironment?.(settings.environment, { agencies: settings.agencies ?? [] }) ?? {})),
      ...userSettings,
    };
    const missing = (policy.configSchema?.required ?? []).filter((required) => config[required] === undefined);
    if (missing.length > 0) {
      notRun.push({
        rule: id,
        pack: pack.name,
        reason: `needs configuration ${missing.map((m) => `'${m}'`).join(", ")}, which comes from an environment's settings; check inside the project, with --env <name>, or pass --policy-config <file.json>`,
      });
      continue;
    }
    active.push({ id, pack: pack.name, level, policy, config: Object.freeze(config) });
  }
  if (problems.length > 0) {
    const first = options.inputs[0];
    const where = first === undefined ? undefined : first.kind === "folder" ? first.dir : first.kind === "plan" ? first.file : undefined;
    const file = displayPath(options.policyConfigFile ?? where ?? path.join(options.repoRoot, "environments", `${settings.environment?.name ?? "environment"}.yaml`));
    throw new UserError(problems.map((message) => ({ file, line: 1, col: 1, path: "", message })));
  }
  return { active, descriptors: [...descriptors, ...ENGINE_RULE_DESCRIPTORS], notRun };
}

function schemaDefaults(policy: GovcloudPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    const value = (schema as { default?: unknown }).default;
    if (value !== undefined) out[key] = value;
  }
  return out;
}
