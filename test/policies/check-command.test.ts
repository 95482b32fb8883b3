/**
 * `govcloud check` as a command: the national environment passes every mandatory rule (exit 0);
 * bad input is located (exit 2); the generated catalog and block table stay in sync; every rule
 * is registered in its pack and has fixtures. Violations and reports: check-reports.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../cli/check";
import { displayPath } from "../../environments/diagnostics";
import { renderProviderBlocks, PROVIDER_BLOCKS_FILE } from "../../policies/engine/provider-blocks";
import { renderPolicyCatalog, CATALOG_FILE } from "../../policies/catalog";
import { PACKS } from "../../policies/packs";
import { TENANT_ROLE_RULES } from "../../constructs/tenant-cluster-roles";
import { providerSchemasDir } from "../support/provider-schema";
import { REPO_ROOT, tempDir } from "../support/synth";

const tmp = tempDir("govcloud-check-");

interface JsonReport {
  summary: { exitCode: number; resources: number };
  findings: { rule: string; level: string; stack: string; address: string; message: string; source?: { file: string } }[];
}

describe("the national environment", () => {
  it("passes every mandatory rule: check --env national exits 0", async () => {
    const out = path.join(tmp, "national.json");
    expect(await runCheck(["--env", "national", "--format", "json", "--output", out], REPO_ROOT)).toBe(0);
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as JsonReport;
    expect(json.findings.filter((f) => f.level === "mandatory")).toEqual([]);
    expect(json.summary.resources).toBeGreaterThan(100);
  });
});

describe("plans", () => {
  const fixture = (name: string) => path.join(REPO_ROOT, "test", "estate", "fixtures", name);
  it("exits 1 for a plan that replaces a tenant namespace, naming it, and 0 for one that only adds resources", async () => {
    const out = path.join(tmp, "plan.json");
    expect(await runCheck([fixture("plan-replace-tenant-namespace.json"), "--env", "national", "--format", "json", "--output", out], REPO_ROOT)).toBe(1);
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as JsonReport;
    expect(json.findings.map((f) => [f.rule, f.address, f.source?.file])).toEqual([
      ["protected-resources-not-destroyed", 'kubernetes_manifest.tenant_backup_schedule["xa-ba-na/to-south"]', "environments/national/agencies/xa-ba-na.yaml"],
      ["protected-resources-not-destroyed", 'kubernetes_namespace_v1.tenant["bo-tai-chinh"]', "environments/national/agencies/bo-tai-chinh.yaml"],
    ]);
    expect(await runCheck([fixture("plan-add-only.json"), "--env", "national", "--format", "json", "--output", out], REPO_ROOT)).toBe(0);
  });
});

describe("what an environment's settings deploy", () => {
  it("is judged by the gate: a wildcard tenant role and a privileged add-on value fail with their rule ids", async () => {
    const dev = fs.readFileSync(path.join(REPO_ROOT, "environments", "dev.yaml"), "utf8");
    const edited = dev
      .replace("platform:\n  namespaces:", "platform:\n  addOns:\n    velero:\n      values:\n        kubectl:\n          containerSecurityContext:\n            privileged: true\n  namespaces:")
      .replace("\ntenancy:\n", '\ntenancy:\n  extraRoleRules:\n    developer:\n      - apiGroups: ["*"]\n        resources: ["*"]\n        verbs: ["*"]\n');
    expect(edited).toContain("extraRoleRules");
    expect(edited).toContain("privileged: true");
    const file = path.join(tmp, "dev.yaml");
    fs.writeFileSync(file, edited);
    const out = path.join(tmp, "dev-report.json");
    expect(await runCheck(["--env", file, "--format", "json", "--output", out], REPO_ROOT)).toBe(1);
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as JsonReport;
    const summary = json.findings.map((f) => `${f.rule} ${f.stack} ${f.address.replace(/_[0-9A-F]{8}$/, "")}: ${f.message}`);
    for (const region of ["north", "south"]) {
      expect(summary).toContain(
        `rbac-has-no-wildcards-or-escalation platform-${region} kubernetes_cluster_role_v1.tenant-roles_developer: rule ${TENANT_ROLE_RULES.developer.length + 1} uses the wildcard "*" in apiGroups, resources, verbs; list the API groups, resources and verbs it needs`,
      );
      expect(summary).toContain(
        `helm-values-not-privileged platform-${region} helm_release.add-ons_velero_release: release velero sets kubectl.containerSecurityContext.privileged: true in its values; no exemption allows it for this release and path`,
      );
    }
    expect(json.findings.filter((f) => f.level === "mandatory")).toHaveLength(4);
  });
});

describe("bad input", () => {
  it("exits 2 and says where the problem is", async () => {
    const notJson = path.join(tmp, "plan.json");
    fs.writeFileSync(notJson, '{\n  "planned_values": {},\n}');
    const config = path.join(tmp, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ "no-such-rule": "advisory" }));
    const folder = minimalFolder();
    const emptyPlan = path.join(tmp, "empty.plan.json");
    fs.writeFileSync(emptyPlan, JSON.stringify({ planned_values: { root_module: { resources: [] } } }));
    const { codes, stderr } = await capturingStderr(async () => [
      await runCheck([path.join(tmp, "missing.json")], REPO_ROOT),
      await runCheck([notJson], REPO_ROOT),
      await runCheck([folder, "--policy-config", config], REPO_ROOT),
      await runCheck(["--format", "xml"], REPO_ROOT),
      await runCheck(["--as-of", "2026-13-01"], REPO_ROOT),
      // Inside the project without --env: the default environment's settings, and an empty plan passes.
      await runCheck([emptyPlan], REPO_ROOT),
    ]);
    expect(codes).toEqual([2, 2, 2, 2, 2, 0]);
    expect(stderr).toContain("the default environment (the inputs name none; choose another with --env <name>)");
    expect(stderr).toContain("error: option '--as-of <date>' argument '2026-13-01' is invalid. must be a date written as YYYY-MM-DD");
    expect(stderr).toContain(`${displayPath(path.join(tmp, "missing.json"))}:1:1: <document>: not found: expected a cdktf.out folder or a terraform show -json plan file\n`);
    expect(stderr).toContain(`${displayPath(notJson)}:3:1: <document>: is not valid JSON: `);
    expect(stderr).toContain(`${displayPath(config)}:1:1: <document>: unknown policy rule 'no-such-rule'\n`);
    expect(stderr).toContain("error: option '-f, --format <format>' argument 'xml' is invalid.");
  });
});

describe("generated files and registration", () => {
  it("docs/policies.md is generated from the rules (node bin/govcloud.cjs check --catalog)", () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, CATALOG_FILE), "utf8")).toBe(renderPolicyCatalog());
  });

  it("the provider block table matches the provider schemas", () => {
    expect(fs.readFileSync(PROVIDER_BLOCKS_FILE, "utf8")).toBe(renderProviderBlocks(providerSchemasDir()));
  });

  it("every rule file is in its pack, named for its id (its fixtures: the coverage test in rules.test.ts)", () => {
    for (const pack of PACKS) {
      const files = fs.readdirSync(path.join(REPO_ROOT, "policies", pack.name)).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)).sort();
      expect(pack.rules.map((e) => e.rule.name).sort()).toEqual(files);
      for (const e of pack.rules) {
        expect(e.explanation.length).toBeGreaterThan(20);
        expect(e.controls.length).toBeGreaterThan(0);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** A synthesized folder in cdktf's layout with one stack and one namespace. */
function minimalFolder(): string {
  const dir = path.join(tmp, "minimal");
  fs.mkdirSync(path.join(dir, "stacks", "one"), { recursive: true });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { one: { synthesizedStackPath: "stacks/one/cdk.tf.json" } } }));
  fs.writeFileSync(path.join(dir, "stacks", "one", "cdk.tf.json"), JSON.stringify({ resource: { kubernetes_namespace_v1: { ns: { metadata: { name: "ns" } } } } }));
  return dir;
}

/** Runs `run` with standard error captured (and restored, whatever happens). */
async function capturingStderr<T>(run: () => Promise<T>): Promise<{ codes: T; stderr: string }> {
  const chunks: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { codes: await run(), stderr: chunks.join("") };
  } finally {
    process.stderr.write = original;
  }
}
