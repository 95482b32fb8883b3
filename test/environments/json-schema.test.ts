import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { listEnvironments } from "../../environments";
import { JSON_SCHEMAS, renderJsonSchema } from "../../environments/json-schema";
import { REPO_ROOT } from "../support/synth";

describe("committed JSON Schemas", () => {
  it.each(Object.keys(JSON_SCHEMAS))("schemas/%s is in sync with the zod schema (run npm run schemas)", (file) => {
    expect(fs.readFileSync(path.join(REPO_ROOT, "schemas", file), "utf8")).toBe(renderJsonSchema(file));
  });

  it.each(listEnvironments(REPO_ROOT))("environments/%s.yaml points editors at the schema and satisfies it", (name) => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "environments", `${name}.yaml`), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/environment.schema.json");
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(renderJsonSchema("environment.schema.json")));
    expect(validate(YAML.parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("rejects unknown fields, as the loader does", () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(renderJsonSchema("environment.schema.json")));
    const env = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments", "dev.yaml"), "utf8"));
    expect(validate({ ...env, regoins: {} })).toBe(false);
  });
});
