/**
 * `govcloud report energy` on national: per-agency and total kWh and CO2e that add up, in both
 * formats, to standard output or a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EnergyEstimate } from "../../estate/energy";
import { tempDir } from "../support/synth";
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
      const sum = estimate.agencies.reduce((n, a) => n + a[key], 0);
      expect(estimate.total[key]).toBeGreaterThan(0);
      expect(Math.abs(sum - estimate.total[key])).toBeLessThan(1e-5 * estimate.agencies.length);
      expect(Math.abs(estimate.regions.reduce((n, r) => n + r[key], 0) - estimate.total[key])).toBeLessThan(1e-5 * estimate.regions.length);
    }
    // Market-based is never more than location-based; the upper bound never less than the estimate.
    expect(estimate.total.marketTCO2e).toBeLessThanOrEqual(estimate.total.locationTCO2e);
    expect(estimate.total.upperBoundFacilityKWh).toBeGreaterThanOrEqual(estimate.total.facilityKWh);
    expect(estimate.placements.map((p) => `${p.agencyId}/${p.workload} ${p.region}`)).toEqual(["xa-ba-na/bao-cao central"]);
  });

  it("prints a Markdown report with the totals, regions, agencies and placements", () => {
    const result = cli("report", "energy");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    for (const heading of ["# Energy and carbon estimate: national", "## Total", "## Regions", "## Agencies", "## Workloads", "## Carbon-aware placement"]) {
      expect(lines).toContain(heading);
    }
    expect(result.stdout).toMatch(/^\| xa-ba-na\/bao-cao \| central \| central \| lowest-carbon \|/m);
  });

  it("rejects an unknown format with exit code 2", () => {
    expect(cli("report", "energy", "--format", "csv").code).toBe(2);
  });
});
