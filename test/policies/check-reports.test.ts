/**
 * Violations injected into a synthesized national folder: reported at their instance and YAML
 * line (exit 1), identically from the folder and from the equivalent plan JSON; advisory-only
 * findings exit 0; suppressions from environment and agency files, and their expiry; SARIF,
 * JUnit and text reports.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import AjvDraft04 from "ajv-draft-04";
import SARIF_SCHEMA from "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json";
import type * as sarif from "sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../cli/check";
import { synthesizedOutput } from "../support/synthesized";
import { loadPlan, loadSynthFolder, type PlanJson } from "../../policies/engine/load";
import { PACKS } from "../../policies/packs";
import { type Block, loadProviderSchemas, providerSchemasDir } from "../support/provider-schema";
import { readStacks, REPO_ROOT, tempDir, type TerraformJson } from "../support/synth";

const tmp = tempDir("govcloud-check-");
/** Suppressions are judged as of this day: 2026-05-31 has expired, 2026-12-31 has not. */
const AS_OF = "2026-06-01";
let clean: string;
let bad: string;

interface JsonReport {
  summary: { exitCode: number; resources: number; mandatory: number; advisory: number; suppressed: number };
  findings: { rule: string; level: string; stack: string; address: string; message: string; source?: unknown; suppressedBy?: unknown }[];
}

async function report(args: string[], format = "json"): Promise<{ code: number; text: string }> {
  const out = path.join(tmp, `report-${Math.random().toString(36).slice(2)}.${format}`);
  const code = await runCheck([...args, "--format", format, "--output", out, "--as-of", AS_OF], REPO_ROOT);
  return { code, text: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "" };
}

/** The JSON report of the folder with violations, made once. */
let badReport: Promise<{ code: number; text: string }> | undefined;
const badJson = () => (badReport ??= report([bad]));

function edit(dir: string, stack: string, change: (doc: any) => void): void {
  const file = path.join(dir, "stacks", stack, "cdk.tf.json");
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  change(doc);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
}

/** Violations of several packs, some in one for_each instance only, some in a whole block. */
function injectViolations(dir: string): void {
  edit(dir, "tenants-north-000", (doc) => {
    const web = doc.resource.kubernetes_deployment_v1.web_service;
    web.for_each["bo-tai-chinh/portal"].image = "docker.io/library/nginx:latest";
    const svc = doc.resource.kubernetes_service_v1.web_service;
    svc.spec.type = "${each.value.service_type}";
    for (const [key, value] of Object.entries<any>(svc.for_each)) value.service_type = key === "bo-y-te/ho-so" ? "NodePort" : "ClusterIP";
    delete doc.resource.kubernetes_limit_range_v1.tenant.for_each["bo-y-te"];
    const cron = doc.resource.kubernetes_cron_job_v1.scheduled_job;
    cron.spec.job_template.spec.template.spec.container[0].security_context.read_only_root_filesystem = false;
    delete doc.resource.kubernetes_deployment_v1.ai_inference.spec.template.spec.container[0].readiness_probe;
  });
  edit(dir, "platform-north", (doc) => {
    const velero = Object.entries<any>(doc.resource.helm_release).find(([name]) => name.includes("velero"))![1];
    velero.values[0] += "upload:\n  endpoint: https://s3.amazonaws.com/govcloud-backups\n";
    const admin = Object.entries<any>(doc.resource.kubernetes_cluster_role_v1).find(([name]) => name.includes("admin"))![1];
    admin.rule.push({ api_groups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] });
  });
}

beforeAll(() => {
  clean = synthesizedOutput("national");
  bad = path.join(tmp, "bad");
  fs.cpSync(clean, bad, { recursive: true });
  injectViolations(bad);
});

describe("violations", () => {
  it("is 1 for mandatory violations, with each one reported at its instance and YAML line", async () => {
    const { code, text } = await badJson();
    expect(code).toBe(1);
    const findings = (JSON.parse(text) as JsonReport).findings.map((f) => `${f.rule} ${f.stack} ${f.address}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        'images-from-in-country-registries-pinned tenants-north-000 kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]',
        'services-not-exposed-without-approval tenants-north-000 kubernetes_service_v1.web_service["bo-y-te/ho-so"]',
        'tenant-namespaces-are-isolated tenants-north-000 kubernetes_namespace_v1.tenant["bo-y-te"]',
        'containers-have-probes tenants-north-000 kubernetes_deployment_v1.ai_inference["bo-y-te/chan-doan"]',
        'containers-read-only-root-filesystem tenants-north-000 kubernetes_cron_job_v1.scheduled_job["bo-tai-chinh/reconcile"]',
        "endpoints-in-country platform-north helm_release.add-ons_velero_release_FBD76B2F",
        "rbac-has-no-wildcards-or-escalation platform-north kubernetes_cluster_role_v1.tenant-roles_admin_CDC4D402",
      ]),
    );
    expect(findings.filter((f) => f.startsWith("images-from") || f.startsWith("services-not"))).toHaveLength(3);
    const portal = (JSON.parse(text) as JsonReport).findings.find((f) => f.address.endsWith('web_service["bo-tai-chinh/portal"]'));
    expect(portal?.source).toEqual({ file: "environments/national/agencies/bo-tai-chinh.yaml", line: 37, col: 3 });
  });

  it("is 0 when only advisory rules are violated", async () => {
    const dir = path.join(tmp, "advisory");
    fs.cpSync(clean, dir, { recursive: true });
    edit(dir, "tenants-north-000", (doc) => delete doc.resource.kubernetes_deployment_v1.ai_inference.spec.template.spec.container[0].readiness_probe);
    const { code, text } = await report([dir]);
    expect(code).toBe(0);
    // The national estate's own advisory findings (secrets taken into the environment) stay; the removed probe adds one.
    const json = JSON.parse(text) as JsonReport;
    expect(json.summary).toMatchObject({ mandatory: 0 });
    expect(json.findings.filter((f) => f.rule === "containers-have-probes").map((f) => f.level)).toEqual(["advisory"]);
  });

  it("takes rule levels from --policy-config", async () => {
    const config = path.join(tmp, "levels.json");
    fs.writeFileSync(
      config,
      JSON.stringify(Object.fromEntries(PACKS.flatMap((p) => p.rules.map((e) => [e.rule.name, { enforcementLevel: "advisory" }])))),
    );
    expect((await report([bad, "--policy-config", config])).code).toBe(0);
  });
});

describe("folder and plan", () => {
  it("report the same violations for a synthesized folder and the equivalent plan JSON", async () => {
    const plans = writePlans(bad, path.join(tmp, "plans"));
    const fromFolder = JSON.parse((await badJson()).text) as JsonReport;
    const fromPlan = JSON.parse((await report([...plans, "--env", "national"])).text) as JsonReport;
    expect(fromPlan.findings).toEqual(fromFolder.findings);
    expect(fromPlan.summary).toEqual(fromFolder.summary);
    expect(fromFolder.findings.length).toBeGreaterThanOrEqual(8);
  });

  it("give every resource the same props in the same block shape", () => {
    const folder = loadSynthFolder(bad).resources.filter((r) => r.type !== "terraform_backend");
    const planned = [...readStacks(bad)].flatMap(([stack, doc]) => loadPlan(stack, toPlan(doc) as PlanJson));
    const byAddress = (rs: typeof folder) => Object.fromEntries(rs.map((r) => [`${r.stack}/${r.address}`, r.props]));
    expect(byAddress(planned)).toEqual(byAddress(folder));
  });
});

describe("suppressions from the environment and agency files", () => {
  /** A copy of the national environment with extra YAML appended to the environment file and to bo-y-te's file. */
  function environmentWith(name: string, environmentYaml: string, agencyYaml = ""): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
    fs.writeFileSync(path.join(dir, "national.yaml"), `${fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8")}\n${environmentYaml}`);
    const agency = path.join(dir, "national", "agencies", "bo-y-te.yaml");
    fs.appendFileSync(agency, `\n${agencyYaml}`);
    return path.join(dir, "national.yaml");
  }
  const suppression = (rule: string, resource: string, expires: string) =>
    `  - rule: ${rule}\n    resource: '${resource}'\n    reason: approved exception for the pilot\n    acceptedBy: CISO, decision 42/QĐ\n    expires: ${expires}\n`;

  it("suppress what they cover, scoped to the agency for agency files", async () => {
    const env = environmentWith(
      "suppressed",
      `policy:\n  enforcement:\n    containers-read-only-root-filesystem: advisory\n  suppressions:\n${suppression("images-from-in-country-registries-pinned", 'kubernetes_deployment_v1.web_service["bo-tai-chinh/*"]', "2026-12-31").replace(/^/gm, "  ")}`,
      `suppressions:\n${suppression("services-not-exposed-without-approval", "kubernetes_service_v1.*", "2026-12-31")}`,
    );
    const { text } = await report([bad, "--env", env]);
    const findings = (JSON.parse(text) as JsonReport).findings;
    const suppressed = findings.filter((f) => f.suppressedBy !== undefined).map((f) => `${f.rule} ${f.address}`);
    expect(suppressed).toEqual([
      'images-from-in-country-registries-pinned kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]',
      'images-from-in-country-registries-pinned kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]',
      'services-not-exposed-without-approval kubernetes_service_v1.web_service["bo-y-te/ho-so"]',
    ]);
    expect(findings.filter((f) => f.rule === "containers-read-only-root-filesystem").every((f) => f.level === "advisory")).toBe(true);
  });

  it("report an expired suppression as a mandatory violation that suppresses nothing", async () => {
    const env = environmentWith("expired", "", `suppressions:\n${suppression("services-not-exposed-without-approval", "*", "2026-05-31")}`);
    const clean2 = path.join(tmp, "clean-expired");
    fs.cpSync(clean, clean2, { recursive: true });
    const { code, text } = await report([clean2, "--env", env]);
    expect(code).toBe(1);
    // Only the estate's own advisory findings (secrets taken into the environment) besides it.
    const findings = (JSON.parse(text) as JsonReport).findings.filter((f) => f.rule !== "containers-take-secrets-as-files");
    expect(findings.map((f) => [f.rule, f.level])).toEqual([["suppression-expired", "mandatory"]]);
    expect(findings[0]!.message).toContain("expired on 2026-05-31");
    expect(findings[0]!.source).toMatchObject({ file: expect.stringMatching(/agencies\/bo-y-te\.yaml$/) });
  });
});

describe("reports", () => {
  it("writes SARIF 2.1.0 that validates", async () => {
    const { text } = await report([bad], "sarif");
    const log = JSON.parse(text) as sarif.Log;
    // The official SARIF 2.1.0 JSON Schema (rtm.5, as shipped by @microsoft/jest-sarif), draft-04.
    // Its `language` pattern is not a valid unicode regular expression, hence unicodeRegExp: false.
    const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
    ajv.addFormat("uri", /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/);
    ajv.addFormat("uri-reference", /^\S*$/);
    ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    const validate = ajv.compile(SARIF_SCHEMA);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules!;
    for (const result of run.results!) expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
    const portal = run.results!.find((r) => r.locations?.[0]?.logicalLocations?.[0]?.name === 'kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]')!;
    expect(portal.level).toBe("error");
    expect(portal.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "environments/national/agencies/bo-tai-chinh.yaml" },
      region: { startLine: 37, startColumn: 3 },
    });
    expect(run.results!.some((r) => r.level === "warning")).toBe(true);
    expect(rules.find((r) => r.id === "containers-run-as-non-root")).toMatchObject({
      help: { text: "See docs/policies.md#containers-run-as-non-root." },
      properties: { tags: expect.arrayContaining(["kubernetes-security", "Kubernetes Pod Security Standards (restricted) Running as Non-root; Running as Non-root user"]) },
    });
  });

  it("writes JUnit XML with one testsuite per pack and one testcase per rule", async () => {
    const { text } = await report([bad], "junit");
    expect(text.match(/<testsuite /g)).toHaveLength(PACKS.length + 1);
    for (const pack of PACKS) {
      const suite = new RegExp(`<testsuite name="${pack.name}" tests="${pack.rules.length}"`);
      expect(text).toMatch(suite);
    }
    expect(text).toMatch(/<testcase classname="kubernetes-security" name="images-from-in-country-registries-pinned">\s*<failure type="mandatory" message="1 resource\(s\) violate images-from-in-country-registries-pinned">/);
    expect(text).toMatch(/<testcase classname="kubernetes-security" name="containers-run-as-non-root"><\/testcase>/);
    expect(text).toContain("kubernetes_deployment_v1.web_service[&quot;bo-tai-chinh/portal&quot;]");
  });

  it("writes text grouped by rule, then resource, with the YAML line", async () => {
    const { code, text } = await report([bad], "text");
    expect(code).toBe(1);
    expect(text).toContain(
      [
        "FAIL images-from-in-country-registries-pinned [mandatory, kubernetes-security]",
        "     Every container image is pulled from an allowed in-country registry (the environment's regions' registries.images) and pinned by @sha256 digest.",
        '  kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]  (tenants-north-000)  environments/national/agencies/bo-tai-chinh.yaml:37:3',
        '    - container "portal" pulls docker.io/library/nginx:latest from docker.io, which is not an in-country registry (allowed: registry.central.govcloud.gov.vn, registry.north.govcloud.gov.vn, registry.south.govcloud.gov.vn)',
        '    - container "portal" image docker.io/library/nginx:latest is not pinned by digest (@sha256:<64 hex digits>)',
      ].join("\n"),
    );
    expect(text).toMatch(/\nFAIL: \d+ mandatory and \d+ advisory violation\(s\), 0 suppressed\n$/);
  });
});

// ---------------------------------------------------------------------------------------------

/** One plan file per stack, named `<stack>.plan.json`. */
function writePlans(dir: string, out: string): string[] {
  fs.mkdirSync(out, { recursive: true });
  return [...readStacks(dir)].map(([stack, doc]) => {
    const file = path.join(out, `${stack}.plan.json`);
    fs.writeFileSync(file, JSON.stringify(toPlan(doc)));
    return file;
  });
}

/**
 * `terraform show -json` of a stack as Terraform would plan it from scratch, written
 * independently of the engine: for_each expanded with a plain deep copy and string
 * substitution, blocks turned into arrays with the real provider schema.
 */
let schemas: ReturnType<typeof loadProviderSchemas> | undefined;

function toPlan(doc: TerraformJson) {
  schemas ??= loadProviderSchemas(providerSchemasDir());
  const resources: unknown[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    const schema = schemas.resources.get(type);
    for (const [name, body] of Object.entries(byName)) {
      const own = Object.fromEntries(Object.entries(body).filter(([k]) => !["//", "for_each", "depends_on", "lifecycle", "provider"].includes(k)));
      const instances: [string | undefined, unknown][] = body.for_each === undefined ? [[undefined, undefined]] : Object.entries(body.for_each as object);
      for (const [key, value] of instances) {
        const values = asBlocks(substitute(structuredClone(own), key, value), schema) as Record<string, unknown>;
        resources.push({
          address: key === undefined ? `${type}.${name}` : `${type}.${name}[${JSON.stringify(key)}]`,
          mode: "managed",
          type,
          name,
          ...(key === undefined ? {} : { index: key }),
          provider_name: `registry.terraform.io/hashicorp/${type.split("_")[0]}`,
          values,
        });
      }
    }
  }
  return {
    format_version: "1.2",
    planned_values: { root_module: { resources } },
    resource_changes: resources.map((r) => {
      const { address, mode, type, name, index } = r as { address: string; mode: string; type: string; name: string; index?: string };
      return { address, mode, type, name, ...(index === undefined ? {} : { index }), change: { actions: ["create"] } };
    }),
  };
}

function lookup(key: string | undefined, value: unknown, ref: string): unknown {
  if (ref === "each.key") return key;
  return ref
    .split(".")
    .slice(2)
    .reduce<unknown>((v, step) => (v as Record<string, unknown>)[step], value);
}

function substitute(node: unknown, key: string | undefined, value: unknown): unknown {
  if (typeof node === "string") {
    const whole = /^\$\{(each\.key|each\.value(?:\.[\w-]+)*)\}$/.exec(node);
    if (whole) return lookup(key, value, whole[1]!);
    return node.replace(/\$\{(each\.key|each\.value(?:\.[\w-]+)*)\}/g, (_, ref: string) => String(lookup(key, value, ref)));
  }
  if (Array.isArray(node)) return node.map((n) => substitute(n, key, value));
  if (node !== null && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, key, value)]));
  return node;
}

function asBlocks(node: unknown, block: Block | undefined): unknown {
  if (block === undefined || node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
  for (const [name, type] of Object.entries(block.block_types ?? {})) {
    const v = out[name];
    if (v === undefined) continue;
    const items = Array.isArray(v) ? v : [v];
    out[name] = items.map((item) => asBlocks(item, type.block));
  }
  return out;
}

