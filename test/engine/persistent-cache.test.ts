/**
 * The persistent cache's entries (engine/persistent-cache.ts): both encodings give back what was
 * stored, and a value is stored as JSON only when JSON gives it back exactly (`isPlainJson`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiJson, isPlainJson, readCacheEntry, writeCacheEntry } from "../../engine/persistent-cache";
import { tempDir } from "../support/synth";

const dir = tempDir("govcloud-persistent-cache-");

describe("asciiJson", () => {
  it("is the JSON text with every character outside ASCII escaped, which parses to the same value", () => {
    // The escaping it replaced: one \uXXXX per UTF-16 code unit above 0x7f, lower-case hex.
    const escaped = (value: unknown) => Buffer.from(JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`), "latin1");
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("a", "\"", "\\", "\n", "à", "ộ", "Ư", "€", "\u{1F600}", "\ud800", "\udfff", "\u0080", "\uffff"), fc.string({ unit: "binary", maxLength: 1 })) });
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary" }), text, (value, extra) => {
        for (const v of [value, extra, { [extra]: [value, extra] }]) {
          const bytes = asciiJson(v);
          expect(bytes.every((b) => b < 0x80)).toBe(true);
          expect(bytes.equals(escaped(v))).toBe(true);
          expect(JSON.parse(bytes.toString("latin1"))).toStrictEqual(JSON.parse(JSON.stringify(v)));
        }
      }),
    );
  });
});

describe("isPlainJson", () => {
  it("holds only for values that JSON gives back exactly", () => {
    fc.assert(
      fc.property(fc.anything({ withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withBigInt: true, withTypedArray: true, withBoxedValues: true }), (value) => {
        if (isPlainJson(value)) expect(JSON.parse(JSON.stringify(value))).toStrictEqual(value);
      }),
    );
  });

  it("holds for JSON values but those with -0 or a __proto__ key (left out to be safe)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isPlainJson(value)).toBe(!hasNegativeZeroOrProto(value));
      }),
    );
  });

  it("does not hold for what JSON changes", () => {
    class Point {
      x = 1;
    }
    const withGetter = Object.defineProperty({}, "x", { get: () => 1, enumerable: true });
    const withHidden = Object.defineProperty({}, "x", { value: 1, enumerable: false });
    const notPlain: unknown[] = [
      undefined,
      { a: undefined },
      [undefined],
      new Date(0),
      new Map(),
      new Set(),
      -0,
      { a: -0 },
      NaN,
      Infinity,
      1n,
      () => 1,
      Symbol("s"),
      new Point(),
      Object.create(null),
      // eslint-disable-next-line no-sparse-arrays -- a sparse array is what is tested
      [1, , 3],
      withGetter,
      withHidden,
      { [Symbol("k")]: 1 },
      JSON.parse('{"__proto__": 1}'),
      new Uint8Array(1),
      Object.assign([1], { extra: 2 }),
    ];
    for (const value of notPlain) expect(isPlainJson(value), `${notPlain.indexOf(value)}`).toBe(false);
  });
});

function hasNegativeZeroOrProto(value: unknown): boolean {
  if (Object.is(value, -0)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.hasOwn(value, "__proto__") || Object.values(value).some(hasNegativeZeroOrProto);
}

describe("cache entries", () => {
  it("give back what was stored, in either encoding, under its kind and key only", () => {
    const value = { files: [["a", "é ü 😀 \u2028", 1.5, [1, 0, "id", 3, 4]]], n: null, t: true };
    for (const encoding of ["v8", "json"] as const) {
      const file = path.join(dir, `entry-${encoding}.bin`);
      expect(writeCacheEntry(file, "kind", "key", value, encoding)).toBe(true);
      expect(readCacheEntry(file, "kind", "key", encoding)).toStrictEqual(value);
      expect(readCacheEntry(file, "kind", "other-key", encoding)).toBeUndefined();
      expect(readCacheEntry(file, "other-kind", "key", encoding)).toBeUndefined();
      expect(readCacheEntry(file, "kind", "key", encoding === "v8" ? "json" : "v8")).toBeUndefined();
    }
    // JSON entries are ASCII: the header's length is the body's, whatever the characters.
    const body = fs.readFileSync(path.join(dir, "entry-json.bin"));
    expect(body.every((byte) => byte < 0x80)).toBe(true);
  });
});
