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
