/**
 * The provinces of Vietnam (Decision 19/2025/QĐ-TTg codes) and the region that serves each: data
 * in `environments/reference/provinces.yaml`, validated here. Read once, on first use.
 */
import * as path from "node:path";
import { z } from "zod";
import { loadYamlFile } from "./loader";

/** Where the table lives, beside the environment files but not one of them. */
export const PROVINCES_FILE = path.join(__dirname, "reference", "provinces.yaml");

const Latitude = z.number().min(8).max(24).describe("Latitude of the seat, degrees north (Vietnam spans about 8.5 to 23.4)");
const Longitude = z.number().min(102).max(110).describe("Longitude of the seat, degrees east (Vietnam spans about 102.1 to 109.5)");

export const ProvinceSchema = z.strictObject({
  name: z.string().min(1).max(100).describe("Official name, with diacritics"),
  seat: z.string().min(1).max(100).describe("Political-administrative centre (Resolution 202/2025/QH15)"),
  latitude: Latitude,
  longitude: Longitude,
  region: z.enum(["north", "central", "south"]).describe("Region of the National Data Center project that serves the province by default"),
});

export const ProvinceTableSchema = z.strictObject({
  provinces: z
    .record(z.string().regex(/^\d{2}$/, "must be a 2-digit province code of Decision 19/2025/QĐ-TTg"), ProvinceSchema)
    .refine((p) => Object.keys(p).length === 34, "must list the 34 provincial-level units in force since 1 July 2025"),
});

export type Province = z.infer<typeof ProvinceSchema>;

let table: ReadonlyMap<string, Province> | undefined;

/** Every province by its 2-digit code, in code order. */
export function provinces(): ReadonlyMap<string, Province> {
  table ??= new Map(
    Object.entries(loadYamlFile(PROVINCES_FILE, ProvinceTableSchema, { maxBytes: 64 * 1024, maxAliases: 0 }).value.provinces).sort(([a], [b]) =>
      a < b ? -1 : 1,
    ),
  );
  return table;
}

/** The province of a 2-digit code, or undefined for an unknown code. */
export function province(code: string): Province | undefined {
  return provinces().get(code);
}

/** A point on the Earth, degrees. */
export interface Coordinates {
  readonly latitude: number;
  readonly longitude: number;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance (haversine), kilometres. */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
