import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { type Agency, AgencySchema } from "../../environments/agency-schema";
import { type Environment, EnvironmentSchema } from "../../environments/schema";
import { effectiveIntensity, placedIn, placeWorkloads, regionOf as regionIn } from "../../estate/placement";
import { REPO_ROOT } from "../support/synth";

const nationalRaw = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments/national.yaml"), "utf8"));
const national = EnvironmentSchema.parse(nationalRaw);
const image = (region: string, name: string) => `registry.${region}.govcloud.gov.vn/x/${name}@sha256:${"c".repeat(64)}`;
const MODEL = `oci://registry.north.govcloud.gov.vn/models/m@sha256:${"d".repeat(64)}`;

function agency(id: string, overrides: Record<string, unknown> = {}, workloads: Record<string, unknown> = {}): Agency {
  return AgencySchema.parse({
    id,
    displayName: `Agency ${id}`,
    level: "provincial",
    contacts: [{ name: "CNTT", role: "technical", email: `cntt@${id}.gov.vn` }],
    homeRegion: "south",
    drRegion: "north",
    quota: { cpu: 8, memoryGiB: 16, gpus: 0 },
    dataClassification: "internal",
    personalData: false,
    systems: { s: { name: "System", securityLevel: 1 } },
    workloads,
    ...overrides,
  });
}

const flexibleWorker = { template: "worker", system: "s", image: image("south", "w"), placement: "flexible" };
const web = { template: "web-service", system: "s", image: image("south", "web"), host: "a.gov.vn" };

describe("effectiveIntensity", () => {
  it("is grid intensity × PUE × (1 − renewable share)", () => {
    expect(effectiveIntensity({ gridIntensityGCO2ePerKWh: 659.2, pue: 1.3, renewableShare: 0.45 })).toBeCloseTo(659.2 * 1.3 * 0.55, 9);
  });

  it("makes central the cleanest region of national, then north, then south", () => {
    const order = Object.entries(national.regions)
      .map(([id, r]) => [id, effectiveIntensity(r.energy)] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([id]) => id);
    expect(order).toEqual(["central", "north", "south"]);
  });
});

describe("placeWorkloads", () => {
  it("runs home workloads at home and moves a flexible one to the lowest-carbon region with room", () => {
    const p = placeWorkloads(national, [agency("a", {}, { batch: flexibleWorker, portal: web })]);
    expect(regionIn(p, "a", "portal")).toBe("south");
    expect(p.workloads.get("a/portal")?.reason).toBe("home");
    expect(regionIn(p, "a", "batch")).toBe("central");
    expect(p.workloads.get("a/batch")).toMatchObject({ flexible: true, reason: "lowest-carbon", skipped: [] });
    expect(placedIn(p, "central", "a").map((w) => w.workload)).toEqual(["batch"]);
    expect(placedIn(p, "south", "a")).toEqual([]);
  });

  it("is plain data, so that the estate can be copied to synthesis threads", () => {
    const p = placeWorkloads(national, [agency("a", {}, { batch: flexibleWorker })]);
    expect(regionIn(structuredClone(p), "a", "batch")).toBe("central");
  });

  it("lists every workload of every agency, agencies by id then workloads by name, also when copied before the list is first read", () => {
    const agencies = [agency("c", {}, { web, batch: flexibleWorker }), agency("a", {}, { zeta: web, alpha: web }), agency("b", {}, { batch: flexibleWorker })];
    const expected = ["a/alpha", "a/zeta", "b/batch", "c/batch", "c/web"];
    const copied = structuredClone(placeWorkloads(national, agencies));
    const p = placeWorkloads(national, agencies);
    for (const placement of [copied, p]) {
      expect([...placement.workloads.keys()]).toEqual(expected);
      for (const [key, w] of placement.workloads) {
        expect(`${w.agencyId}/${w.workload}`).toBe(key);
        // Only flexible workloads run away from home, and every one away is in `away`.
        if (w.region !== w.homeRegion) expect(placedIn(placement, w.region, w.agencyId)).toContainEqual(w);
        else expect(w.flexible || w.reason === "home").toBe(true);
      }
    }
    expect(p.workloads).toBe(p.workloads);
    expect([...copied.workloads.values()]).toEqual([...p.workloads.values()]);
  });

  it("keeps confidential and secret data in the home or disaster-recovery region", () => {
    for (const dataClassification of ["confidential", "secret"]) {
      const p = placeWorkloads(national, [agency("a", { dataClassification }, { batch: flexibleWorker })]);
      expect(regionIn(p, "a", "batch")).toBe("north"); // DR region: cleaner than home (south), and central is not allowed
      expect(p.workloads.get("a/batch")?.candidates.map((c) => c.regionId)).toEqual(["north", "south"]);
    }
  });

  it("only considers regions with a node pool of the role the workload needs", () => {
    const ai = { template: "ai-inference", system: "s", image: image("south", "ai"), model: MODEL, placement: "flexible" };
    const p = placeWorkloads(national, [agency("a", { quota: { cpu: 16, memoryGiB: 64, gpus: 2 } }, { ai })]);
    // central has no GPU pool.
    expect(regionIn(p, "a", "ai")).toBe("north");
  });

  it("keeps a flexible workload in an in-cluster dependency at home, on either side of it", () => {
    const caller = { ...flexibleWorker, dependsOn: [{ agency: "a", workload: "api" }] };
    const api = { ...web, placement: "flexible" };
    const p = placeWorkloads(national, [agency("a", {}, { caller, api })]);
    expect(p.workloads.get("a/caller")).toMatchObject({ region: "south", reason: "dependency" });
    expect(p.workloads.get("a/api")).toMatchObject({ region: "south", reason: "dependency" });
  });

  it("reserves room for home quotas and DR reserves first, then falls back to the next cleanest region", () => {
    // Central offers (16 × 32 + 6 × 16) × 1.5 = 912 cores; a home agency there takes them all.
    const big = agency("big", { homeRegion: "central", drRegion: "south", quota: { cpu: 912, memoryGiB: 16 } });
    const p = placeWorkloads(national, [big, agency("a", {}, { batch: flexibleWorker })]);
    expect(p.workloads.get("a/batch")).toMatchObject({ region: "north", reason: "capacity", skipped: ["central"] });
  });

  it("falls back to home when no cleaner region has room", () => {
    const full = (id: string, homeRegion: string, drRegion: string, cpu: number) => agency(id, { homeRegion, drRegion, quota: { cpu, memoryGiB: 16 } });
    const p = placeWorkloads(national, [full("c", "central", "south", 912), full("n", "north", "south", 1488), agency("a", {}, { batch: flexibleWorker })]);
    expect(p.workloads.get("a/batch")).toMatchObject({ region: "south", reason: "capacity", skipped: ["central", "north"] });
  });

  it("places flexible workloads in order of agency id when room runs out", () => {
    // Room in central for exactly one of the two workloads (2 replicas × 0.25 cores = 0.5 cores each).
    const filler = agency("filler", { homeRegion: "central", drRegion: "south", quota: { cpu: 911.5, memoryGiB: 16 } });
    const p = placeWorkloads(national, [agency("zz", {}, { batch: flexibleWorker }), filler, agency("aa", {}, { batch: flexibleWorker })]);
    expect(regionIn(p, "aa", "batch")).toBe("central");
    expect(regionIn(p, "zz", "batch")).toBe("north");
  });

  it("breaks ties between equally clean regions by region id", () => {
    const raw = structuredClone(nationalRaw);
    delete raw.backup;
    for (const id of ["central", "north"]) raw.regions[id].energy = { ...raw.regions[id].energy, pue: 1.3, renewableShare: 0.45 };
    const env: Environment = EnvironmentSchema.parse(raw);
    const p = placeWorkloads(env, [agency("a", {}, { batch: flexibleWorker })]);
    expect(p.workloads.get("a/batch")?.candidates.map((c) => c.regionId)).toEqual(["central", "north", "south"]);
    expect(regionIn(p, "a", "batch")).toBe("central");
  });
});

describe("placement stability (property)", () => {
  const regions = ["central", "north", "south"] as const;
  const id = fc.stringMatching(/^[a-z]{2,8}$/).map((s) => `co-${s}`);
  const other = fc
    .record({
      id,
      home: fc.integer({ min: 0, max: 2 }),
      drOffset: fc.integer({ min: 1, max: 2 }),
      classification: fc.constantFrom("public", "internal", "confidential", "secret"),
      flexible: fc.array(fc.boolean(), { maxLength: 3 }),
      cpu: fc.integer({ min: 1, max: 16 }),
    })
    .map((o) =>
      agency(
        o.id,
        {
          homeRegion: regions[o.home],
          drRegion: regions[(o.home + o.drOffset) % 3],
          dataClassification: o.classification,
          quota: { cpu: o.cpu, memoryGiB: 32 },
        },
        Object.fromEntries(o.flexible.map((f, i) => [`w${i}`, { ...flexibleWorker, placement: f ? "flexible" : "home" }])),
      ),
    );
  const subject = agency("bo-subject", { dataClassification: "internal" }, { batch: flexibleWorker, nightly: { ...flexibleWorker, replicas: 3 }, portal: web });
  const regionsOf = (agencies: readonly Agency[]) => {
    const p = placeWorkloads(national, agencies);
    return Object.keys(subject.workloads).map((w) => regionIn(p, subject.id, w));
  };

  it("never moves a flexible workload when unrelated agencies are added, edited or removed (ample room)", () => {
    const alone = regionsOf([subject]);
    expect(alone).toEqual(["central", "central", "south"]);
    fc.assert(
      fc.property(fc.uniqueArray(other, { selector: (a) => a.id, maxLength: 8 }), fc.uniqueArray(other, { selector: (a) => a.id, maxLength: 8 }), (before, after) => {
        expect(regionsOf([...before, subject])).toEqual(alone);
        expect(regionsOf([subject, ...after])).toEqual(alone);
      }),
      { numRuns: 200 },
    );
  });
});
