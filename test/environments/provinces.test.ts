/**
 * The province table (environments/reference/provinces.yaml): the 34 units of Decision
 * 19/2025/QĐ-TTg, each served by the nearest region of the national environment.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { distanceKm, PROVINCES_FILE, provinces } from "../../environments/provinces";
import { parseYaml } from "../../environments/loader";
import { ProvinceTableSchema } from "../../environments/provinces";
import { nearestRegions, regionCoordinates } from "../../estate/onboarding";
import { NATIONAL } from "../support/fixtures";

describe("province table", () => {
  it("lists the 34 provincial-level units with distinct codes and names", () => {
    const table = provinces();
    expect(table.size).toBe(34);
    expect(new Set([...table.values()].map((p) => p.name)).size).toBe(34);
    // The six centrally-run cities.
    expect([...table].filter(([, p]) => p.name.startsWith("Thành phố")).map(([code]) => code)).toEqual(["01", "31", "46", "48", "79", "92"]);
  });

  it("serves every province from the national region nearest to its seat", () => {
    const sites = Object.entries(NATIONAL.regions).map(([id, r]) => ({ id, at: regionCoordinates(r) }));
    for (const [code, p] of provinces()) {
      const nearest = [...sites].sort((a, b) => distanceKm(p, a.at!) - distanceKm(p, b.at!))[0]?.id;
      expect({ code, region: p.region }).toEqual({ code, region: nearest });
    }
  });

  it("rejects a table that is not the 34 units, located in the file", () => {
    const text = fs.readFileSync(PROVINCES_FILE, "utf8").replace(/^ {2}"96":.*\n/m, "");
    expect(() => parseYaml(text, "provinces.yaml", ProvinceTableSchema, { maxBytes: 65536, maxAliases: 0 })).toThrow(
      /provinces\.yaml:\d+:\d+: provinces: must list the 34 provincial-level units/,
    );
  });

  it("puts the DR region of each national region at the nearest other one", () => {
    expect(Object.fromEntries(Object.keys(NATIONAL.regions).map((r) => [r, nearestRegions(NATIONAL, r)[0]]))).toEqual({
      north: "central",
      central: "north",
      south: "central",
    });
  });

  it("measures distances on the sphere: Hà Nội to TP. Hồ Chí Minh is about 1,140 km", () => {
    const km = distanceKm(provinces().get("01")!, provinces().get("79")!);
    expect(km).toBeGreaterThan(1130);
    expect(km).toBeLessThan(1150);
  });
});
