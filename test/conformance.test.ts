/**
 * Every resource of every synthesized stack of every environment must be valid for the real
 * provider schemas, and every custom resource valid for its real CRD. Both data sets come from
 * ../shared (PROVIDER_SCHEMAS_DIR, CRDS_DIR); a missing folder fails the test, it never skips.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { listEnvironments } from "../environments";
import { synthesizedOutput } from "./support/synthesized";
import { crdsDir, loadCrdValidators } from "./support/crd-validation";
import { manifestInstances } from "./support/manifests";
import { checkSynthOutput, loadProviderSchemas, providerSchemasDir } from "./support/provider-schema";
import { readStacks, REPO_ROOT } from "./support/synth";

const environments = listEnvironments(REPO_ROOT);

describe.each(environments)("environment %s", (name) => {
  let outdir: string;
  beforeAll(() => {
    outdir = synthesizedOutput(name);
  });

  it("passes the provider-schema conformance check", () => {
    const schemas = loadProviderSchemas(providerSchemasDir());
    expect(checkSynthOutput(outdir, schemas)).toEqual([]);
  });

  it("has only custom resources that validate against their real CRDs", () => {
    const validators = loadCrdValidators(crdsDir());
    const problems: string[] = [];
    let checked = 0;
    for (const [stack, doc] of readStacks(outdir)) {
      // for_each blocks (tenant backup Schedules) are checked instance by instance.
      for (const { address, manifest } of manifestInstances(doc)) {
        checked++;
        for (const p of validators.validate(manifest)) problems.push(`${stack}/${address}: ${p.path}: ${p.message}`);
      }
    }
    expect(problems).toEqual([]);
    if (name === "national") expect(checked).toBeGreaterThan(0);
  });
});

it("covers the environments that ship with the repository", () => {
  expect(environments).toEqual(expect.arrayContaining(["national", "dev"]));
});
