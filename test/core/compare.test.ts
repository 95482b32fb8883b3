import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compare, sortedEntries } from "../../core/compare";

describe("compare", () => {
  it("orders any strings as Array.prototype.sort does without a comparator (UTF-16 code units)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" })), (strings) => {
        expect([...strings].sort(compare)).toEqual([...strings].sort());
      }),
    );
  });
});

describe("sortedEntries", () => {
  it("lists every entry once, by key, whatever the insertion order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
        const entries = sortedEntries(record);
        expect(entries.map(([k]) => k)).toEqual(Object.keys(record).sort());
        for (const [k, v] of entries) expect(record[k]).toBe(v);
      }),
    );
  });
});
