import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Agency, AgencySchema } from "../../environments/agency-schema";
import { type Environment, EnvironmentSchema } from "../../environments/schema";
import { estimateEnergy, estimateWorkload } from "../../estate/energy";
import { placeWorkloads } from "../../estate/placement";
import { sampleAgency } from "../support/fixtures";
import { REPO_ROOT } from "../support/synth";

const nationalText = fs.readFileSync(path.join(REPO_ROOT, "environments/national.yaml"), "utf8");
const IMAGE = `registry.north.govcloud.gov.vn/a/app@sha256:${"a".repeat(64)}`;

/**
 * One region with round figures, so that the expected values below can be worked out by hand:
 * PUE 1.5, grid 500 gCO2e/kWh, 20% renewable; a general pool of 16-core, 64 GiB machines at
 * 4 W per core (idle 25%), 0.5 W per GiB, 2 W per TiB, 1600 kgCO2e per machine over 4 years;
 * average utilisation 50%.
 */
function smallEnvironment(): Environment {
  const raw = YAML.parse(nationalText);
  delete raw.backup;
  const north = raw.regions.north;
  raw.regions = {
    north: {
      ...north,
      energy: { pue: 1.5, renewableShare: 0.2, gridIntensityGCO2ePerKWh: 500, source: "round figures for a hand-checked test" },
      cluster: {
        ...north.cluster,
        // No machine size: the control plane is left out of the site, and the report says so.
        controlPlane: { replicas: 3, flavor: "test" },
        nodePools: {
          general: {
            role: "general",
            count: 10,
            flavor: "test",
            cpu: 16,
            memoryGiB: 64,
            power: { wattsPerCore: 4, idleShare: 0.25, wattsPerGiB: 0.5, wattsPerGpu: 300, gpuIdleShare: 0.1, wattsPerTiB: 2 },
            embodied: { kgCO2ePerNode: 1600, lifetimeYears: 4 },
          },
        },
      },
    },
  };
  raw.green = { targets: { maxPue: 2 }, averageUtilisation: 0.5 };
  return EnvironmentSchema.parse(raw);
}

function agency(id: string, workloads: Record<string, unknown>): Agency {
  return sampleAgency(workloads, { id, displayName: `Agency ${id}`, systems: { s: { name: "System", securityLevel: 1 } } });
}

const worker = {
  template: "worker",
  system: "s",
  image: IMAGE,
  replicas: 2,
  resources: { cpu: 0.5, memoryMiB: 1024, cpuLimit: 1, memoryLimitMiB: 2048 },
};

describe("estimateEnergy: a case worked out by hand", () => {
  const env = smallEnvironment();
  // Per replica: CPU 0.5 core × 4 W × (0.25 + 0.75 × 0.5) = 1.25 W; memory 1 GiB × 0.5 W = 0.5 W.
  // Two replicas all year: 3.5 W × 8760 h = 30,660 Wh.
  const IT_KWH = 30.66;
  const FACILITY_KWH = 45.99; // × PUE 1.5
  const LOCATION_T = 0.022995; // 45.99 kWh × 500 g = 22,995 g
  const MARKET_T = 0.018396; // 80% not renewable
  // Share of a machine: max(0.5 / 16 cores, 1 / 64 GiB) = 1/32; 1600 kg / 4 years = 400 kg a
  // year a machine; 12.5 kg a replica, 25 kg for two.
  const EMBODIED_T = 0.025;
  // Limits at full load, all year: (1 core × 4 W + 2 GiB × 0.5 W) × 2 replicas = 10 W × 8760 h = 87.6 kWh; × 1.5.
  const UPPER_FACILITY_KWH = 131.4;

  it("gives the worker's yearly energy, location- and market-based CO2e, embodied CO2e and upper bound", () => {
    const w = estimateWorkload(env, "north", "a", "sync", agency("a", { sync: worker }).workloads.sync!);
    expect(w.pool).toBe("general");
    expect(w.replicas).toBe(2);
    expect(w.hoursPerYear).toBe(8760);
    expect(w.itKWh).toBeCloseTo(IT_KWH, 9);
    expect(w.facilityKWh).toBeCloseTo(FACILITY_KWH, 9);
    expect(w.locationTCO2e).toBeCloseTo(LOCATION_T, 12);
    expect(w.marketTCO2e).toBeCloseTo(MARKET_T, 12);
    expect(w.embodiedTCO2e).toBeCloseTo(EMBODIED_T, 12);
    expect(w.upperBoundFacilityKWh).toBeCloseTo(UPPER_FACILITY_KWH, 9);
    expect(w.sci).toBeUndefined();
  });

  it("gives the Software Carbon Intensity per functional unit: (E × I + M) / R", () => {
    const a = agency("a", { sync: { ...worker, functionalUnit: { name: "hồ sơ", perYear: 1_000_000 } } });
    const w = estimateWorkload(env, "north", "a", "sync", a.workloads.sync!);
    // (45.99 kWh × 500 g/kWh + 25,000 g) / 1,000,000 = 0.047995 g per hồ sơ.
    expect(w.sci?.functionalUnit).toBe("hồ sơ");
    expect(w.sci?.gCO2ePerUnit).toBeCloseTo(0.047995, 12);
  });

  it("counts a volume all year and a scheduled job only while it runs", () => {
    const a = agency("a", {
      db: { template: "stateful-service", system: "s", image: IMAGE, replicas: 1, storageGiB: 1024, resources: { cpu: 0.5, memoryMiB: 1024, cpuLimit: 1, memoryLimitMiB: 2048 } },
      nightly: { template: "scheduled-job", system: "s", image: IMAGE, schedule: "0 2 * * *", activeDeadlineSeconds: 3600, resources: { cpu: 0.5, memoryMiB: 1024, memoryLimitMiB: 1024 } },
    });
    // The pod as above (1.75 W all year: 15.33 kWh) and 1 TiB × 2 W all year (17.52 kWh).
    expect(estimateWorkload(env, "north", "a", "db", a.workloads.db!).itKWh).toBeCloseTo(32.85, 9);
    // 365 runs of at most one hour: 1.75 W × 365 h = 0.63875 kWh; embodied for 365 of 8760 hours.
    const job = estimateWorkload(env, "north", "a", "nightly", a.workloads.nightly!);
    expect(job.hoursPerYear).toBe(365);
    expect(job.itKWh).toBeCloseTo(0.63875, 9);
    expect(job.embodiedTCO2e).toBeCloseTo((12.5 * 365) / 8760 / 1000, 12);
  });

  it("adds workloads up per agency, and the agencies up to the sites' allocated part", () => {
    const estimate = estimateEnergy(env, [agency("b", { one: worker, two: worker }), agency("a", { sync: worker })]);
    expect(estimate.agencies.map((a) => a.agencyId)).toEqual(["a", "b"]);
    expect(estimate.agencies[0]!.facilityKWh).toBeCloseTo(FACILITY_KWH, 9);
    expect(estimate.agencies[1]!.facilityKWh).toBeCloseTo(2 * FACILITY_KWH, 9);
    expect(estimate.agencies[1]!.marketTCO2e).toBeCloseTo(2 * MARKET_T, 12);
    expect(estimate.regions).toHaveLength(1);
    expect(estimate.regions[0]!.effectiveIntensity).toBeCloseTo(500 * 1.5 * 0.8, 9);
    expect(estimate.total.allocated.itKWh).toBeCloseTo(3 * IT_KWH, 9);
    expect(estimate.total.allocated.locationTCO2e).toBeCloseTo(3 * LOCATION_T, 12);
    expect(estimate.total.allocated.embodiedTCO2e).toBeCloseTo(3 * EMBODIED_T, 12);
    expect(estimate.placements).toEqual([]);
  });

  it("gives the whole site from the inventory: allocated, platform and idle", () => {
    const estimate = estimateEnergy(env, [agency("b", { one: worker, two: worker }), agency("a", { sync: worker })]);
    const [north] = estimate.regions;
    // Each machine idles at 16 cores × 4 W × 0.25 = 16 W, 64 GiB × 0.5 W = 32 W and a 100 GiB
    // disk × 2 W/TiB = 0.1953125 W: 48.1953125 W; ten machines all year: 4,221.909375 kWh.
    expect(north!.idleFloorFacilityKWh).toBeCloseTo(4221.909375 * 1.5, 6);
    expect(north!.machines).toEqual([
      expect.objectContaining({ group: "general", role: "general", machines: 10, floorWatts: 48.1953125, maxWatts: 96.1953125 }),
    ]);
    // Platform: the node agents of national's add-ons (Kepler 100m/128Mi, node-exporter 20m/32Mi,
    // Velero's node-agent 100m/256Mi) on ten nodes, 2.2 cores × (1 W floor + 3 W × 0.5) = 5.5 W
    // and 4.0625 GiB × 0.5 W = 2.03125 W, plus the ten disks, 1.953125 W: 9.484375 W.
    expect(north!.platform.itKWh).toBeCloseTo(9.484375 * 8.76, 9);
    // Idle: what nobody reserved, at the floor: 160 − 2.2 − 3 cores × 1 W and 640 − 4.0625 − 6 GiB × 0.5 W.
    expect(north!.idle.itKWh).toBeCloseTo((154.8 + 629.9375 * 0.5) * 8.76, 9);
    expect(north!.allocated.itKWh).toBeCloseTo(3 * IT_KWH, 9);
    expect(north!.itKWh).toBeCloseTo(3 * IT_KWH + (9.484375 + 154.8 + 314.96875) * 8.76, 9);
    expect(north!.facilityKWh).toBeCloseTo(north!.itKWh * 1.5, 9);
    expect(estimate.total.facilityKWh).toBeCloseTo(north!.facilityKWh, 9);
    // Embodied: 10 machines × 400 kg a year, all of it, shared out.
    expect(north!.embodiedTCO2e).toBeCloseTo(4, 12);
    // No control plane size, no network declared: said, not guessed.
    expect(north!.notCounted.join("\n")).toMatch(/control plane machines: declare cluster\.controlPlane\.cpu and memoryGiB/);
    expect(north!.notCounted.join("\n")).toMatch(/network: declare energy\.networkGBPerYear/);
  });

  it("reports the site KPIs and their targets", () => {
    const withKpis = EnvironmentSchema.parse({
      ...YAML.parse(YAML.stringify(smallEnvironment())),
      green: { targets: { maxPue: 2, maxWue: 1.8, minErf: 0.1, maxCue: 1 }, averageUtilisation: 0.5 },
      regions: {
        north: { ...smallEnvironment().regions.north, energy: { ...smallEnvironment().regions.north!.energy, wue: 1.2, erf: 0.15, networkGBPerYear: 1000 } },
      },
    });
    const [north] = estimateEnergy(withKpis, [], new Map(), "2026-01-01").regions;
    expect(north!.kpis).toMatchObject({ pue: 1.5, ref: 0.2, erf: 0.15, wue: 1.2 });
    expect(north!.kpis.cue).toBeCloseTo(0.75, 12); // 1.5 × 500 g/kWh
    expect(north!.kpis.cueMarket).toBeCloseTo(0.6, 12); // 80% not renewable
    expect(north!.kpis.waterLitres).toBeCloseTo(1.2 * north!.itKWh, 9);
    expect(north!.kpis.targets).toEqual([
      { kpi: "PUE", target: "<= 2", status: "meets" },
      { kpi: "REF", target: ">= 0.2", status: "meets" },
      { kpi: "ERF", target: ">= 0.1", status: "meets" },
      { kpi: "WUE", target: "<= 1.8", status: "meets" },
      { kpi: "CUE", target: "<= 1", status: "meets" },
    ]);
    // The network: 1000 GB × 0.001 kWh, the platform's.
    const [without] = estimateEnergy(smallEnvironment(), [], new Map(), "2026-01-01").regions;
    expect(north!.platform.itKWh - without!.platform.itKWh).toBeCloseTo(1, 9);
  });
});

describe("estimateEnergy: the parts add up to the site, for any inventory and any reservations", () => {
  const base = smallEnvironment();
  const KEYS = ["itKWh", "facilityKWh", "locationTCO2e", "marketTCO2e", "embodiedTCO2e"] as const;

  it("allocated + platform + idle = site, allocated = the agencies' shares, site >= its idle floor", () => {
    fc.assert(
      fc.property(
        fc.record({ count: fc.integer({ min: 1, max: 20 }), cpu: fc.integer({ min: 2, max: 64 }), memoryGiB: fc.integer({ min: 4, max: 512 }), gpus: fc.integer({ min: 0, max: 4 }) }),
        fc.array(
          fc.record({ replicas: fc.integer({ min: 1, max: 40 }), cpu: fc.integer({ min: 1, max: 16 }), memoryMiB: fc.integer({ min: 256, max: 65536 }), gpu: fc.boolean(), job: fc.boolean() }),
          { maxLength: 8 },
        ),
        (size, specs) => {
          const raw = YAML.parse(YAML.stringify(base));
          raw.regions.north.cluster.nodePools = {
            general: { ...raw.regions.north.cluster.nodePools.general, ...size, gpus: 0 },
            gpu: { ...raw.regions.north.cluster.nodePools.general, ...size, role: "gpu", gpuModel: "test" },
            system: { ...raw.regions.north.cluster.nodePools.general, count: 3, cpu: 8, memoryGiB: 32, role: "system" },
          };
          const env = EnvironmentSchema.parse(raw);
          const agencies = specs.map((spec, i) => {
            const resources = { cpu: spec.cpu, memoryMiB: spec.memoryMiB, cpuLimit: spec.cpu, memoryLimitMiB: spec.memoryMiB };
            const workload = spec.job
              ? { template: "scheduled-job", system: "s", image: IMAGE, schedule: "0 2 * * *", activeDeadlineSeconds: 3600, resources }
              : spec.gpu && size.gpus > 0
                ? { template: "ai-inference", system: "s", image: IMAGE, replicas: Math.min(spec.replicas, 32), gpus: 1, model: `oci://registry.north.govcloud.gov.vn/models/m@sha256:${"c".repeat(64)}`, resources }
                : { ...worker, replicas: spec.replicas, resources };
            return agency(`a${i}`, { w: workload });
          });
          const estimate = estimateEnergy(env, agencies);
          for (const region of estimate.regions) {
            for (const key of KEYS) {
              const parts = region.allocated[key] + region.platform[key] + region.idle[key];
              expect(Math.abs(parts - region[key])).toBeLessThanOrEqual(1e-9 * Math.max(1, region[key]));
              const shares = estimate.workloads.filter((w) => w.regionId === region.regionId).reduce((n, w) => n + w[key], 0);
              expect(Math.abs(shares - region.allocated[key])).toBeLessThanOrEqual(1e-9 * Math.max(1, region[key]));
              for (const part of [region.allocated, region.platform, region.idle]) expect(part[key]).toBeGreaterThanOrEqual(-1e-9);
            }
            expect(region.facilityKWh).toBeGreaterThanOrEqual(region.idleFloorFacilityKWh - 1e-6);
          }
          for (const key of KEYS) {
            expect(Math.abs(estimate.agencies.reduce((n, a) => n + a[key], 0) - estimate.total.allocated[key])).toBeLessThanOrEqual(1e-9 * Math.max(1, estimate.total[key]));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("estimateEnergy on national", () => {
  const national = EnvironmentSchema.parse(YAML.parse(nationalText));

  it("shows where a flexible workload went and what it saves against its home region", () => {
    const a = AgencySchema.parse({
      ...agency("so-a", {}),
      homeRegion: "south",
      drRegion: "north",
      workloads: { batch: { ...worker, image: `registry.south.govcloud.gov.vn/a/b@sha256:${"b".repeat(64)}`, placement: "flexible" } },
    });
    const placement = placeWorkloads(national, [a]);
    const estimate = estimateEnergy(national, [a], placement.workloads);
    const [saving] = estimate.placements;
    expect(saving).toMatchObject({ agencyId: "so-a", workload: "batch", homeRegion: "south", region: "central", reason: "lowest-carbon" });
    const atHome = estimateWorkload(national, "south", "so-a", "batch", a.workloads.batch!);
    const there = estimateWorkload(national, "central", "so-a", "batch", a.workloads.batch!);
    expect(saving!.savingMarketTCO2e).toBeCloseTo(atHome.marketTCO2e - there.marketTCO2e, 12);
    expect(saving!.savingMarketTCO2e).toBeGreaterThan(0);
    // Same grid everywhere: the location-based saving is the PUE difference alone (1.40 vs 1.30).
    expect(saving!.savingLocationTCO2e).toBeCloseTo(atHome.locationTCO2e * (1 - 1.3 / 1.4), 12);
    expect(estimate.workloads.find((w) => w.workload === "batch")?.regionId).toBe("central");
  });
});
