/**
 * Our serializer writes exactly what cdktf's (json-stable-stringify, two spaces) writes: the
 * synthesized files of `govcloud synth` and `npx cdktf synth` must stay byte-identical.
 */
import * as fc from "fast-check";
import stringify from "json-stable-stringify";
import { describe, expect, it } from "vitest";
import { DeferredLiteralRecord, stableJson, stableJsonChunks, StableJsonText, TerraformLiteral, terraformLiteral } from "../../core/stable-json";

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

  it("writes objects of many keys in any order, and the same keys at many depths, as json-stable-stringify does, literal or not", () => {
    // Keys past the writer's insertion sort (32), in any order; keys that repeat at one depth and
    // across depths (the writer keeps each member's prefix by depth and key), with and without
    // template sequences; empty objects and arrays at depth.
    const text = fc.constantFrom("", "a", "b", "govcloud", "${each.value}", "%{x}", "{", "x".repeat(48), "Đà Nẵng", '"\\');
    const key = fc.oneof(text, fc.string({ maxLength: 3 }));
    const leaf = fc.oneof(text, fc.integer(), fc.constant({}), fc.constant([]));
    const inner = fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 24, size: "max" }));
    const doc = fc.dictionary(key, inner, { maxKeys: 48, size: "max" });
    fc.assert(
      fc.property(doc, (value) => {
        expect(stableJson(value)).toBe(reference(value));
        expect(stableJson(new TerraformLiteral(value))).toBe(reference(terraformLiteral(value)));
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

  it("writes a TerraformLiteral as json-stable-stringify writes its escaped copy, at any depth", () => {
    const text = fc.oneof(fc.string(), fc.constantFrom("${var.x}", "%{ if a }", "$${kept}", "{}", "a${b}c%{d}", "${", "%{"));
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, text, fc.integer(), fc.boolean(), fc.constant(null), tie("array"), tie("object")),
      array: fc.array(tie("node"), { maxLength: 4 }),
      object: fc.dictionary(text, tie("node"), { maxKeys: 5 }),
    })).node;
    fc.assert(
      fc.property(doc, doc, (plain, literal) => {
        const value = { plain, literal: new TerraformLiteral(literal), list: [new TerraformLiteral(literal)] };
        const expected = reference({ plain, literal: terraformLiteral(literal), list: [terraformLiteral(literal)] });
        expect(stableJson(value)).toBe(expected);
        expect(stableJson({ at: StableJsonText.of(new TerraformLiteral(literal), 1) })).toBe(reference({ at: terraformLiteral(literal) }));
        // Other serializers see the escaped copy.
        expect(JSON.parse(JSON.stringify(value))).toEqual(JSON.parse(expected));
      }),
      { numRuns: 300 },
    );
    expect(stableJson({ a: new TerraformLiteral({ "${k}": ["${v}", "%{x}"] }) })).toBe('{\n  "a": {\n    "$${k}": [\n      "$${v}",\n      "%%{x}"\n    ]\n  }\n}');
    // A key named __proto__ is a key like any other, in the escaped copy too (fast-check finds it
    // now and then: an assignment made it the copy's prototype, and the key vanished).
    const proto = JSON.parse('{"__proto__": {"a": "${x}"}, "b": 2}') as unknown;
    expect(Object.keys(terraformLiteral(proto) as object)).toEqual(["__proto__", "b"]);
    expect(stableJson({ l: new TerraformLiteral(proto) })).toBe(reference({ l: terraformLiteral(proto) }));
  });

  it("writes a DeferredLiteralRecord as the literal of its record, in key order, each member made as it is written", () => {
    const key = fc.oneof(fc.string(), fc.constantFrom("${k}", "$${k}", "%{x}", "a", "b{", "__proto__"));
    const member = fc.oneof(fc.jsonValue(), fc.constantFrom("${var.x}", "%{ if a }", { inner: "${y}" }, undefined));
    const record = fc.dictionary(key, member, { maxKeys: 6 });
    fc.assert(
      fc.property(record, fc.boolean(), (r, reversed) => {
        // Keys in any order: the record writes them in the order of their escaped form.
        const keys = Object.keys(r).sort();
        if (reversed) keys.reverse();
        let made = 0;
        const deferred = new DeferredLiteralRecord(keys, (i) => {
          made++;
          return r[keys[i] as string];
        });
        expect(made).toBe(0);
        const literal = new TerraformLiteral(r);
        expect(stableJson({ a: deferred, list: [deferred] })).toBe(stableJson({ a: literal, list: [literal] }));
        // Each member once per write, and only then.
        expect(made).toBe(2 * keys.length);
        // Other serializers see the escaped copy (both sides through JSON: -0 is written 0).
        expect(JSON.parse(JSON.stringify({ a: deferred }))).toEqual(JSON.parse(JSON.stringify({ a: terraformLiteral(r) })));
      }),
      { numRuns: 300, examples: [[{ "${k}": { "": -0 }, "$${k}": 1, "%{x}": undefined }, true]] },
    );
  });

  it("refuses text written for another depth", () => {
    expect(() => stableJson({ a: StableJsonText.of({ b: 1 }, 2) })).toThrow(/depth 2 placed at depth 1/);
  });
});

describe("stableJsonChunks", () => {
  const chunksOf = (value: unknown) => {
    const chunks: string[] = [];
    return { wrote: stableJsonChunks(value, (text) => chunks.push(text)), chunks };
  };

  it("hands on the text of stableJson in order, in pieces, for any JSON value and any size", () => {
    // Values of every size: small ones, and lists of them long enough to take several 64 KiB pieces.
    const value = fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { minLength: 200, maxLength: 600 }), fc.dictionary(fc.string(), fc.string({ minLength: 500, maxLength: 2000 }), { minKeys: 40, maxKeys: 100 }));
    fc.assert(
      fc.property(value, (v) => {
        const { wrote, chunks } = chunksOf(v);
        expect(wrote).toBe(true);
        expect(chunks.join("")).toBe(stableJson(v));
        expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("writes a document of megabytes in pieces, none of them the whole text", () => {
    const doc = { resource: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`r${i}`, { for_each: { a: { name: `n${i}`, labels: { x: "${each.key}" } } }, literal: new TerraformLiteral({ v: "${x}" }) }])) };
    const { chunks } = chunksOf(doc);
    const text = stableJson(doc);
    expect(text.length).toBeGreaterThan(1 << 19);
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.join("")).toBe(text);
  });

  it("writes nothing for what JSON writes nothing for", () => {
    expect(chunksOf(undefined)).toEqual({ wrote: false, chunks: [] });
  });
});
