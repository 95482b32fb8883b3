import { describe, expect, it } from "vitest";
import { greenTargetProblems, todayInVietnam } from "../../estate/green-targets";
import { NATIONAL } from "../support/fixtures";

const national = NATIONAL;

/** national's regions and green settings, with changes. */
function input(changes: { pue?: number; renewableShare?: number; exemptions?: { region: string; expires: string; approvedBy: string }[] } = {}) {
  const regions = structuredClone(national.regions);
  if (changes.pue !== undefined) regions.south!.energy.pue = changes.pue;
  if (changes.renewableShare !== undefined) regions.south!.energy.renewableShare = changes.renewableShare;
  return { regions, green: { ...national.green, exemptions: changes.exemptions ?? [] } };
}

const TODAY = "2026-06-15";

describe("greenTargetProblems", () => {
  it("passes national: south's PUE of 1.40 is at the limit, which is allowed", () => {
    expect(national.green.targets).toEqual({ maxPue: 1.4, minRenewableShare: 0.2 });
    expect(national.regions.south!.energy.pue).toBe(1.4);
    expect(greenTargetProblems(input(), TODAY)).toEqual([]);
  });

  it("fails a region over the PUE limit, at its energy.pue", () => {
    expect(greenTargetProblems(input({ pue: 1.55 }), TODAY)).toEqual([
      {
        path: ["regions", "south", "energy", "pue"],
        message:
          "is 1.55, over the green target of at most 1.4 (green.targets.maxPue); improve the site, or add a dated exemption for region 'south' under green.exemptions (reason, approvedBy, expires)",
      },
    ]);
  });

  it("fails a region under the renewable minimum, at its energy.renewableShare", () => {
    const problems = greenTargetProblems(input({ renewableShare: 0.1 }), TODAY);
    expect(problems.map((p) => p.path)).toEqual([["regions", "south", "energy", "renewableShare"]]);
    expect(problems[0]?.message).toMatch(/^is 0\.1, under the green target of at least 0\.2 \(green\.targets\.minRenewableShare\)/);
  });

  it("accepts a region with an exemption that has not expired, up to and including its last day", () => {
    const exemptions = [{ region: "south", expires: TODAY, approvedBy: "Bộ KH&CN" }];
    expect(greenTargetProblems(input({ pue: 1.55, renewableShare: 0.1, exemptions }), TODAY)).toEqual([]);
  });

  it("fails again once the exemption has expired, and says so", () => {
    const exemptions = [{ region: "south", expires: "2026-06-14", approvedBy: "Bộ KH&CN" }];
    const problems = greenTargetProblems(input({ pue: 1.55, exemptions }), TODAY);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain("its exemption under green.exemptions expired on 2026-06-14");
  });

  it("rejects an exemption for a region the environment does not have", () => {
    const exemptions = [{ region: "west", expires: "2030-01-01", approvedBy: "Bộ KH&CN" }];
    expect(greenTargetProblems(input({ exemptions }), TODAY)).toEqual([
      { path: ["green", "exemptions", 0, "region"], message: "names no region of this environment; regions: central, north, south" },
    ]);
  });
});

describe("todayInVietnam", () => {
  it("is the date at UTC+7", () => {
    expect(todayInVietnam(new Date("2026-06-14T16:59:59Z"))).toBe("2026-06-14");
    expect(todayInVietnam(new Date("2026-06-14T17:00:00Z"))).toBe("2026-06-15");
  });
});

describe("greenTargetProblems: WUE, ERF and CUE targets (ISO/IEC 30134)", () => {
  /** national with the given targets and, for south, the given KPIs. */
  function withKpis(targets: { maxWue?: number; minErf?: number; maxCue?: number }, south: { wue?: number; erf?: number } = {}, exemptions: { region: string; expires: string; approvedBy: string }[] = []) {
    const regions = structuredClone(national.regions);
    for (const id of Object.keys(regions)) Object.assign(regions[id]!.energy, { wue: 1.2, erf: 0.2 });
    Object.assign(regions.south!.energy, south);
    return { regions, green: { ...national.green, targets: { ...national.green.targets, ...targets }, exemptions } };
  }

  it("passes when every region meets the targets it is given", () => {
    expect(greenTargetProblems(withKpis({ maxWue: 1.8, minErf: 0.1, maxCue: 1 }), TODAY)).toEqual([]);
  });

  it("fails a region over the WUE limit or under the ERF minimum, at its own field", () => {
    const problems = greenTargetProblems(withKpis({ maxWue: 1.8, minErf: 0.1 }, { wue: 2.5, erf: 0.05 }), TODAY);
    expect(problems.map((p) => p.path)).toEqual([
      ["regions", "south", "energy", "wue"],
      ["regions", "south", "energy", "erf"],
    ]);
    expect(problems[0]!.message).toMatch(/^is 2\.5, over the green target of at most 1\.8 \(green\.targets\.maxWue\)/);
  });

  it("asks every region for the KPI a target needs", () => {
    const input = withKpis({ maxWue: 1.8 });
    delete (input.regions.north!.energy as { wue?: number }).wue;
    expect(greenTargetProblems(input, TODAY)).toEqual([
      { path: ["regions", "north", "energy"], message: "has no wue, but green.targets.maxWue is 1.8: declare the site's water usage effectiveness (L/kWh)" },
    ]);
  });

  it("derives CUE from PUE and the grid, and fails it at the grid intensity", () => {
    // south: 1.40 × 659.2 g/kWh = 0.923 kgCO2e per IT kWh; north 0.890; central 0.857.
    const problems = greenTargetProblems(withKpis({ maxCue: 0.9 }), TODAY);
    expect(problems).toEqual([
      {
        path: ["regions", "south", "energy", "gridIntensityGCO2ePerKWh"],
        message:
          "gives a CUE of 0.923 kgCO2e per IT kWh (PUE 1.4 × 659.2 g/kWh), over the green target of at most 0.9 (green.targets.maxCue); improve the site, or add a dated exemption for region 'south' under green.exemptions (reason, approvedBy, expires)",
      },
    ]);
    expect(greenTargetProblems(withKpis({ maxCue: 0.9 }, {}, [{ region: "south", expires: "2027-06-30", approvedBy: "Bộ KH&CN" }]), TODAY)).toEqual([]);
  });
});
