/**
 * `--agency <id>`: one agency's share of an estate-wide command (`check`, every `report`
 * subcommand, `govcloud agency`). One option definition, one way to resolve the id (an unknown
 * id is bad input, exit code 2, with the closest known id), and one test of whether a finding
 * or a report row is about the agency, for every command to reuse.
 */
import * as path from "node:path";
import { Option } from "commander";
import { agenciesDir, type EnvironmentConfig, type LoadedAgency } from "../environments";
import { displayPath, UserError } from "../environments/diagnostics";
import { levenshtein } from "../environments/schema-issues";

/** The `--agency <id>` option, the same on every command. */
export function agencyOption(what = "the report"): Option {
  return new Option("--agency <id>", `limit ${what} to one agency (its id, the name of its file)`);
}

/**
 * The agency with `id` in an environment's config. An unknown id is reported at the file that
 * would hold it, with the closest known id.
 *
 * @throws UserError when there is no such agency
 */
export function resolveAgency(config: EnvironmentConfig, id: string): LoadedAgency {
  const found = config.agencies.find((a) => a.value.id === id);
  if (found !== undefined) return found;
  const known = config.agencies.map((a) => a.value.id).sort();
  const env = config.environment.value.name;
  const closest = closestId(id, known);
  throw new UserError([
    {
      file: displayPath(path.join(agenciesDir(config.environmentPath), `${id}.yaml`)),
      line: 1,
      col: 1,
      path: "",
      message:
        known.length === 0
          ? `no agency '${id}' (--agency): environment ${env} has no agencies yet`
          : `no agency '${id}' (--agency) in environment ${env}; did you mean '${closest}'?`,
    },
  ]);
}

/** The known id nearest to `id` (edit distance, ties by name). */
export function closestId(id: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [...known].sort()) {
    const distance = levenshtein(id, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** What a policy finding says about where it is; the fields `check` findings have. */
export interface FindingLike {
  readonly message: string;
  readonly address: string;
  readonly key?: string | number;
  readonly source?: { readonly file: string };
}

/**
 * Whether a finding is about the agency: located in its file, on one of its instances (keyed by
 * its id or `<id>/...`), or naming it as "agency <id>".
 */
export function namesAgency(finding: FindingLike, agency: Pick<LoadedAgency, "path"> & { readonly value: { readonly id: string } }): boolean {
  const id = agency.value.id;
  if (finding.source !== undefined && sameFile(finding.source.file, agency.path)) return true;
  if (finding.key !== undefined && (String(finding.key) === id || String(finding.key).startsWith(`${id}/`))) return true;
  if (finding.address.includes(`["${id}"]`) || finding.address.includes(`["${id}/`)) return true;
  return new RegExp(`\\bagency ${id.replace(/[-]/g, "\\-")}(?![-a-z0-9])`).test(finding.message);
}

/** A source file as findings give it (repository-relative or absolute) against an absolute path. */
function sameFile(shown: string, absolute: string): boolean {
  const normal = (p: string) => p.split(path.sep).join("/");
  return path.isAbsolute(shown) ? path.resolve(shown) === path.resolve(absolute) : normal(path.resolve(absolute)).endsWith(`/${normal(shown)}`);
}
