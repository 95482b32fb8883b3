import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignShards, type ShardDemand, tenantStackName } from "../../estate/tenant-shards";

const limits = { maxResourcesPerStack: 100, stackFillFactor: 0.8 };

function demand(agencyId: string, byRegion: Record<string, number>): ShardDemand {
  return { agencyId, instancesByRegion: new Map(Object.entries(byRegion)) };
}

describe("assignShards", () => {
  it("fills a stack to the fill factor, then opens the next", () => {
    const demands = ["a", "b", "c", "d", "e"].map((id) => demand(id, { north: 30 }));
    const { assignment, load } = assignShards(demands, { agencies: {} }, limits);
    // 80 fits two agencies of 30 (60), a third would make 90 > 80.
    expect(Object.fromEntries(assignment)).toEqual({ a: 0, b: 0, c: 1, d: 1, e: 2 });
    expect(Object.fromEntries(load.get("north") ?? new Map())).toEqual({ 0: 60, 1: 60, 2: 30 });
  });

  it("needs room in every region the agency has a tenant in", () => {
    const demands = [demand("a", { north: 70 }), demand("b", { south: 70 }), demand("c", { north: 5, south: 20 })];
    const { assignment } = assignShards(demands, { agencies: {} }, limits);
    expect(Object.fromEntries(assignment)).toEqual({ a: 0, b: 0, c: 1 });
  });

  it("keeps locked agencies where they are, even when they now exceed the fill factor", () => {
    const { assignment, problems } = assignShards([demand("a", { north: 95 })], { agencies: { a: 3 } }, limits);
    expect(assignment.get("a")).toBe(3);
    expect(problems).toEqual([]);
  });

  it("reports a stack that grew over the limit, naming its largest agencies", () => {
    const { problems } = assignShards([demand("a", { north: 60 }), demand("b", { north: 50 })], { agencies: { a: 0, b: 0 } }, limits);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.agencyId).toBe("a");
    expect(problems[0]?.message).toContain("tenants-north-000 would hold 110 resources, over tenancy.maxResourcesPerStack = 100; largest: a (60), b (50)");
  });

  it("rejects an agency that alone exceeds a stack", () => {
    const { problems } = assignShards([demand("huge", { north: 101 })], { agencies: {} }, limits);
    expect(problems.map((p) => p.agencyId)).toEqual(["huge"]);
  });

  it("drops removed agencies from the lock", () => {
    const { lock } = assignShards([demand("a", { north: 1 })], { agencies: { a: 0, gone: 1 } }, limits);
    expect(lock).toEqual({ agencies: { a: 0 } });
  });

  it("names stacks tenants-<region>-<nnn>", () => {
    expect(tenantStackName("north", 7)).toBe("tenants-north-007");
  });

  const estate = fc.uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
      north: fc.integer({ min: 0, max: 40 }),
      south: fc.integer({ min: 0, max: 40 }),
    }),
    { selector: (a) => a.id, minLength: 1, maxLength: 40 },
  );
  const toDemands = (agencies: Array<{ id: string; north: number; south: number }>) =>
    agencies.map((a) => demand(a.id, Object.fromEntries(Object.entries({ north: a.north, south: a.south }).filter(([, n]) => n > 0))));

  it("never moves an existing agency when one is added, removed or edited (property)", () => {
    fc.assert(
      fc.property(estate, fc.nat(), fc.integer({ min: 0, max: 40 }), (agencies, pick, newSize) => {
        const before = assignShards(toDemands(agencies), { agencies: {} }, limits);
        const target = agencies[pick % agencies.length]!;
        const variants = [
          [...agencies, { id: `${target.id}-new`, north: newSize, south: newSize }], // added
          agencies.filter((a) => a.id !== target.id), // removed
          agencies.map((a) => (a.id === target.id ? { ...a, north: newSize } : a)), // edited
        ];
        for (const variant of variants) {
          const after = assignShards(toDemands(variant), before.lock, limits);
          for (const a of variant) {
            if (a.id === target.id || !before.assignment.has(a.id)) continue;
            expect(after.assignment.get(a.id)).toBe(before.assignment.get(a.id));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never fills a stack past the limit with new agencies (property)", () => {
    fc.assert(
      fc.property(estate, (agencies) => {
        const { load, problems } = assignShards(toDemands(agencies), { agencies: {} }, limits);
        expect(problems).toEqual([]);
        for (const byShard of load.values()) for (const n of byShard.values()) expect(n).toBeLessThanOrEqual(80);
      }),
      { numRuns: 200 },
    );
  });
});
