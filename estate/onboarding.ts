/**
 * Defaults of a new agency, decided from where it is: its level from its code and parent, its
 * home region from its parent or its province (environments/reference/provinces.yaml), its
 * disaster-recovery region the nearest other region, and a quota sized for its workloads and for
 * the room its regions have. Plain functions of validated configuration; `govcloud onboard` asks
 * them and writes the answers.
 */
import type { Agency, Workload } from "../environments/agency-schema";
import { type Coordinates, distanceKm, province } from "../environments/provinces";
import type { Environment, Region } from "../environments/schema";
import { workloadFootprint } from "./agency-checks";
import { regionCapacity, regionRoom, type RegionCapacity } from "./capacity";

type Level = Agency["level"];

/** The code of the province whose capital seats the central government (Hà Nội). */
export const CAPITAL_PROVINCE_CODE = "01";

/**
 * The level of a new agency: a 2-digit code is a province, a 5-digit code a commune; without a
 * code, the level of its parent (a provincial department under its province, a ministry's unit
 * under its ministry); with neither, central. Never guessed from the id.
 */
export function defaultLevel(code: string | undefined, parent: Pick<Agency, "level"> | undefined): Level {
  if (code !== undefined && /^\d{2}$/.test(code)) return "provincial";
  if (code !== undefined && /^\d{5}$/.test(code)) return "commune";
  return parent?.level ?? "central";
}

/** Where a region is: the seat of the province its datacenter is in. */
export function regionCoordinates(region: Pick<Region, "provinceCode">): Coordinates | undefined {
  return province(region.provinceCode);
}

/** A chosen region and why, for the file's comment and the command's summary. */
export interface RegionChoice {
  readonly region: string;
  readonly reason: string;
}

export interface PlacementInput {
  /** 2-digit province or 5-digit commune code. */
  readonly code?: string;
  /** The parent agency, when its file exists. */
  readonly parent?: Pick<Agency, "id" | "homeRegion" | "code">;
  /** The workloads need GPUs: prefer regions whose node pools have them. */
  readonly needsGpus: boolean;
}

/**
 * The home region of a new agency: its parent's home region; else the region serving its
 * province (by the province table, or the environment's nearest region when the table's region
 * is not one of the environment's); else the region serving the capital, where the central
 * government sits. Workloads that need GPUs move to the nearest region with GPUs.
 */
export function defaultHomeRegion(env: Environment, input: PlacementInput): RegionChoice | undefined {
  const regions = Object.keys(env.regions).sort();
  if (regions.length === 0) return undefined;
  let choice: RegionChoice | undefined;
  if (input.parent !== undefined && input.parent.homeRegion in env.regions) {
    choice = { region: input.parent.homeRegion, reason: `the home region of the parent agency ${input.parent.id}` };
  }
  const provinceCode = input.code !== undefined && /^\d{2}$/.test(input.code) ? input.code : undefined;
  if (choice === undefined && provinceCode !== undefined) choice = servingRegion(env, provinceCode);
  if (choice === undefined) {
    const capital = servingRegion(env, CAPITAL_PROVINCE_CODE);
    choice = capital === undefined ? undefined : { region: capital.region, reason: `${capital.reason}, where the central government sits` };
  }
  choice ??= { region: regions[0] as string, reason: "the first region (no province to place it by)" };
  if (input.needsGpus && !hasGpus(env, choice.region)) {
    const withGpus = nearestRegions(env, choice.region).find((r) => hasGpus(env, r));
    if (withGpus !== undefined) choice = { region: withGpus, reason: `the nearest region with GPUs to ${choice.region} (${choice.reason})` };
  }
  return choice;
}

/**
 * The disaster-recovery region: the nearest other region, so that standby and backups stay
 * close (among regions with GPUs first, when the workloads need them: the standby reserves them).
 */
export function defaultDrRegion(env: Environment, homeRegion: string, needsGpus: boolean): RegionChoice | undefined {
  const others = nearestRegions(env, homeRegion);
  const region = (needsGpus ? others.find((r) => hasGpus(env, r)) : undefined) ?? others[0];
  if (region === undefined) return undefined;
  return { region, reason: `the nearest other region to ${homeRegion}${needsGpus && hasGpus(env, region) ? " with GPUs" : ""}` };
}

/** The region that serves a province in `env`. */
function servingRegion(env: Environment, code: string): RegionChoice | undefined {
  const p = province(code);
  if (p === undefined) return undefined;
  if (p.region in env.regions) return { region: p.region, reason: `the region serving ${p.name} (province ${code})` };
  const nearest = [...Object.keys(env.regions)]
    .sort()
    .map((r) => ({ r, at: regionCoordinates(env.regions[r] as Region) }))
    .filter((x): x is { r: string; at: Coordinates } => x.at !== undefined)
    .sort((a, b) => distanceKm(p, a.at) - distanceKm(p, b.at))[0];
  return nearest === undefined ? undefined : { region: nearest.r, reason: `the nearest region to ${p.name} (province ${code})` };
}

/** The other regions of `env`, nearest first (ties and regions without a known site by name). */
export function nearestRegions(env: Environment, from: string): string[] {
  const origin = env.regions[from] === undefined ? undefined : regionCoordinates(env.regions[from] as Region);
  const distance = (r: string) => {
    const at = regionCoordinates(env.regions[r] as Region);
    return origin === undefined || at === undefined ? Infinity : distanceKm(origin, at);
  };
  return Object.keys(env.regions)
    .filter((r) => r !== from)
    .sort()
    .sort((a, b) => distance(a) - distance(b));
}

function hasGpus(env: Environment, region: string): boolean {
  const r = env.regions[region];
  return r !== undefined && regionCapacity(r).gpus > 0;
}

// ---------------------------------------------------------------------------------------------
// Quota
// ---------------------------------------------------------------------------------------------

/** Quota headroom over the workloads' largest footprint: rolling updates and some growth. */
export const QUOTA_HEADROOM = 1.5;

/** The quota an agency file starts with. */
export interface QuotaSize {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
  readonly gpus: number;
}

/**
 * Quota for a set of workloads: the sum of each one's largest footprint (maxReplicas, or
 * replicas, times its requests; plus volumes and GPUs), times the headroom, rounded up to
 * 1, 2, 5, 10, 20, 50, ... GPUs are scarce, so they are exactly what the workloads use.
 *
 * With `room` (what the agency's regions have left, {@link agencyRoom}), a round figure that
 * would take more than half the room becomes the exact headroom (to half a core or GiB), and is
 * cut to what is left if need be, never below the workloads' footprint: a small environment (a
 * laptop's `dev`) still gets files that synthesize, agency after agency. When even the footprint
 * does not fit, the quota is left as sized and the estate's capacity check says what fits.
 */
export function sizeQuota(workloads: readonly Workload[], room?: RegionCapacity): QuotaSize {
  const total = { cpu: 0, memoryGiB: 0, storageGiB: 0, gpus: 0 };
  for (const w of workloads) {
    // The same footprint the estate checks the quota against.
    const f = workloadFootprint(w);
    total.cpu += f.cpu;
    total.memoryGiB += f.memoryGiB;
    total.storageGiB += f.storageGiB;
    total.gpus += f.gpus;
  }
  const fit = (need: number, sized: number, available: number | undefined) => {
    // Plenty of room: the round figure. Little room (a laptop): the exact headroom, to the half
    // unit, so that the next agency fits too; less still: what is left, never below the need.
    if (available === undefined || sized <= available / 2) return sized;
    const exact = Math.ceil(need * QUOTA_HEADROOM * 2) / 2;
    if (exact <= available) return exact;
    const left = Math.floor(available * 2) / 2;
    return left >= need ? left : Math.ceil(need * 1000) / 1000 <= available ? Math.ceil(need * 1000) / 1000 : sized;
  };
  return {
    cpu: fit(total.cpu, niceCeil(total.cpu * QUOTA_HEADROOM), room?.cpu),
    memoryGiB: fit(total.memoryGiB, niceCeil(total.memoryGiB * QUOTA_HEADROOM), room?.memoryGiB),
    storageGiB: total.storageGiB === 0 ? 0 : niceCeil(total.storageGiB * QUOTA_HEADROOM),
    gpus: total.gpus,
  };
}

/**
 * What a new agency's quota may take: the least of its home region's room and its DR region's
 * room over the DR reserve share, after every other agency's quota (`regionRoom`).
 */
export function agencyRoom(env: Environment, others: readonly Agency[], homeRegion: string, drRegion: string): RegionCapacity {
  const room = regionRoom(env, others);
  const home = room.get(homeRegion) ?? { cpu: 0, memoryGiB: 0, gpus: 0 };
  const dr = room.get(drRegion) ?? { cpu: 0, memoryGiB: 0, gpus: 0 };
  const share = env.tenancy.drReserveShare;
  const overShare = (n: number) => (share === 0 ? Infinity : n / share);
  return {
    cpu: Math.max(0, Math.min(home.cpu, overShare(dr.cpu))),
    memoryGiB: Math.max(0, Math.min(home.memoryGiB, overShare(dr.memoryGiB))),
    gpus: Math.max(0, Math.min(home.gpus, overShare(dr.gpus))),
  };
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `x`. */
function niceCeil(x: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const step of [1, 2, 5]) if (step * magnitude >= x - 1e-9) return step * magnitude;
  }
}
