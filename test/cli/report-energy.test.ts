/**
 * `govcloud report energy` on national: per-agency and total kWh and CO2e that add up, in both
 * formats, to standard output or a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EnergyEstimate } from "../../estate/energy";
import YAML from "yaml";
import { REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const dir = tempDir();


describe("govcloud report energy", () => {
  it("gives every agency of national and the total, in kWh and tCO2e, adding up", () => {
    const file = path.join(dir, "energy.json");
    const result = cli("report", "energy", "--env", "national", "--format", "json", "--output", file);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const estimate = JSON.parse(fs.readFileSync(file, "utf8")) as EnergyEstimate;
    const agencies = fs.readdirSync(path.join(__dirname, "..", "..", "environments", "national", "agencies")).map((f) => f.replace(/\.yaml$/, ""));
    expect(estimate.agencies.map((a) => a.agencyId)).toEqual(agencies.sort());
    for (const key of ["itKWh", "facilityKWh", "locationTCO2e", "marketTCO2e", "embodiedTCO2e"] as const) {
      // The agencies' shares add up to the allocated part; the regions to the total; in every
      // region (and in total) allocated + platform + idle is the site.
      const sum = estimate.agencies.reduce((n, a) => n + a[key], 0);
      expect(estimate.total.allocated[key]).toBeGreaterThan(0);
      expect(Math.abs(sum - estimate.total.allocated[key])).toBeLessThan(1e-5 * estimate.agencies.length);
      expect(Math.abs(estimate.regions.reduce((n, r) => n + r[key], 0) - estimate.total[key])).toBeLessThan(1e-5 * estimate.regions.length);
      for (const site of [...estimate.regions, estimate.total]) {
        expect(Math.abs(site.allocated[key] + site.platform[key] + site.idle[key] - site[key])).toBeLessThan(1e-5 * 3);
        expect(site.allocated[key]).toBeLessThanOrEqual(site[key]);
      }
    }
    // Market-based is never more than location-based; the upper bound never less than the estimate.
    expect(estimate.total.marketTCO2e).toBeLessThanOrEqual(estimate.total.locationTCO2e);
    expect(estimate.total.upperBoundFacilityKWh).toBeGreaterThanOrEqual(estimate.total.facilityKWh);
    expect(estimate.placements.map((p) => `${p.agencyId}/${p.workload} ${p.region}`)).toEqual(["xa-ba-na/bao-cao central"]);
  });

  it("gives every region a site total at least its idle floor, computed here from the declared inventory", () => {
    const estimate = JSON.parse(cli("report", "energy", "--format", "json").stdout) as EnergyEstimate;
    const national = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8"));
    // Cloud Carbon Footprint's minimum coefficients: 0.74 W per vCPU, 0.392 W per GB of memory
    // (1 GiB = 1.073741824 GB), 35 W per idle GPU; every machine all year, × PUE. Disks and
    // the network are left out: a floor.
    const floorOf = (m: { cpu: number; memoryGiB: number; gpus?: number }) => m.cpu * 0.74 + m.memoryGiB * 1.073741824 * 0.392 + (m.gpus ?? 0) * 35;
    expect(estimate.regions.map((r) => r.regionId)).toEqual(Object.keys(national.regions).sort());
    for (const region of estimate.regions) {
      const declared = national.regions[region.regionId];
      let watts = 0;
      for (const pool of Object.values<{ count: number; cpu: number; memoryGiB: number; gpus?: number }>(declared.cluster.nodePools)) watts += pool.count * floorOf(pool);
      const cp = declared.cluster.controlPlane;
      expect(cp.cpu, "national declares its control planes' size").toBeGreaterThan(0);
      watts += cp.replicas * floorOf(cp);
      const floor = (watts * 8760 * declared.energy.pue) / 1000;
      expect(floor).toBeGreaterThan(10_000); // tens of MWh: the idle hardware alone
      expect(region.facilityKWh, region.regionId).toBeGreaterThanOrEqual(floor);
      expect(region.idleFloorFacilityKWh).toBeGreaterThanOrEqual(floor);
    }
  });

  it("prints a Markdown report with the totals and their split, regions, site KPIs, agencies and placements", () => {
    const result = cli("report", "energy");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    for (const heading of [
      "# Energy and carbon estimate: national",
      "## Total",
      "## Regions",
      "## Site KPIs (ISO/IEC 30134)",
      "## Machines",
      "## Agencies",
      "## Workloads",
      "## Carbon-aware placement",
    ]) {
      expect(lines).toContain(heading);
    }
    expect(result.stdout).toMatch(/The site total includes every declared machine, all year/);
    for (const part of ["site", "allocated \\(agencies\\)", "platform", "idle"]) expect(result.stdout).toMatch(new RegExp(`^\\| all sites: ${part} \\|`, "m"));
    for (const region of ["central", "north", "south"]) {
      expect(result.stdout).toMatch(new RegExp(`^\\| ${region}: idle \\|`, "m"));
      expect(result.stdout).toMatch(new RegExp(`^\\| ${region} \\| 1\\.\\d\\d \\| 0\\.\\d\\d \\| not declared \\| not declared \\| - \\| 0\\.\\d{3} \\| 0\\.\\d{3} \\| PUE <= 1\\.4: meets; REF >= 0\\.2: meets \\|$`, "m"));
    }
    expect(result.stdout).toMatch(/^\| xa-ba-na\/bao-cao \| central \| central \| lowest-carbon \|/m);
  });

  it("rejects an unknown format with exit code 2", () => {
    expect(cli("report", "energy", "--format", "csv").code).toBe(2);
  });
});
