import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { deepMerge, sortKeysDeep, stringsIn, type Values } from "../../estate/deep-merge";
import { isPlainObject } from "../../core/plain-object";

/** Helm-values-like data: nested objects, lists and scalars, no nulls (null means "delete"). */
const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const key = fc.oneof(fc.constantFrom("image", "registry", "replicaCount", "nodeSelector", "__proto__", "constructor"), fc.string({ maxLength: 6 }));
const { values } = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 3 }), tie("values")),
  values: fc.dictionary(key, tie("node"), { maxKeys: 5 }),
})) as { values: fc.Arbitrary<Values> };

/** The value at a path, or undefined; only own properties count. */
function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const k of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, k)) return undefined;
    current = current[k];
  }
  return current;
}

/** Every path to a scalar or a list of a value (an empty object sets nothing, so it has none). */
function leafPaths(value: Values, prefix: string[] = []): string[][] {
  return Object.keys(value).flatMap((k) => {
    const v = value[k];
    return isPlainObject(v) ? leafPaths(v, [...prefix, k]) : [[...prefix, k]];
  });
}

describe("deepMerge", () => {
  it("merges objects recursively and lets the override's lists and scalars replace", () => {
    const base = {
      controller: { replicaCount: 2, nodeSelector: { a: "1" }, tolerations: [{ key: "x" }, { key: "y" }] },
      keep: true,
    };
    const override = { controller: { replicaCount: 3, nodeSelector: { b: "2" }, tolerations: [{ key: "z" }] } };
    expect(deepMerge(base, override)).toEqual({
      controller: { replicaCount: 3, nodeSelector: { a: "1", b: "2" }, tolerations: [{ key: "z" }] },
      keep: true,
    });
  });

  it("deletes a key whose override is null, and keeps nulls of the base (they delete chart defaults)", () => {
    const merged = deepMerge({ grafana: { adminPassword: null, image: { registry: "r" } }, x: 1 }, { grafana: { image: null }, x: null });
    expect(merged).toEqual({ grafana: { adminPassword: null } });
    expect(Object.hasOwn(merged.grafana as object, "image")).toBe(false);
  });

  it("replaces an object with a scalar and a scalar with an object", () => {
    expect(deepMerge({ a: { b: 1 }, c: 2 }, { a: 5, c: { d: 3 } })).toEqual({ a: 5, c: { d: 3 } });
  });

  it("neither mutates its inputs nor shares objects with them", () => {
    const base = { a: { list: [{ b: 1 }] } };
    const override = { c: { d: [1, 2] } };
    const snapshot = structuredClone({ base, override });
    const merged = deepMerge(base, override);
    (merged.a as { list: { b: number }[] }).list[0]!.b = 99;
    (merged.c as { d: number[] }).d.push(3);
    expect({ base, override }).toEqual(snapshot);
  });

  it("keeps a `__proto__` key as data instead of changing the prototype", () => {
    const override = JSON.parse('{"__proto__": {"polluted": true}}') as Values;
    const merged = deepMerge({}, override);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("is the identity when either side is empty (property)", () => {
    fc.assert(
      fc.property(values, (v) => {
        expect(deepMerge(v, {})).toEqual(v);
        expect(deepMerge({}, v)).toEqual(v);
      }),
    );
  });

  it("always gives the override's value at every leaf the override sets (property)", () => {
    fc.assert(
      fc.property(values, values, (base, override) => {
        const merged = deepMerge(base, override);
        for (const path of leafPaths(override)) expect(at(merged, path)).toEqual(at(override, path));
      }),
    );
  });

  it("keeps every base leaf the override does not touch (property)", () => {
    fc.assert(
      fc.property(values, values, (base, override) => {
        const merged = deepMerge(base, override);
        for (const path of leafPaths(base)) {
          // Touched: the override sets the leaf itself, or replaces an object on the way to it.
          const touched = path.some((_, i) => {
            const prefix = path.slice(0, i + 1);
            const o = at(override, prefix);
            if (o === undefined) return false;
            return i === path.length - 1 || !(isPlainObject(o) && isPlainObject(at(base, prefix)));
          });
          if (!touched) expect(at(merged, path)).toEqual(at(base, path));
        }
      }),
    );
  });
});

describe("sortKeysDeep", () => {
  it("sorts keys at every depth and keeps list order", () => {
    const sorted = sortKeysDeep({ b: 1, a: { d: [{ z: 1, y: 2 }, 3], c: 2 } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":2,"d":[{"y":2,"z":1},3]},"b":1}');
  });

  it("gives the same serialization whatever the insertion order (property)", () => {
    fc.assert(
      fc.property(values, (v) => {
        const reversed = Object.fromEntries(Object.entries(v).reverse());
        expect(JSON.stringify(sortKeysDeep(reversed))).toBe(JSON.stringify(sortKeysDeep(v)));
        expect(sortKeysDeep(v)).toEqual(v);
      }),
    );
  });
});

describe("stringsIn", () => {
  it("finds every string with its path", () => {
    expect([...stringsIn({ a: ["x", { b: "y" }], c: 1, d: null })]).toEqual([
      { path: "a[0]", value: "x" },
      { path: "a[1].b", value: "y" },
    ]);
  });
});
