/**
 * Our serializer writes exactly what cdktf's (json-stable-stringify, two spaces) writes: the
 * synthesized files of `govcloud synth` and `npx cdktf synth` must stay byte-identical.
 */
import * as fc from "fast-check";
import stringify from "json-stable-stringify";
import { describe, expect, it } from "vitest";
import { stableJson, StableJsonText } from "../../constructs/stable-json";

const reference = (value: unknown) => stringify(value, { space: 2 }) as string;

describe("stableJson", () => {
  it("writes what json-stable-stringify writes, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stableJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it("writes what json-stable-stringify writes for keys that sort differently as numbers, and for odd strings", () => {
    const keys = fc.oneof(fc.constantFrom("0", "1", "10", "2", "-1", "01", "1e3", "__proto__", "", "Đ", "a", "B", "\u2028"), fc.string());
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, fc.string(), fc.double(), fc.boolean(), fc.constant(null), tie("array"), tie("object")),
      array: fc.array(tie("node"), { maxLength: 4 }),
      object: fc.dictionary(keys, tie("node"), { maxKeys: 5 }),
    })).object;
    fc.assert(
      fc.property(doc, (value) => {
        expect(stableJson(value)).toBe(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it("treats undefined, functions and toJSON as json-stable-stringify does", () => {
    const value = {
      empty: {},
      none: [],
      gone: undefined,
      fn: () => 1,
      list: [undefined, () => 1, 1, {}, []],
      date: new Date(Date.UTC(2026, 10, 27)),
      custom: { toJSON: () => ({ b: 1, a: [2] }) },
      nested: { "": { "0": 0 } },
    };
    expect(stableJson(value)).toBe(reference(value));
  });

  it("places text written beforehand as if it wrote the value there", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.jsonValue())), (value) => {
        const written = Object.fromEntries(Object.entries(value).map(([k, entry]) => [k, StableJsonText.of(entry, 2)]));
        expect(stableJson({ outer: written })).toBe(reference({ outer: value }));
      }),
      { numRuns: 200 },
    );
  });

  it("refuses text written for another depth", () => {
    expect(() => stableJson({ a: StableJsonText.of({ b: 1 }, 2) })).toThrow(/depth 2 placed at depth 1/);
  });
});
