/**
 * Validators for CI configuration, from the engines' own schemas in `../shared/ci-schemas`
 * (`CI_SCHEMAS_DIR` to override): GitLab's `ci.json` and the Atlantis repo config (v3).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { REPO_ROOT } from "./synth";

export function ciSchemasDir(): string {
  const fromEnv = process.env.CI_SCHEMAS_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== "" ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, "..", "shared", "ci-schemas");
}

const compiled = new Map<string, ValidateFunction>();

function validator(file: string): ValidateFunction {
  let validate = compiled.get(file);
  if (validate === undefined) {
    validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(JSON.parse(fs.readFileSync(path.join(ciSchemasDir(), file), "utf8")) as object);
    compiled.set(file, validate);
  }
  return validate;
}

/** Every schema error of a parsed configuration, as "<instance path> <message>" (empty when valid). */
function errorsOf(file: string, config: unknown): string[] {
  const validate = validator(file);
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

export const gitlabCiErrors = (config: unknown) => errorsOf("gitlab-ci.schema.json", config);
export const atlantisErrors = (config: unknown) => errorsOf("atlantis-repo-config.schema.json", config);
