/**
 * Content digests (engine/digest.ts): every field counts, equal data gives equal digests however
 * it was built or copied, and an object's remembered digest is the one it would get afresh.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalText, digest, digestOf } from "../../engine/digest";

/** JSON objects (what estate data is, besides Maps). */
const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

/** Estate-like data: JSON with Maps (keyed by strings or numbers) anywhere, empty ones included. */
const { value: withMaps } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie("value"), { maxKeys: 3 }),
    fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
}));

/** The canonical text as the replacer alone writes it (engine/digest.ts before its fast path). */
function replacerText(value: unknown): string {
  const sorted = (_key: string, v: unknown) => (v instanceof Map ? [...v].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)) : v);
  return JSON.stringify(value, sorted) ?? "undefined";
}

describe("canonicalText", () => {
  it("is the text the Map-sorting replacer writes, with or without Maps, empty objects and '{}' in strings", () => {
    fc.assert(
      fc.property(withMaps, fc.constantFrom("", "{}", "a{}b"), (value, text) => {
        expect(canonicalText(value)).toBe(replacerText(value));
        expect(canonicalText([value, text])).toBe(replacerText([value, text]));
      }),
      { numRuns: 500 },
    );
  });
});

describe("digest", () => {
  it("differs for objects whose canonical text differs, alone and among other parts", () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, fc.string({ maxLength: 8 }), (a, b, s) => {
        fc.pre(canonicalText(a) !== canonicalText(b));
        expect(digest(a)).not.toBe(digest(b));
        expect(digest(a, s)).not.toBe(digest(b, s));
        expect(digest(s, a)).not.toBe(digest(s, b));
      }),
    );
  });

  it("is the same for a copy, and the same whether remembered or not", () => {
    fc.assert(
      fc.property(jsonObject, fc.string({ maxLength: 8 }), (a, s) => {
        const fresh = digestOf(a);
        expect(digest(a)).toBe(fresh);
        expect(digest(a)).toBe(fresh); // remembered now
        expect(digestOf(a)).toBe(fresh);
        expect(digest(structuredClone(a))).toBe(fresh);
        expect(digest(s, structuredClone(a))).toBe(digest(s, a));
      }),
    );
  });

  it("changes when any field of a nested object changes", () => {
    fc.assert(
      fc.property(jsonObject, fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (a, key, value) => {
        const changed = { ...a, nested: { ...a, [key]: value } };
        const same = { ...a, nested: { ...a } };
        fc.pre(canonicalText(changed) !== canonicalText(same));
        expect(digest("x", changed)).not.toBe(digest("x", same));
      }),
    );
  });

  it("does not depend on the order a Map was filled in", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), fc.integer()), { selector: ([k]) => k, maxLength: 8 }), (entries) => {
        const forward = { m: new Map(entries) };
        const backward = { m: new Map([...entries].reverse()) };
        expect(digest(forward)).toBe(digest(backward));
        expect(digest("x", forward)).toBe(digest("x", backward));
      }),
    );
  });

  it("keeps strings as they are and parts in order", () => {
    expect(digest("a", "b")).not.toBe(digest("b", "a"));
    expect(digest("ab", "")).not.toBe(digest("a", "b"));
    expect(digest("a")).toMatch(/^[0-9a-f]{64}$/);
  });
});
