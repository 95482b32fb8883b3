import { describe, expect, it } from "vitest";
import { checkRegionCapacity, regionCapacity } from "../../estate/capacity";
import { NATIONAL } from "../support/fixtures";

const national = NATIONAL;

describe("regionCapacity", () => {
  it("counts the tenant-facing pools and leaves the system pool to the platform", () => {
    // north: general 24 × 32, gpu 4 × 32, storage 6 × 16 CPU; system 3 × 8 is not counted.
    expect(regionCapacity(national.regions.north!)).toEqual({ cpu: 24 * 32 + 4 * 32 + 6 * 16, memoryGiB: 24 * 128 + 4 * 256 + 6 * 64, gpus: 16 });
  });
});

describe("checkRegionCapacity", () => {
  const cpu = regionCapacity(national.regions.central!).cpu; // 16 × 32 + 6 × 16 = 608
  const demand = (agencyId: string, role: "home" | "dr", cpuCores: number) => ({ agencyId, role, cpu: cpuCores, memoryGiB: 1, gpus: 0 });

  it("accepts quotas up to capacity × overcommit", () => {
    expect(checkRegionCapacity(national, "central", [demand("a", "home", cpu * 1.5)])).toEqual([]);
  });

  it("fails over capacity, naming the largest consumers first", () => {
    const problems = checkRegionCapacity(national, "central", [
      demand("small", "home", 10),
      demand("big", "home", 900),
      demand("standby", "dr", 100),
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.resource).toBe("cpu");
    expect(problems[0]?.consumers).toEqual(["big 900", "standby 100 (DR reserve)", "small 10"]);
    expect(problems[0]?.message).toContain(`tenant quotas need 1010 CPU cores but region central offers ${cpu} (× overcommit 1.5 = ${cpu * 1.5})`);
  });

  it("names the one agency whose quota alone overflows the region, and what of it fits", () => {
    const [problem] = checkRegionCapacity(national, "central", [demand("small", "home", 10), demand("big", "home", 5000), demand("standby", "dr", 100)]);
    expect(problem?.culprit).toEqual({ agencyId: "big", role: "home", quota: 5000, room: cpu * 1.5 - 110, fits: cpu * 1.5 - 110 });
    // Two agencies either of which would make room: no single culprit, the platform's to fix.
    const [shared] = checkRegionCapacity(national, "central", [demand("a", "home", 600), demand("b", "home", 600)]);
    expect(shared?.culprit).toBeUndefined();
    expect(shared?.message).toMatch(/Add nodes, raise the overcommit, or move agencies to another home region$/);
  });

  it("does not overcommit GPUs", () => {
    const problems = checkRegionCapacity(national, "central", [{ agencyId: "ai", role: "home", cpu: 1, memoryGiB: 1, gpus: 1 }]);
    expect(problems.map((p) => p.resource)).toEqual(["gpus"]);
    expect(problems[0]?.message).toContain("GPUs are not overcommitted");
    expect(problems[0]?.message).toMatch(/Add GPU nodes, or move agencies to another home region$/);
    expect(problems[0]?.message).not.toMatch(/raise the overcommit/);
  });

  it("counts a disaster-recovery tenant with the reserve share", () => {
    const half = { ...national, tenancy: { ...national.tenancy, drReserveShare: 0.5 } };
    expect(checkRegionCapacity(half, "central", [demand("standby", "dr", cpu * 3)])).toEqual([]);
  });
});
