/**
 * Onboarding defaults (estate/onboarding.ts): level from code and parent, home region from the
 * parent or the province, DR the nearest other region, and quotas that fit the room left.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WorkloadSchema } from "../../environments/agency-schema";
import { provinces } from "../../environments/provinces";
import { workloadFootprint } from "../../estate/agency-checks";
import { defaultDrRegion, defaultHomeRegion, defaultLevel, QUOTA_HEADROOM, sizeQuota } from "../../estate/onboarding";
import { DEV, NATIONAL, WORKLOAD_SAMPLES } from "../support/fixtures";

describe("defaultLevel", () => {
  it("follows the code, then the parent, else central", () => {
    expect(defaultLevel("46", undefined)).toBe("provincial");
    expect(defaultLevel("00004", { level: "provincial" })).toBe("commune");
    expect(defaultLevel(undefined, { level: "provincial" })).toBe("provincial");
    expect(defaultLevel(undefined, { level: "central" })).toBe("central");
    expect(defaultLevel(undefined, undefined)).toBe("central");
  });
});

describe("defaultHomeRegion and defaultDrRegion", () => {
  it("take the parent's home region before the province's", () => {
    const parent = { id: "thanh-pho-ha-noi", homeRegion: "north" };
    expect(defaultHomeRegion(NATIONAL, { code: "79", parent, needsGpus: false })?.region).toBe("north");
  });

  it("place every province in national by the table, and in dev (north and south only) in the nearest region", () => {
    for (const [code, p] of provinces()) {
      expect(defaultHomeRegion(NATIONAL, { code, needsGpus: false })?.region).toBe(p.region);
      const dev = defaultHomeRegion(DEV, { code, needsGpus: false })?.region;
      expect(dev).toBe(p.region === "central" ? (p.latitude > 16 ? "north" : "south") : p.region);
    }
  });

  it("put central agencies where the capital is, and GPU workloads in the nearest region with GPUs", () => {
    expect(defaultHomeRegion(NATIONAL, { needsGpus: false })).toEqual({ region: "north", reason: "the region serving Thành phố Hà Nội (province 01), where the central government sits" });
    expect(defaultHomeRegion(NATIONAL, { code: "48", needsGpus: true })?.region).toBe("north");
    expect(defaultDrRegion(NATIONAL, "north", true)?.region).toBe("south");
    expect(defaultDrRegion(NATIONAL, "south", false)?.region).toBe("central");
  });
});

describe("sizeQuota", () => {
  const workloads = Object.values(WORKLOAD_SAMPLES).map((w) => WorkloadSchema.parse(w));
  const need = (ws: typeof workloads) => ws.reduce((n, w) => ({ cpu: n.cpu + workloadFootprint(w).cpu, memoryGiB: n.memoryGiB + workloadFootprint(w).memoryGiB }), { cpu: 0, memoryGiB: 0 });

  it("never goes below the workloads' needs, and fits the room whenever the needs do", () => {
    fc.assert(
      fc.property(fc.subarray(workloads, { minLength: 1 }), fc.double({ min: 0, max: 2000, noNaN: true }), fc.double({ min: 0, max: 8000, noNaN: true }), (ws, cpu, memoryGiB) => {
        const quota = sizeQuota(ws, { cpu, memoryGiB, gpus: 64 });
        const n = need(ws);
        expect(quota.cpu).toBeGreaterThanOrEqual(n.cpu - 1e-9);
        expect(quota.memoryGiB).toBeGreaterThanOrEqual(n.memoryGiB - 1e-9);
        if (n.cpu <= cpu) expect(quota.cpu).toBeLessThanOrEqual(cpu + 1e-9);
        if (n.memoryGiB <= memoryGiB) expect(quota.memoryGiB).toBeLessThanOrEqual(memoryGiB + 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the full rounded headroom when the room is ample", () => {
    const ws = [WorkloadSchema.parse(WORKLOAD_SAMPLES["web-service"])];
    const n = need(ws);
    expect(sizeQuota(ws, { cpu: 1e6, memoryGiB: 1e6, gpus: 0 })).toEqual(sizeQuota(ws));
    expect(sizeQuota(ws).cpu).toBeGreaterThanOrEqual(n.cpu * QUOTA_HEADROOM);
  });
});
