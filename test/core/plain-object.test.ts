import { describe, expect, it } from "vitest";
import { isPlainObject } from "../../core/plain-object";

describe("isPlainObject", () => {
  it("accepts object literals, parsed JSON and null-prototype maps", () => {
    for (const value of [{}, { a: 1 }, JSON.parse('{"b":[1]}') as unknown, Object.create(null) as unknown]) expect(isPlainObject(value)).toBe(true);
  });

  it("rejects arrays, null, scalars and class instances", () => {
    class Box {}
    for (const value of [[], null, undefined, 1, "x", true, new Date(0), new Map(), new Box()]) expect(isPlainObject(value)).toBe(false);
  });
});
