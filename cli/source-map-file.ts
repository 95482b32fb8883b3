/**
 * `sources.json` beside the synthesized stacks: where each agency and workload is written, so
 * that findings about a resource can point reviewers at the YAML line that produced it
 * (SARIF, check reports). Tenant instance keys start with the agency id, then the workload:
 * `bo-tai-chinh`, `bo-tai-chinh/portal`, `bo-tai-chinh/ledger-db/0`,
 * `thanh-pho-ha-noi/dich-vu-cong->bo-tai-chinh/portal`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stableJson, StableJsonText } from "../constructs/stable-json";
import type { EnvironmentConfig, LoadedAgency } from "../environments";
import { displayPath } from "../environments/diagnostics";

export const SOURCES_FILE = "sources.json";

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface SourcesFile {
  readonly version: 1;
  readonly environment: SourceLocation;
  readonly agencies: Readonly<Record<string, SourceLocation & { readonly workloads: Readonly<Record<string, SourceLocation>> }>>;
}

type AgencySources = SourceLocation & { readonly workloads: Readonly<Record<string, SourceLocation>> };

/**
 * Each agency file's entry, by repository root: a long-running process (synth --watch) keeps
 * unchanged agencies as the same objects, and their entries need not be computed again.
 */
const agencyEntries = new WeakMap<LoadedAgency, Map<string, AgencySources>>();

/** The sources of an environment, with file paths relative to the repository root. */
export function buildSources(config: EnvironmentConfig, repoRoot: string): SourcesFile {
  const agencies: Record<string, AgencySources> = {};
  for (const loaded of [...config.agencies].sort((a, b) => (a.value.id < b.value.id ? -1 : 1))) {
    let byRoot = agencyEntries.get(loaded);
    if (byRoot === undefined) {
      byRoot = new Map();
      agencyEntries.set(loaded, byRoot);
    }
    let entry = byRoot.get(repoRoot);
    if (entry === undefined) {
      entry = agencySources(loaded, repoRoot);
      byRoot.set(repoRoot, entry);
    }
    agencies[loaded.value.id] = entry;
  }
  return { version: 1, environment: { file: displayPath(config.environmentPath, repoRoot), line: 1, col: 1 }, agencies };
}

function agencySources(loaded: LoadedAgency, repoRoot: string): AgencySources {
  const file = displayPath(loaded.path, repoRoot);
  const workloads: Record<string, SourceLocation> = {};
  for (const name of Object.keys(loaded.value.workloads).sort()) {
    const at = loaded.source.locateKey(["workloads", name]);
    workloads[name] = { file, line: at.line, col: at.col };
  }
  const at = loaded.source.locate(["id"]);
  return { file, line: at.line, col: at.col, workloads };
}

/** Each agency entry's text, at its depth in sources.json (document > agencies > entry). */
const entryTexts = new WeakMap<AgencySources, StableJsonText>();

export function writeSources(outdir: string, sources: SourcesFile): void {
  // The same serializer as cdktf's own files: sorted keys, stable bytes. Entries that buildSources
  // kept from an earlier run keep their text too.
  const agencies: Record<string, StableJsonText> = {};
  for (const [id, entry] of Object.entries(sources.agencies)) {
    let text = entryTexts.get(entry);
    if (text === undefined) {
      text = StableJsonText.of(entry, 2);
      entryTexts.set(entry, text);
    }
    agencies[id] = text;
  }
  fs.writeFileSync(path.join(outdir, SOURCES_FILE), stableJson({ ...sources, agencies }));
}

/** Where the resource instance with this for_each key (or none) was declared. */
export function sourceOf(sources: SourcesFile, instanceKey: string | undefined): SourceLocation {
  if (instanceKey === undefined) return sources.environment;
  const [consumer] = instanceKey.split("->");
  const [agencyId, workload] = (consumer ?? "").split("/");
  const agency = agencyId === undefined ? undefined : sources.agencies[agencyId];
  if (agency === undefined) return sources.environment;
  const w = workload === undefined ? undefined : agency.workloads[workload];
  return w ?? { file: agency.file, line: agency.line, col: agency.col };
}
