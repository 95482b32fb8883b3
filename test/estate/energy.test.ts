import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
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

  it("adds workloads up per agency, per region and in total", () => {
    const estimate = estimateEnergy(env, [agency("b", { one: worker, two: worker }), agency("a", { sync: worker })]);
    expect(estimate.agencies.map((a) => a.agencyId)).toEqual(["a", "b"]);
    expect(estimate.agencies[0]!.facilityKWh).toBeCloseTo(FACILITY_KWH, 9);
    expect(estimate.agencies[1]!.facilityKWh).toBeCloseTo(2 * FACILITY_KWH, 9);
    expect(estimate.agencies[1]!.marketTCO2e).toBeCloseTo(2 * MARKET_T, 12);
    expect(estimate.regions).toHaveLength(1);
    expect(estimate.regions[0]!.effectiveIntensity).toBeCloseTo(500 * 1.5 * 0.8, 9);
    expect(estimate.total.itKWh).toBeCloseTo(3 * IT_KWH, 9);
    expect(estimate.total.locationTCO2e).toBeCloseTo(3 * LOCATION_T, 12);
    expect(estimate.total.embodiedTCO2e).toBeCloseTo(3 * EMBODIED_T, 12);
    expect(estimate.placements).toEqual([]);
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
