/**
 * The Digital Government Program's KPIs, measured on an estate (docs/kpis.md defines each one,
 * with its source, target and legal or program reference). Plain functions of the validated
 * configuration and the estate model: `govcloud report kpis` gathers what only a synthesis
 * knows (the objects and their labels) and hands it in. A report, not a gate: a KPI that is not
 * met is a finding, never an error.
 */
import type { AdministrativeUnits } from "../environments/administrative-units";
import type { Agency } from "../environments/agency-schema";
import { type TemplateKpi, descriptorOf } from "../environments/workloads";
import { hostOf, isAllowedHost, type Environment } from "../environments/schema";
import { regionUsage, type RegionCapacity } from "./capacity";
import { estimateEnergy, type EnergyFigures, type RegionEstimate, type SiteKpis } from "./energy";
import { tenantDemands, type TenantStackPlan } from "./estate";
import type { WorkloadPlacement } from "./placement";

/**
 * How a KPI stands against its target. `not-applicable`: the KPI is region- or country-wide and
 * the report is one agency's (`--agency`).
 */
export type KpiStatus = "met" | "not-met" | "no-data" | "not-applicable";

export interface Kpi {
  readonly id: KpiId;
  readonly title: string;
  /** numerator / denominator, rounded to 4 decimals; null when the denominator is 0 or the KPI is not applicable. */
  readonly value: number | null;
  readonly numerator: number;
  readonly denominator: number;
  /** The share the program asks for (1 is 100%). */
  readonly target: number;
  readonly status: KpiStatus;
  /** What is missing: the items counted in the denominator but not in the numerator, sorted. */
  readonly gaps: readonly string[];
}

/** A KPI's fixed definition: what the docs and the report say about it. */
export interface KpiDefinition {
  readonly id: string;
  readonly title: string;
  readonly target: number;
}

/** Every KPI, in report order. docs/kpis.md has one section per id (a test keeps them in sync). */
export const KPI_DEFINITIONS = [
  { id: "systems-approved", title: "Information systems with a current cybersecurity approval", target: 1 },
  { id: "open-data-agencies", title: "Agencies that publish open data", target: 1 },
  { id: "ai-agencies", title: "Agencies with an AI application", target: 1 },
  { id: "namespaces-backed-up-cross-region", title: "Tenant namespaces backed up to another region within their RPO", target: 1 },
  { id: "objects-green-labelled", title: "Synthesized objects carrying every green label", target: 1 },
  { id: "endpoints-in-country", title: "Configured endpoints, registries and buckets inside Vietnam", target: 1 },
  { id: "provinces-onboarded", title: "Provincial-level units onboarded", target: 1 },
  { id: "communes-onboarded", title: "Commune-level units onboarded", target: 1 },
  { id: "regions-meeting-pue-target", title: "Regions whose PUE meets the green target", target: 1 },
  { id: "regions-meeting-renewable-target", title: "Regions whose renewable share meets the green target", target: 1 },
  { id: "regions-within-capacity", title: "Regions whose tenant quotas fit their declared capacity", target: 1 },
] as const satisfies readonly KpiDefinition[];

export type KpiId = (typeof KPI_DEFINITIONS)[number]["id"];

/** One tenant namespace's backups, as `govcloud report backups` reads them from the tenant stacks. */
export interface NamespaceBackup {
  /** The agency whose tenant the namespace is (used by `--agency`). */
  readonly agencyId?: string;
  readonly namespace: string;
  readonly regionId: string;
  readonly rpoHours?: number;
  /** Longest gap between two backups of the most frequent Schedule, hours. */
  readonly intervalHours?: number;
  /** Regions holding copies. */
  readonly copyRegions: readonly string[];
}

/** The synthesized objects that the green-label rule judges, and those it found lacking. */
export interface LabelledObjects {
  readonly total: number;
  /** `<stack>/<address>` of every object missing a green label, sorted. */
  readonly unlabelled: readonly string[];
}

export interface KpiInputs {
  readonly environment: Environment;
  readonly agencies: readonly Agency[];
  readonly units: AdministrativeUnits;
  /** The day approvals and green exemptions are judged by, `YYYY-MM-DD` (Vietnam). */
  readonly today: string;
  /**
   * Where every workload runs (Placement.workloads of the estate), for the site energy model;
   * a workload without an entry runs in its home region. @default every workload at home
   */
  readonly placements?: ReadonlyMap<string, WorkloadPlacement>;
  /**
   * One agency's KPIs (`--agency`): its systems, whether it has open data and AI, its tenant
   * namespaces, its endpoints; `objects` must then be its objects. The country- and region-wide
   * KPIs are `not-applicable`. @default the whole estate
   */
  readonly agency?: string;
  /** The estate's tenant stacks: their tenants' quotas are the capacity used. */
  readonly tenantStacks: readonly Pick<TenantStackPlan, "regionId" | "tenants">[];
  /** Every tenant namespace's backups. */
  readonly backups: readonly NamespaceBackup[];
  /** Objects of the synthesized stacks; undefined when not synthesized (the KPI has no data). */
  readonly objects?: LabelledObjects;
}

/** A site's yearly energy and carbon from its whole inventory (estate/energy.ts), split three ways. */
export interface SiteEnergy extends EnergyFigures {
  /** The agencies' shares, the platform (control planes, system pools, node agents, disks, network) and idle capacity. */
  readonly allocated: EnergyFigures;
  readonly platform: EnergyFigures;
  readonly idle: EnergyFigures;
  /** Facility energy of every declared machine at idle, all year, kWh. */
  readonly idleFloorFacilityKWh: number;
  /** What the site figures leave out because the environment does not declare it. */
  readonly notCounted: readonly string[];
}

/** One region's site figures against the green targets, and its declared capacity. */
export interface RegionFigures {
  readonly regionId: string;
  readonly displayName: string;
  /** The site's PUE (ISO/IEC 30134-2), as the energy model uses it: its facility over its IT energy. */
  readonly pue: number;
  readonly maxPue: number;
  readonly pueStatus: KpiStatus;
  /** The site's renewable energy factor, REF (ISO/IEC 30134-3). */
  readonly renewableShare: number;
  readonly minRenewableShare: number;
  readonly renewableStatus: KpiStatus;
  /** The latest unexpired green exemption's end day, when the region has one. */
  readonly exemptUntil?: string;
  /**
   * The site's ISO/IEC 30134 KPIs: PUE, REF, CUE (location- and market-based), ERF and WUE where
   * the region declares them, each green target with the region's standing (`meets`, `misses`,
   * `exempt until ...`).
   */
  readonly siteKpis: SiteKpis;
  /** The whole site's energy and carbon, split into allocated, platform and idle. */
  readonly site: SiteEnergy;
  /** With `--agency`: the agency's share of this site (part of `site.allocated`). */
  readonly agencyShare?: EnergyFigures;
  /** Tenant-facing pools' capacity, with overcommit, and the tenants' quotas. */
  readonly capacity: { readonly declared: RegionCapacity; readonly limit: RegionCapacity; readonly used: RegionCapacity };
  readonly capacityStatus: KpiStatus;
}

export interface KpiReport {
  readonly environment: string;
  /** Set when the report is one agency's (`--agency`). */
  readonly agency?: string;
  readonly asOf: string;
  readonly kpis: readonly Kpi[];
  readonly regions: readonly RegionFigures[];
  /** Information systems whose approval's review date has passed: `agency/system (review due YYYY-MM-DD)`. */
  readonly overdue: readonly string[];
}

/**
 * A decision number that only holds a place: what `govcloud onboard` writes (`TODO: ...`) until
 * the agency records the real decision.
 */
export function isPlaceholderDecision(decision: string): boolean {
  return decision.trim() === "" || /\bTODO\b|placeholder/i.test(decision);
}

/** Every KPI of the estate. */
export function measureKpis(input: KpiInputs): KpiReport {
  const { environment: env, today } = input;
  const one = input.agency;
  const agencies = one === undefined ? input.agencies : input.agencies.filter((a) => a.id === one);
  if (one !== undefined && agencies.length === 0) throw new Error(`internal: no agency ${one}`);
  const kpis: Kpi[] = [];
  const add = (id: KpiId, counted: readonly { readonly name: string; readonly ok: boolean }[] | undefined | "not-applicable") => {
    const definition = KPI_DEFINITIONS.find((d) => d.id === id) as KpiDefinition;
    kpis.push(kpi(definition, counted));
  };
  /** A country- or region-wide KPI: not one agency's. */
  const estateWide = <T>(counted: T): T | "not-applicable" => (one === undefined ? counted : "not-applicable");

  // Systems: approved, not a placeholder, review not past.
  const overdue: string[] = [];
  const systems = agencies.flatMap((agency) =>
    Object.entries(agency.systems).map(([id, system]) => {
      const name = `${agency.id}/${id}`;
      const approval = system.approval;
      if (approval === undefined) return { name: `${name} (no approval)`, ok: false };
      if (isPlaceholderDecision(approval.decision)) return { name: `${name} (placeholder decision)`, ok: false };
      if (approval.reviewDue < today) {
        overdue.push(`${name} (review due ${approval.reviewDue})`);
        return { name: `${name} (review due ${approval.reviewDue})`, ok: false };
      }
      return { name, ok: true };
    }),
  );
  add("systems-approved", systems);

  // Agencies running a template that counts towards the KPI (its descriptor's kpis).
  const running = (kpi: TemplateKpi) =>
    agencies.map((a) => ({ name: a.id, ok: Object.values(a.workloads).some((w) => descriptorOf(w).kpis?.includes(kpi) === true) }));
  add("open-data-agencies", running("open-data-agencies"));
  add("ai-agencies", running("ai-agencies"));

  add(
    "namespaces-backed-up-cross-region",
    input.backups.filter((b) => one === undefined || b.agencyId === one).map((b) => {
      const elsewhere = b.copyRegions.some((r) => r !== b.regionId);
      const inTime = b.rpoHours !== undefined && b.intervalHours !== undefined && b.intervalHours <= b.rpoHours;
      const why = !elsewhere ? "no copy in another region" : !inTime ? `backups every ${b.intervalHours ?? "?"} h, RPO ${b.rpoHours ?? "?"} h` : "";
      return { name: why === "" ? `${b.regionId}/${b.namespace}` : `${b.regionId}/${b.namespace} (${why})`, ok: why === "" };
    }),
  );

  add(
    "objects-green-labelled",
    input.objects === undefined
      ? undefined
      : [
          ...input.objects.unlabelled.map((name) => ({ name, ok: false })),
          ...Array.from({ length: input.objects.total - input.objects.unlabelled.length }, () => ({ name: "", ok: true })),
        ],
  );

  add(
    "endpoints-in-country",
    configuredEndpoints(env, agencies)
      // One agency's endpoints are its workloads' images and models; the platform's are the estate's.
      .filter((e) => one === undefined || e.what.startsWith(`${one}.`))
      .map((e) => ({ name: `${e.what}: ${e.host}`, ok: isAllowedHost(e.host, env.sovereignty.allowedDomains) })),
  );

  const units = (level: Agency["level"], total: number) => {
    const onboarded = [...new Set(agencies.filter((a) => a.level === level).map((a) => a.code ?? a.id))].sort();
    const missing = Math.max(0, total - onboarded.length);
    return [
      ...onboarded.slice(0, total).map((name) => ({ name, ok: true })),
      // The units not yet onboarded have no name in the estate: counted, not listed.
      ...Array.from({ length: missing }, () => ({ name: "", ok: false })),
    ];
  };
  add("provinces-onboarded", estateWide(units("provincial", input.units.provincial)));
  add("communes-onboarded", estateWide(units("commune", input.units.commune)));

  const regions = regionFigures(input);
  const exempt = (r: RegionFigures) => (r.exemptUntil === undefined ? "" : `, exempt until ${r.exemptUntil}`);
  add("regions-meeting-pue-target", estateWide(regions.map((r) => ({ name: `${r.regionId} (PUE ${r.pue} > ${r.maxPue}${exempt(r)})`, ok: r.pueStatus === "met" }))));
  add(
    "regions-meeting-renewable-target",
    estateWide(regions.map((r) => ({ name: `${r.regionId} (renewable ${percent(r.renewableShare)} < ${percent(r.minRenewableShare)}${exempt(r)})`, ok: r.renewableStatus === "met" }))),
  );
  add("regions-within-capacity", estateWide(regions.map((r) => ({ name: `${r.regionId} (quotas over capacity)`, ok: r.capacityStatus === "met" }))));

  return { environment: env.name, ...(one === undefined ? {} : { agency: one }), asOf: today, kpis, regions, overdue: overdue.sort() };
}

function kpi(definition: KpiDefinition, counted: readonly { readonly name: string; readonly ok: boolean }[] | undefined | "not-applicable"): Kpi {
  const { id, title, target } = definition;
  if (counted === "not-applicable") return { id: id as KpiId, title, value: null, numerator: 0, denominator: 0, target, status: "not-applicable", gaps: [] };
  if (counted === undefined) return { id: id as KpiId, title, value: null, numerator: 0, denominator: 0, target, status: "no-data", gaps: [] };
  const numerator = counted.filter((c) => c.ok).length;
  const denominator = counted.length;
  const value = denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000;
  const status: KpiStatus = value === null ? "no-data" : numerator >= target * denominator ? "met" : "not-met";
  const gaps = counted.filter((c) => !c.ok && c.name !== "").map((c) => c.name).sort();
  return { id: id as KpiId, title, value, numerator, denominator, target, status, gaps };
}

/**
 * Each region's site figures from its whole inventory (estate/energy.ts: PUE, REF, CUE, ERF and
 * WUE, energy and carbon split into allocated, platform and idle) against the green targets, and
 * its tenants' quotas against its capacity. With `agency`, each site also gets the agency's share.
 */
export function regionFigures(input: Pick<KpiInputs, "environment" | "agencies" | "tenantStacks" | "today" | "placements" | "agency">): RegionFigures[] {
  const env = input.environment;
  const { maxPue, minRenewableShare } = env.green.targets;
  const energy = estimateEnergy(env, input.agencies, input.placements ?? new Map(), input.today);
  return Object.keys(env.regions)
    .sort()
    .map((regionId) => {
      const region = env.regions[regionId]!;
      const site = energy.regions.find((r) => r.regionId === regionId) as RegionEstimate;
      const demands = input.tenantStacks.filter((s) => s.regionId === regionId).flatMap((s) => s.tenants.flatMap((t) => tenantDemands(t)));
      const usage = regionUsage(env, regionId, demands);
      const exemptUntil = env.green.exemptions
        .filter((e) => e.region === regionId && e.expires >= input.today)
        .map((e) => e.expires)
        .sort()
        .at(-1);
      const fits = (["cpu", "memoryGiB", "gpus"] as const).every((r) => usage.used[r] <= usage.limits[r] + 1e-9);
      // Met only when the site meets the target itself: an exemption is shown, not counted as met.
      const meets = (kpi: "PUE" | "REF") => (site.kpis.targets.find((t) => t.kpi === kpi)?.status === "meets" ? "met" : "not-met");
      const own = input.agency === undefined ? undefined : sumFigures(energy.workloads.filter((w) => w.agencyId === input.agency && w.regionId === regionId));
      return {
        regionId,
        displayName: region.displayName,
        pue: site.kpis.pue,
        maxPue,
        pueStatus: meets("PUE"),
        renewableShare: site.kpis.ref,
        minRenewableShare,
        renewableStatus: meets("REF"),
        ...(exemptUntil === undefined ? {} : { exemptUntil }),
        siteKpis: site.kpis,
        site: {
          ...figuresOf(site),
          allocated: figuresOf(site.allocated),
          platform: figuresOf(site.platform),
          idle: figuresOf(site.idle),
          idleFloorFacilityKWh: site.idleFloorFacilityKWh,
          notCounted: site.notCounted,
        },
        ...(own === undefined ? {} : { agencyShare: own }),
        capacity: { declared: usage.capacity, limit: usage.limits, used: roundCapacity(usage.used) },
        capacityStatus: fits ? "met" : "not-met",
      } satisfies RegionFigures;
    });
}

/** Just the yearly figures of an estimate (no split, no region fields). */
function figuresOf(f: EnergyFigures): EnergyFigures {
  return {
    itKWh: f.itKWh,
    facilityKWh: f.facilityKWh,
    locationTCO2e: f.locationTCO2e,
    marketTCO2e: f.marketTCO2e,
    embodiedTCO2e: f.embodiedTCO2e,
    upperBoundFacilityKWh: f.upperBoundFacilityKWh,
  };
}

function sumFigures(items: readonly EnergyFigures[]): EnergyFigures {
  const total = { itKWh: 0, facilityKWh: 0, locationTCO2e: 0, marketTCO2e: 0, embodiedTCO2e: 0, upperBoundFacilityKWh: 0 };
  for (const item of items) for (const key of Object.keys(total) as (keyof EnergyFigures)[]) total[key] += item[key];
  return total;
}

/** One configured endpoint, registry or bucket host. */
export interface ConfiguredEndpoint {
  /** What it is and where it is configured, e.g. `regions.north.registries.images`. */
  readonly what: string;
  readonly host: string;
}

/**
 * Every endpoint, registry and bucket the environment and its agencies configure: object
 * storage, image and chart registries, backup buckets and their object-lock replicas, the state
 * backend, the audit log store, the starter image, and the agencies' images and models.
 */
export function configuredEndpoints(env: Environment, agencies: readonly Agency[]): ConfiguredEndpoint[] {
  const out: ConfiguredEndpoint[] = [];
  for (const [id, region] of Object.entries(env.regions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push({ what: `regions.${id}.objectStorage.endpoint`, host: hostOf(region.objectStorage.endpoint) });
    out.push({ what: `regions.${id}.registries.images`, host: region.registries.images });
    out.push({ what: `regions.${id}.registries.charts`, host: hostOf(region.registries.charts) });
  }
  for (const [id, settings] of Object.entries(env.backup?.regions ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const store = env.regions[id]?.objectStorage.endpoint;
    if (store !== undefined) out.push({ what: `backup.regions.${id}.bucket ${settings.bucket}`, host: hostOf(store) });
    out.push({ what: `backup.regions.${id}.objectLock.endpoint`, host: hostOf(settings.objectLock.endpoint) });
  }
  if (env.stateBackend.type === "s3") out.push({ what: "stateBackend.endpoint", host: hostOf(env.stateBackend.endpoint) });
  if (env.auditLog !== undefined) out.push({ what: "auditLog.endpoint", host: hostOf(env.auditLog.endpoint) });
  if (env.tenancy.starterImage !== undefined) out.push({ what: "tenancy.starterImage", host: imageHost(env.tenancy.starterImage) });
  for (const agency of [...agencies].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (const [name, workload] of Object.entries(agency.workloads).sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push({ what: `${agency.id}.workloads.${name}.image`, host: imageHost(workload.image) });
      for (const { field, host } of descriptorOf(workload).artifacts?.(workload) ?? []) out.push({ what: `${agency.id}.workloads.${name}.${field}`, host });
    }
  }
  return out;
}

/** The registry host of an image reference, without a port. */
function imageHost(image: string): string {
  return (image.split("/")[0] ?? "").replace(/:\d+$/, "");
}

function roundCapacity(c: RegionCapacity): RegionCapacity {
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return { cpu: r(c.cpu), memoryGiB: r(c.memoryGiB), gpus: r(c.gpus) };
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
