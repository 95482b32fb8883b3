/**
 * Policy settings of an environment: enforcement overrides and suppressions from the
 * environment file (`policy:`) and suppressions from its agency files (`suppressions:`), read
 * through the hardened loader. Rule ids are checked here, against the packs being run, because
 * the schema cannot know them without loading the rules.
 */
import type { EnvironmentConfig } from "../../environments";
import { type Diagnostic, displayPath, formatPath, UserError } from "../../environments/diagnostics";
import type { SourceMap } from "../../environments/source-map";
import type { Agency } from "../../environments/agency-schema";
import type { Environment, PolicySuppression } from "../../environments/schema";
import type { Suppression } from "./suppressions";
import type { EnforcementLevel, SourceLocation } from "./types";

export interface PolicySettings {
  readonly environment?: Environment;
  /** The environment's agencies (its agencies folder). */
  readonly agencies?: readonly Agency[];
  /** The environment file, repository-relative. */
  readonly environmentFile?: string;
  readonly enforcement: ReadonlyMap<string, EnforcementLevel>;
  readonly suppressions: readonly Suppression[];
}

export const NO_SETTINGS: PolicySettings = { enforcement: new Map(), suppressions: [] };

/**
 * The settings of a loaded environment. Throws a UserError, located at each offending key, for
 * rule ids that no pack defines.
 */
export function settingsOf(config: EnvironmentConfig, knownRules: ReadonlySet<string>, repoRoot: string): PolicySettings {
  const problems: Diagnostic[] = [];
  const env = config.environment.value;
  const envFile = displayPath(config.environmentPath, repoRoot);
  const unknown = (source: SourceMap, at: readonly PropertyKey[], id: string): void => {
    problems.push({ ...source.locateKey(at), path: formatPath(at), message: `unknown policy rule '${id}'${suggest(id, knownRules)}` });
  };

  const enforcement = new Map<string, EnforcementLevel>();
  for (const [id, level] of Object.entries(env.policy.enforcement)) {
    if (!knownRules.has(id)) unknown(config.environment.source, ["policy", "enforcement", id], id);
    else enforcement.set(id, level);
  }

  const suppressions: Suppression[] = [];
  const collect = (list: readonly PolicySuppression[], source: SourceMap, file: string, at: readonly PropertyKey[], agency?: string) => {
    list.forEach((s, i) => {
      if (!knownRules.has(s.rule)) {
        unknown(source, [...at, i, "rule"], s.rule);
        return;
      }
      const pos = source.locate([...at, i]);
      const where: SourceLocation = { file, line: pos.line, col: pos.col };
      suppressions.push({ ...s, ...(agency === undefined ? {} : { agency }), source: where });
    });
  };
  collect(env.policy.suppressions, config.environment.source, envFile, ["policy", "suppressions"]);
  for (const agency of config.agencies) {
    if (agency.value.suppressions.length === 0) continue;
    collect(agency.value.suppressions, agency.source, displayPath(agency.path, repoRoot), ["suppressions"], agency.value.id);
  }
  if (problems.length > 0) throw new UserError(problems);
  return { environment: env, agencies: config.agencies.map((a) => a.value), environmentFile: envFile, enforcement, suppressions };
}

function suggest(id: string, known: ReadonlySet<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(id, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(id.length / 5)) ? `; did you mean '${best}'?` : "";
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
