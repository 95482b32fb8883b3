/**
 * `sources.json` beside the synthesized stacks: where each agency and workload is written, so
 * that findings about a resource can point reviewers at the YAML line that produced it
 * (SARIF, check reports). Tenant instance keys start with the agency id, then the workload:
 * `bo-tai-chinh`, `bo-tai-chinh/portal`, `bo-tai-chinh/ledger-db/0`,
 * `thanh-pho-ha-noi/dich-vu-cong->bo-tai-chinh/portal`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import stringify from "json-stable-stringify";
import type { EnvironmentConfig } from "../environments";
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

/** The sources of an environment, with file paths relative to the repository root. */
export function buildSources(config: EnvironmentConfig, repoRoot: string): SourcesFile {
  const rel = (file: string) => displayPath(file, repoRoot);
  const agencies: Record<string, SourceLocation & { workloads: Record<string, SourceLocation> }> = {};
  for (const loaded of [...config.agencies].sort((a, b) => (a.value.id < b.value.id ? -1 : 1))) {
    const workloads: Record<string, SourceLocation> = {};
    for (const name of Object.keys(loaded.value.workloads).sort()) {
      const at = loaded.source.locateKey(["workloads", name]);
      workloads[name] = { file: rel(loaded.path), line: at.line, col: at.col };
    }
    const at = loaded.source.locate(["id"]);
    agencies[loaded.value.id] = { file: rel(loaded.path), line: at.line, col: at.col, workloads };
  }
  return { version: 1, environment: { file: rel(config.environmentPath), line: 1, col: 1 }, agencies };
}

export function writeSources(outdir: string, sources: SourcesFile): void {
  // The same serializer as cdktf's own files: sorted keys, stable bytes.
  fs.writeFileSync(path.join(outdir, SOURCES_FILE), stringify(sources, { space: 2 }) as string);
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
