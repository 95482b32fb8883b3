/**
 * JSON Schemas generated from the zod schemas, committed under `schemas/` so that editors
 * (yaml-language-server) complete and check the YAML files. `npm run schemas` regenerates them;
 * a test fails when they drift.
 */
import { z } from "zod";
import { AgencySchema } from "./agency-schema";
import { EnvironmentSchema } from "./schema";

/** File name under `schemas/` -> schema. */
export const JSON_SCHEMAS: Readonly<Record<string, { title: string; schema: z.ZodType }>> = {
  "environment.schema.json": { title: "govcloud environment", schema: EnvironmentSchema },
  "agency.schema.json": { title: "govcloud agency", schema: AgencySchema },
};

/** The committed text of one JSON Schema file. */
export function renderJsonSchema(fileName: string): string {
  const entry = JSON_SCHEMAS[fileName];
  if (entry === undefined) throw new Error(`internal: no JSON Schema named ${fileName}`);
  // "input" describes what people write (defaults make fields optional), not what the loader returns.
  const generated = z.toJSONSchema(entry.schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return `${JSON.stringify({ ...generated, $id: `https://govcloud.gov.vn/schemas/${fileName}`, title: entry.title }, null, 2)}\n`;
}
