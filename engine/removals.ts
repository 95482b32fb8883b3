/**
 * Nothing that holds data disappears by deleting a file. Before synth writes anything, the
 * estate is compared with what was there before: the committed resource addresses
 * (`<env>/resource-addresses.txt`, which a fresh clone and CI have), else the committed
 * tenant-stack lock and the previous output's manifest (previousState). Synth refuses (exit 2),
 * naming what would be destroyed, when:
 * - an agency is gone without being retired in its file (`retired:` with the decision and the
 *   backup retention). Every agency counts: its namespaces hold its data (volumes, Secrets,
 *   anything applied outside Terraform), and whether they held personal data is not known once
 *   its file is gone;
 * - a renamed agency (`renamedFrom`) would not keep its resources: its former id is unknown, or
 *   its tenants would move to other regions (state cannot move between stacks);
 * - a region or a node pool is gone, unless named with `--allow-removal <region>` or
 *   `--allow-removal <region>/<pool>`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { agenciesDir, type EnvironmentConfig, type LoadedAgency } from "../environments";
import { type Diagnostic, displayPath } from "../environments/diagnostics";
import type { Estate } from "../estate/estate";
import { tenantNamespace } from "../estate/tenant-model";
import type { LoadCache } from "./load-cache";
import { lockFilePath } from "../environments/tenant-stack-lock";
import type { ShardLock } from "../environments/tenant-stack-lock";
import { addressesFilePath, readCommittedAddresses } from "./resource-addresses";
import { manifestStacks } from "./changes";

/** What was there before: agencies with what they had, regions and node pools. */
export interface PreviousState {
  /** The file shown in diagnostics. */
  readonly file: string;
  readonly agencies: ReadonlyMap<string, AgencyFootprint>;
  readonly regions: ReadonlySet<string>;
  /** `<region>/<pool>`. */
  readonly pools: ReadonlySet<string>;
}

/**
 * The committed addresses of the environment (read once per version of the file in a watch
 * session). Without them: the agencies of the committed tenant-stack lock, and the regions and
 * node pools of the previous output's manifest and management stack (small files: a national
 * output's tenant stacks are not read).
 */
export function previousState(environmentPath: string, environment: string, previousOutdir: string, lock: ShardLock, cache?: LoadCache): PreviousState | undefined {
  const committed = addressesFilePath(environmentPath);
  if (fs.existsSync(committed)) {
    const read = () => ({ file: displayPath(committed), ...footprints(readCommittedAddresses(committed), environment) });
    return cache === undefined ? read() : cache.load(committed, read);
  }
  const agencies = new Map<string, AgencyFootprint>(Object.keys(lock.agencies).map((id) => [id, { regions: new Set<string>(), namespaces: 0, volumes: 0, statefulSets: 0, resources: 0 }]));
  const regions = new Set<string>();
  const pools = new Set<string>();
  try {
    // Another environment's output (cdktf.out last written from national, say) says nothing about this one.
    if (!synthesizedFrom(previousOutdir, environmentPath)) throw new Error("another environment's output");
    const stacks = manifestStacks(previousOutdir);
    const lines = [...stacks.keys()].map((name) => `${name} -`);
    const management = stacks.get("management");
    if (management !== undefined && fs.existsSync(management)) {
      const doc = JSON.parse(fs.readFileSync(management, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
      for (const [type, byName] of Object.entries(doc.resource ?? {})) for (const name of Object.keys(byName)) lines.push(`management ${type}.${name}`);
    }
    const found = footprints(lines, environment);
    for (const r of found.regions) regions.add(r);
    for (const p of found.pools) pools.add(p);
  } catch {
    // An unreadable previous output says nothing; the lock still does.
  }
  if (agencies.size + regions.size + pools.size === 0) return undefined;
  return { file: displayPath(fs.existsSync(lockFilePath(environmentPath)) ? lockFilePath(environmentPath) : path.join(previousOutdir, "manifest.json")), agencies, regions, pools };
}

const TENANT_STACK = /^tenants-([a-z0-9-]+)-\d{3}$/;
const INSTANCE_KEY = /\["(.*)"\]$/;
/** Whether the output folder's sources.json says it was synthesized from an environment file of this name. */
function synthesizedFrom(outdir: string, environmentPath: string): boolean {
  const sources = JSON.parse(fs.readFileSync(path.join(outdir, "sources.json"), "utf8")) as { environment?: { file?: unknown } };
  const file = sources.environment?.file;
  return typeof file === "string" && path.basename(file) === path.basename(environmentPath);
}

const MACHINE_DEPLOYMENT = /^kubernetes_manifest\.cluster-([a-z0-9-]+)_machine-deployment-(.+)_[0-9A-F]{8}$/;
const PLATFORM_STACK = /^platform-([a-z0-9-]+)$/;

/** What an agency had before (counts are zero when only its id is known). */
export interface AgencyFootprint {
  readonly regions: Set<string>;
  readonly namespaces: number;
  readonly volumes: number;
  readonly statefulSets: number;
  readonly resources: number;
}

/** Per agency (first segment of a tenant instance key), what it had; and the regions and pools. */
function footprints(lines: readonly string[], environment: string) {
  const agencies = new Map<string, { regions: Set<string>; namespaces: number; volumes: number; statefulSets: number; resources: number }>();
  const regions = new Set<string>();
  const pools = new Set<string>();
  for (const line of lines) {
    const space = line.indexOf(" ");
    const stack = line.slice(0, space);
    const address = line.slice(space + 1);
    const platform = PLATFORM_STACK.exec(stack);
    if (platform !== null) regions.add(platform[1] as string);
    const tenant = TENANT_STACK.exec(stack);
    if (tenant !== null) {
      regions.add(tenant[1] as string);
      const key = INSTANCE_KEY.exec(address)?.[1];
      if (key === undefined) continue;
      // Counted for the first agency of the key (edges between two agencies are keyed by both).
      const agency = (key.split("->")[0] as string).split("/")[0] as string;
      const f = agencies.get(agency) ?? { regions: new Set<string>(), namespaces: 0, volumes: 0, statefulSets: 0, resources: 0 };
      f.regions.add(tenant[1] as string);
      f.resources++;
      if (address.startsWith("kubernetes_namespace_v1.")) f.namespaces++;
      if (address.startsWith("kubernetes_persistent_volume_claim_v1.")) f.volumes++;
      if (address.startsWith("kubernetes_stateful_set_v1.")) f.statefulSets++;
      agencies.set(agency, f);
      continue;
    }
    if (stack === "management") {
      const md = MACHINE_DEPLOYMENT.exec(address);
      if (md !== null) {
        const region = md[1] as string;
        const prefix = `${environment}-${region}-`;
        const name = md[2] as string;
        if (name.startsWith(prefix)) pools.add(`${region}/${name.slice(prefix.length)}`);
      }
    }
  }
  return { agencies: agencies as Map<string, AgencyFootprint>, regions, pools };
}

export interface RemovalOptions {
  /** Regions (`<region>`) and node pools (`<region>/<pool>`) whose removal is intended. */
  readonly allowRemoval?: readonly string[];
}

/** Retired agencies allowed to go, and every removal that is refused. */
export interface RemovalCheck {
  readonly problems: Diagnostic[];
  /** Agencies that go because their files say they are retired. */
  readonly retired: readonly string[];
}

/** Compares the estate with the previous addresses; see the module comment. */
export function checkRemovals(config: EnvironmentConfig, previous: PreviousState | undefined, options: RemovalOptions = {}): RemovalCheck {
  const problems: Diagnostic[] = [];
  if (previous === undefined) return { problems, retired: [] };
  const env = config.environment.value;
  const before = previous;
  const at = { file: previous.file, line: 1, col: 1 };
  const allowed = new Set(options.allowRemoval ?? []);

  const current = new Map(config.agencies.map((a) => [a.value.id, a]));
  const retired = new Map((config.retired ?? []).map((a) => [a.value.id, a]));
  const renamedFrom = new Map<string, LoadedAgency>();
  for (const loaded of config.agencies) if (loaded.value.renamedFrom !== undefined) renamedFrom.set(loaded.value.renamedFrom, loaded);

  const goneRetired: string[] = [];
  for (const [id, footprint] of [...before.agencies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (current.has(id) || renamedFrom.has(id)) continue;
    if (retired.has(id)) {
      goneRetired.push(id);
      continue;
    }
    problems.push({
      ...at,
      path: id,
      message: `agency ${id} is gone but not retired: synth would destroy ${destroyed(id, footprint)}. Restore ${displayPath(path.join(agenciesDir(config.environmentPath), `${id}.yaml`))} and retire it there (retired: { decision, date, backupRetentionDays }), or rename it (renamedFrom)`,
    });
  }
  for (const loaded of config.agencies) {
    const former = loaded.value.renamedFrom;
    if (former === undefined || before.agencies.has(former) || before.agencies.has(loaded.value.id)) continue;
    problems.push({
      ...loaded.source.locate(["renamedFrom"]),
      path: "renamedFrom",
      message: `${previous.file} has no agency '${former}' to rename: renamedFrom must be the id the agency had in the committed addresses`,
    });
  }

  for (const region of [...before.regions].sort()) {
    if (region in env.regions || allowed.has(region)) continue;
    problems.push({
      ...config.environment.source.locate(["regions"]),
      path: `regions.${region}`,
      message: `region ${region} is gone: synth would destroy its platform and every tenant in it (${[...before.agencies].filter(([, f]) => f.regions.has(region)).length} agencies' namespaces). If that is intended, run synth with --allow-removal ${region}`,
    });
  }
  for (const pool of [...before.pools].sort()) {
    const [region, name] = pool.split("/") as [string, string];
    if (!(region in env.regions) || name in (env.regions[region]?.cluster.nodePools ?? {}) || allowed.has(pool) || allowed.has(region)) continue;
    problems.push({
      ...config.environment.source.locate(["regions", region, "cluster", "nodePools"]),
      path: `regions.${region}.cluster.nodePools.${name}`,
      message: `node pool ${pool} is gone: synth would destroy its machines and evict what runs on them. If that is intended, run synth with --allow-removal ${pool}`,
    });
  }
  return { problems, retired: goneRetired };
}

/**
 * A renamed agency keeps its tenants where they were: state cannot move between stacks, so a
 * rename that also changes regions would destroy the tenants it leaves. Needs the estate (where
 * the tenants are now, flexible placement included).
 */
export function checkRenamedRegions(config: EnvironmentConfig, estate: Estate, previous: PreviousState | undefined): Diagnostic[] {
  if (previous === undefined) return [];
  const before = previous;
  const regionsNow = new Map<string, Set<string>>();
  for (const stack of estate.tenantStacks) {
    for (const id of stack.agencies) regionsNow.set(id, (regionsNow.get(id) ?? new Set<string>()).add(stack.regionId));
  }
  const problems: Diagnostic[] = [];
  for (const renamed of config.agencies) {
    const id = renamed.value.renamedFrom;
    const footprint = id === undefined || config.agencies.some((a) => a.value.id === id) ? undefined : before.agencies.get(id);
    if (id === undefined || footprint === undefined) continue;
    const now = regionsNow.get(renamed.value.id) ?? new Set<string>();
    const lost = [...footprint.regions].filter((r) => !now.has(r)).sort();
    if (lost.length === 0) continue;
    problems.push({
      ...renamed.source.locate(["renamedFrom"]),
      path: "renamedFrom",
      message: `the rename from ${id} would destroy its tenant in ${lost.join(", ")} (${destroyed(id, footprint)}): a rename keeps homeRegion and drRegion; rename first, move regions in a later change`,
    });
  }
  return problems;
}

function destroyed(id: string, f: AgencyFootprint): string {
  const parts = [f.regions.size === 0 ? `its namespaces (${tenantNamespace(id)})` : `namespace ${tenantNamespace(id)} in ${[...f.regions].sort().join(", ")}`];
  if (f.volumes > 0) parts.push(`${f.volumes} PersistentVolumeClaim(s)`);
  if (f.statefulSets > 0) parts.push(`${f.statefulSets} StatefulSet(s)`);
  if (f.resources > 0) parts.push(`${f.resources} resources in all`);
  return parts.join(", ");
}
