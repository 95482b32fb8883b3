/**
 * The country's administrative units, as data (`environments/reference/administrative-units.yaml`):
 * how many provincial- and commune-level units exist, the denominators of the onboarding KPIs.
 * Read with the hardened loader like every other YAML file; never a constant in code.
 */
import * as path from "node:path";
import { z } from "zod";
import { ENVIRONMENTS_DIR } from "./index";
import { type Loaded, loadYamlFile, type YamlLimits } from "./loader";

export const AdministrativeUnitsSchema = z.strictObject({
  provincial: z.int().min(1).max(1000).describe("Provincial-level units (provinces and centrally-run cities)"),
  commune: z.int().min(1).max(100_000).describe("Commune-level units (communes, wards and special zones)"),
  source: z.string().min(1).max(1000).describe("Where the figures come from"),
});

export type AdministrativeUnits = z.infer<typeof AdministrativeUnitsSchema>;

/** The file, relative to the repository root. */
export const ADMINISTRATIVE_UNITS_FILE = path.join(ENVIRONMENTS_DIR, "reference", "administrative-units.yaml");

const LIMITS: YamlLimits = { maxBytes: 16 * 1024, maxAliases: 0 };

/** Loads and validates the file; throws a UserError (file:line:col) for bad content. */
export function loadAdministrativeUnits(repoRoot: string): Loaded<AdministrativeUnits> {
  return loadYamlFile(path.join(repoRoot, ADMINISTRATIVE_UNITS_FILE), AdministrativeUnitsSchema, LIMITS);
}
