/**
 * `sources.json` beside the synthesized stacks: where each agency and workload is written, so
 * that findings about a resource can point reviewers at the YAML line that produced it
 * (SARIF, check reports). Tenant instance keys start with the agency id, then the workload:
 * `bo-tai-chinh`, `bo-tai-chinh/portal`, `bo-tai-chinh/ledger-db/0`,
 * `thanh-pho-ha-noi/dich-vu-cong->bo-tai-chinh/portal`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stableJson, StableJsonText } from "../core/stable-json";
import type { EnvironmentConfig, LoadedAgency } from "./index";
import type { Agency } from "./agency-schema";
import type { SourceLookup } from "./source-map";
import { displayPath, formatPath } from "./diagnostics";

export const SOURCES_FILE = "sources.json";

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface SourcesFile {
  readonly version: 1;
  readonly environment: SourceLocation;
  /**
   * Where the environment file writes each of its settings (mappings, by field path such as
   * `regions.north.cluster.nodePools.general` or `platform.namespaces.velero`), for platform and
   * management resources and state backends ({@link blockCandidates}). Absent in files written
   * before it existed: those resources point at the environment file's first line.
   */
  readonly settings?: Readonly<Record<string, SourceLocation>>;
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
  const file = displayPath(config.environmentPath, repoRoot);
  return { version: 1, environment: { file, line: 1, col: 1 }, settings: settingLocations(config, file), agencies };
}

/** How deep {@link settingLocations} looks: `regions.north.cluster.nodePools.general` is 5. */
const SETTING_DEPTH = 5;

/**
 * The key of every mapping the environment file writes, to {@link SETTING_DEPTH} levels. A
 * mapping the schema filled in by default is not written, and has no entry: its resources point
 * at the nearest setting that is.
 */
function settingLocations(config: EnvironmentConfig, file: string): Record<string, SourceLocation> {
  const source = config.environment.source;
  const out: Record<string, SourceLocation> = {};
  const walk = (value: Readonly<Record<string, unknown>>, at: readonly string[]): void => {
    const parent = source.locate(at);
    for (const [key, child] of Object.entries(value)) {
      if (typeof child !== "object" || child === null || Array.isArray(child)) continue;
      const here = [...at, key];
      // A path the file does not write is located at its deepest written ancestor: the parent.
      const written = source.locate(here);
      if (written.line === parent.line && written.col === parent.col) continue;
      const { line, col } = source.locateKey(here);
      out[formatPath(here)] = { file, line, col };
      if (here.length < SETTING_DEPTH) walk(child as Record<string, unknown>, here);
    }
  };
  walk(config.environment.value as unknown as Record<string, unknown>, []);
  return out;
}

/**
 * The lookups {@link buildSources} makes in an agency's source map: where its id is written, and
 * the key of each workload. Every synthesis makes them for every agency; the persistent cache of
 * agency files keeps their answers (engine/agency-file-cache.ts), so that a cached agency's file
 * is not parsed again for them (test/engine/agency-file-cache.test.ts checks that a synthesis
 * from the cache parses no agency file).
 */
export function agencySourceLookups(agency: Agency): SourceLookup[] {
  return [{ key: false, path: ["id"] }, ...Object.keys(agency.workloads).sort().map((name) => ({ key: true, path: ["workloads", name] }))];
}

function agencySources(loaded: LoadedAgency, repoRoot: string): AgencySources {
  // The lookups of agencySourceLookups, in a loop of their own.
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

/** The block an instance belongs to, for resources that no agency produced. */
export interface BlockRef {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
}

/**
 * Where the resource instance with this for_each key (or none) was declared: its agency file
 * (and workload), else, for platform and management resources and state backends, the
 * environment setting that produced its block ({@link blockCandidates}), else the environment file.
 */
export function sourceOf(sources: SourcesFile, instanceKey: string | undefined, block?: BlockRef | (() => SourceLocation)): SourceLocation {
  const fallback = () => (block === undefined ? sources.environment : typeof block === "function" ? block() : blockSource(sources, block));
  if (instanceKey === undefined) return fallback();
  // `<agency>[/<workload>[/...]][-><provider>]`, read without splitting: the policy gate asks
  // for every resource instance of a national estate (126,000).
  const arrow = instanceKey.indexOf("->");
  const consumer = arrow < 0 ? instanceKey : instanceKey.slice(0, arrow);
  const slash = consumer.indexOf("/");
  const agency = sources.agencies[slash < 0 ? consumer : consumer.slice(0, slash)];
  if (agency === undefined) return fallback();
  if (slash >= 0) {
    const end = consumer.indexOf("/", slash + 1);
    const w = agency.workloads[consumer.slice(slash + 1, end < 0 ? undefined : end)];
    if (w !== undefined) return w;
  }
  return { file: agency.file, line: agency.line, col: agency.col };
}

/** The first setting of {@link blockCandidates} that the environment file writes, else the file itself. */
export function blockSource(sources: SourcesFile, block: BlockRef): SourceLocation {
  const settings = sources.settings;
  if (settings === undefined) return sources.environment;
  for (const candidate of blockCandidates(block)) {
    const at = settings[candidate];
    if (at !== undefined) return at;
  }
  return sources.environment;
}

/**
 * The environment settings that may have produced a block, most specific first, from the names
 * the constructs give their blocks (`<construct>_<child>_..._<hash>`): a state backend comes from
 * `stateBackend`; a management-stack object of `cluster-<region>` from that region's node pool,
 * control plane or cluster; a platform add-on (`add-ons_<name>...`) from `platform.addOns.<name>`
 * or its namespace; baseline namespaces, priority and storage classes from their `platform`
 * entries; tenant roles from `tenancy`; restore drills and Velero locations from `backup`; and
 * anything else in a region's stack from the region.
 */
export function blockCandidates({ stack, type, name }: BlockRef): string[] {
  if (type === "terraform_backend") return ["stateBackend"];
  const parts = name.replace(/_[0-9A-F]{8}$/, "").split("_");
  const [construct = "", child = ""] = parts;
  const region = /^(?:platform|tenants)-(.+?)(?:-\d{3})?$/.exec(stack)?.[1];
  const out: string[] = [];
  if (stack === "management") {
    const cluster = /^cluster-(.+)$/.exec(construct)?.[1];
    if (cluster !== undefined) {
      const pool = new RegExp(`-${escape(cluster)}-(.+)$`).exec(child)?.[1];
      if (pool === "control-plane") out.push(`regions.${cluster}.cluster.controlPlane`);
      else if (pool !== undefined) out.push(`regions.${cluster}.cluster.nodePools.${pool}`);
      out.push(`regions.${cluster}.cluster`, `regions.${cluster}`);
    }
    out.push("managementCluster", "infrastructure");
    return out;
  }
  if (construct === "add-ons") {
    const addOn = child.replace(/-network$/, "");
    out.push(`platform.addOns.${addOn}`, `platform.namespaces.${addOn}`, "platform.addOns");
  } else if (construct === "baseline") {
    const [, kind, item] = /^(namespace|priority-class|storage-class)-(.+)$/.exec(child) ?? [];
    if (kind === "namespace") out.push(`platform.namespaces.${item}`, "platform.namespaces");
    if (kind === "priority-class") out.push(`platform.priorityClasses.${item}`, "platform.priorityClasses");
    if (kind === "storage-class") out.push(`platform.storageClasses.${item}`, "platform.storageClasses");
  } else if (construct === "tenant-roles") {
    out.push(`tenancy.extraRoleRules.${child}`, "tenancy.extraRoleRules", "tenancy");
  } else if (construct === "restore-drill") {
    out.push("backup.restoreDrills", "backup");
  } else if (construct === "velero") {
    // velero_backup_location_local | _to_<region> | _from_<region>, velero_snapshot_location_local
    const [, what, other] = /^velero_(backup|snapshot)_location_(?:local|(?:to|from)_(.+))$/.exec(name) ?? [];
    const at = other ?? region;
    if (at !== undefined) out.push(what === "snapshot" ? `backup.regions.${at}.volumeSnapshots` : `backup.regions.${at}`, `backup.regions.${at}`);
    out.push("backup.regions", "backup");
  }
  if (stack.startsWith("tenants-")) out.push("tenancy");
  if (region !== undefined) out.push(`regions.${region}`);
  if (stack.startsWith("platform-")) out.push("platform");
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
