/**
 * Generates environments of a given size for the benchmark from the national environment:
 * more regions and node pools, and a national estate of agencies shaped like Vietnam's
 * (about 17 ministries, 34 provinces, 3,321 communes: ../shared/facts/vietnam.md), each with
 * workloads from every template.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

export interface BenchSize {
  /** Label of the case in the results table, and the environment's name. */
  readonly name: string;
  readonly regions: number;
  readonly poolsPerRegion: number;
  /** Agencies of the estate (0: infrastructure only). */
  readonly agencies: number;
}

const REGION_IDS = ["north", "central", "south"];

/** Writes `<dir>/<name>.yaml` and its agencies under `<dir>/<name>/agencies/`; returns the env file. */
export function writeEnvironment(repoRoot: string, dir: string, size: BenchSize): string {
  const national = YAML.parse(fs.readFileSync(path.join(repoRoot, "environments", "national.yaml"), "utf8"));
  const template = national.regions.north;
  const regions: Record<string, unknown> = {};
  const regionIds = size.regions === 3 ? REGION_IDS : Array.from({ length: size.regions }, (_, r) => `r${String(r).padStart(3, "0")}`);
  // Enough general nodes for the estate's quotas (home and disaster-recovery reserve).
  const generalNodes = Math.max(8, Math.ceil((size.agencies * 2 * 2) / size.regions / 32));
  for (const id of regionIds) {
    const pools: Record<string, unknown> = { gpu: { ...template.cluster.nodePools.gpu, count: 4 } };
    for (let p = 0; p < size.poolsPerRegion - 1; p++) {
      pools[`general-${String(p).padStart(2, "0")}`] = { ...template.cluster.nodePools.general, count: Math.ceil(generalNodes / (size.poolsPerRegion - 1)) };
    }
    regions[id] = {
      ...template,
      displayName: `Region ${id}`,
      kubeContext: `govcloud-${id}`,
      cluster: { ...template.cluster, nodePools: pools },
      objectStorage: { endpoint: `https://s3.${id}.govcloud.gov.vn`, region: `vn-${id}` },
      registries: { images: `registry.${id}.govcloud.gov.vn`, charts: `oci://registry.${id}.govcloud.gov.vn/charts` },
    };
  }
  // The management cluster lives in one of the generated regions (its objects' green labels).
  const env = {
    ...national,
    name: size.name,
    regions,
    managementCluster: { ...national.managementCluster, region: regionIds[0] },
    backup: backupFor(national.backup, regionIds),
  };
  const file = path.join(dir, `${size.name}.yaml`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, YAML.stringify(env, { aliasDuplicateObjects: false }));
  writeAgencies(path.join(dir, size.name, "agencies"), regionIds, size.agencies);
  return file;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** One agency file, shaped by level: ministries run more than communes. */
export function agencyYaml(index: number, regionIds: readonly string[]): { id: string; text: string } {
  const level = index < 17 ? "central" : index < 17 + 34 ? "provincial" : "commune";
  const id = level === "central" ? `bo-${String(index).padStart(2, "0")}` : level === "provincial" ? `tinh-${String(index - 16).padStart(2, "0")}` : `xa-${String(index - 50).padStart(5, "0")}`;
  const home = regionIds[index % regionIds.length] as string;
  const dr = regionIds[(index + 1) % regionIds.length] as string;
  const registry = `registry.${home}.govcloud.gov.vn`;
  const image = (w: string) => `${registry}/${id}/${w}@sha256:${digest(`${id}/${w}`)}`;
  const parent = level === "commune" ? `tinh-${String(1 + (index % 34)).padStart(2, "0")}` : undefined;
  const workloads: Record<string, unknown> = {
    portal: { template: "web-service", system: "portal", image: image("portal"), host: `${id}.bench.gov.vn` },
    report: { template: "scheduled-job", system: "portal", image: image("report"), schedule: "0 2 * * *" },
  };
  if (level !== "commune") {
    workloads["open-data"] = { template: "open-data-api", system: "portal", image: image("open-data"), host: `data.${id}.bench.gov.vn` };
    workloads.sync = { template: "worker", system: "portal", image: image("sync") };
  }
  if (level === "central") {
    workloads.db = { template: "stateful-service", system: "portal", image: image("db") };
  }
  const agency = {
    id,
    displayName: `Agency ${id}`,
    level,
    ...(parent === undefined ? {} : { parent }),
    contacts: [{ name: "CNTT", role: "technical", email: `cntt@${id}.bench.gov.vn` }],
    homeRegion: home,
    drRegion: dr,
    quota: level === "commune" ? { cpu: 2, memoryGiB: 4 } : { cpu: 8, memoryGiB: 32, storageGiB: 100 },
    dataClassification: "internal",
    personalData: false,
    systems: { portal: { name: "Portal", securityLevel: 2, approval: { decision: `${index}/QĐ`, approvedOn: "2026-01-01", reviewDue: "2028-01-01" } } },
    workloads,
  };
  return { id, text: YAML.stringify(agency) };
}

function writeAgencies(dir: string, regionIds: readonly string[], count: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const { id, text } = agencyYaml(i, regionIds);
    fs.writeFileSync(path.join(dir, `${id}.yaml`), text);
  }
}

/** The national backup section, extended to generated regions (ring topology beyond three). */
function backupFor(backup: Record<string, unknown> & { regions: Record<string, unknown> }, regionIds: readonly string[]): unknown {
  if (regionIds.length === 3) return backup;
  const template = JSON.stringify(backup.regions.north);
  const regions = Object.fromEntries(regionIds.map((id) => [id, JSON.parse(template.replaceAll("north", id))]));
  // A ring gives every region one partner: two copies, enough for every class but secret's three.
  const minCopyRegions = { ...(backup.minCopyRegions as Record<string, number>), secret: 2 };
  return { ...backup, topology: "ring", minCopyRegions, regions };
}
