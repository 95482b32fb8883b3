/**
 * The engine: for_each expansion into instances, one block shape for config and plan, rule
 * dispatch and crash handling, suppressions and their expiry, settings from the environment.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ReportViolation, type ResourceValidationPolicy, type StackValidationArgs, type StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { UserError } from "../../environments/diagnostics";
import { loadEnvironmentConfig } from "../../environments";
import { parseYaml } from "../../environments/loader";
import { EnvironmentSchema } from "../../environments/schema";
import { ENVIRONMENT_LIMITS } from "../../environments";
import { evaluate } from "../../policies/engine/evaluate";
import { loadDocuments, loadPlan, loadPlanFile, type PlanJson, planStackName, removedByPlan } from "../../policies/engine/load";
import { checkContext } from "../../policies/lib/check-context";
import { settingsOf } from "../../policies/engine/settings";
import { agencyOfKey, applySuppressions, globToRegExp, type Suppression, vietnamDate } from "../../policies/engine/suppressions";
import type { ActiveRule, Finding } from "../../policies/engine/types";
import { terraformType } from "../../policies/lib/terraform-type";
import { rulesById } from "../../policies/engine/check";
import { PACKS } from "../../policies/packs";
import { REPO_ROOT, tempDir } from "../support/synth";

const deployment = () => ({
  "//": { metadata: { path: "tenants/workloads/web" } },
  depends_on: ["kubernetes_namespace_v1.tenant"],
  lifecycle: { prevent_destroy: true },
  for_each: {
    "bo-tai-chinh/portal": { name: "portal", labels: { app: "portal" }, port: 8080, nested: { deep: { x: "1" } }, "odd key": "y" },
    "bo-y-te/ho-so": { name: "ho-so", labels: { app: "ho-so" }, port: 9090, nested: { deep: { x: "2" } }, "odd key": "z" },
  },
  metadata: { name: "${each.value.name}", namespace: "tenant-${each.value.name}", labels: "${each.value.labels}" },
  spec: {
    replicas: 2,
    selector: { match_labels: "${each.value.labels}" },
    template: {
      metadata: { labels: { app: "${each.key}" } },
      spec: {
        node_selector: { role: "general" },
        container: [
          {
            name: "main",
            port: [{ container_port: "${each.value.port}" }],
            env: [
              { name: "DEEP", value: '${each.value.nested.deep["x"]}' },
              { name: "ODD", value: '${each.value["odd key"]}' },
              { name: "MISSING", value: "x-${each.value.missing}" },
              { name: "OTHER", value: "${kubernetes_namespace_v1.tenant[each.key].id}" },
              { name: "ESCAPED", value: "$${each.key}" },
            ],
            security_context: { run_as_non_root: true, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    },
  },
});

describe("expansion of a cdk.tf.json document", () => {
  const { resources } = loadDocuments({ tenants: { resource: { kubernetes_deployment_v1: { web: deployment() } } } });
  const [portal, hoSo] = resources;

  it("makes one resource per for_each instance, addressed as Terraform does", () => {
    expect(resources.map((r) => [r.stack, r.address, r.type, r.name, r.key])).toEqual([
      ["tenants", 'kubernetes_deployment_v1.web["bo-tai-chinh/portal"]', "kubernetes_deployment_v1", "web", "bo-tai-chinh/portal"],
      ["tenants", 'kubernetes_deployment_v1.web["bo-y-te/ho-so"]', "kubernetes_deployment_v1", "web", "bo-y-te/ho-so"],
    ]);
    expect(portal!.lifecycle).toEqual({ prevent_destroy: true });
    expect(portal!.opts.protect).toBe(true);
    expect(portal!.dependsOn).toEqual(["kubernetes_namespace_v1.tenant"]);
    expect(portal!.urn).toBe('tenants::kubernetes_deployment_v1.web["bo-tai-chinh/portal"]');
  });

  it("substitutes whole references with raw values and interpolations with strings", () => {
    const props = portal!.props as any;
    expect(props.metadata).toEqual([{ name: "portal", namespace: "tenant-portal", labels: { app: "portal" } }]);
    const container = props.spec[0].template[0].spec[0].container[0];
    expect(container.port).toEqual([{ container_port: 8080 }]);
    expect(Object.fromEntries(container.env.map((e: any) => [e.name, e.value]))).toEqual({
      DEEP: "1",
      ODD: "y",
      MISSING: "x-${each.value.missing}",
      OTHER: "${kubernetes_namespace_v1.tenant[each.key].id}",
      ESCAPED: "$${each.key}",
    });
    expect(props.spec[0].template[0].metadata[0].labels).toEqual({ app: "bo-tai-chinh/portal" });
    expect((hoSo!.props as any).spec[0].template[0].metadata[0].labels).toEqual({ app: "bo-y-te/ho-so" });
  });

  it("writes every block as an array of objects and leaves map attributes alone", () => {
    const spec = (portal!.props as any).spec[0].template[0].spec[0];
    expect(spec.node_selector).toEqual({ role: "general" });
    expect(spec.container[0].security_context).toEqual([{ run_as_non_root: true, capabilities: [{ drop: ["ALL"] }] }]);
    expect((portal!.props as any).spec[0].selector).toEqual([{ match_labels: { app: "portal" } }]);
    expect(Object.keys(portal!.props).sort()).toEqual(["metadata", "spec"]);
  });

  it("shares the static parts between instances and freezes them", () => {
    const a = (portal!.props as any).spec[0].template[0].spec[0].container[0].security_context;
    const b = (hoSo!.props as any).spec[0].template[0].spec[0].container[0].security_context;
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it("expands count, and keeps a block whose for_each is an expression as one resource", () => {
    const { resources: rs } = loadDocuments({
      s: {
        resource: {
          kubernetes_namespace_v1: {
            counted: { count: 2, metadata: { name: "ns-${count.index}" } },
            dynamic: { for_each: "${var.namespaces}", metadata: { name: "${each.key}" } },
          },
        },
      },
    });
    expect(rs.map((r) => [r.address, (r.props as any).metadata[0].name])).toEqual([
      ["kubernetes_namespace_v1.counted[0]", "ns-0"],
      ["kubernetes_namespace_v1.counted[1]", "ns-1"],
      ["kubernetes_namespace_v1.dynamic", "${each.key}"],
    ]);
  });

  it("locates instances in the YAML through sources.json", () => {
    const sources = {
      version: 1 as const,
      environment: { file: "environments/national.yaml", line: 1, col: 1 },
      agencies: { "bo-tai-chinh": { file: "environments/national/agencies/bo-tai-chinh.yaml", line: 3, col: 5, workloads: { portal: { file: "environments/national/agencies/bo-tai-chinh.yaml", line: 37, col: 3 } } } },
    };
    const { resources: rs } = loadDocuments({ t: { resource: { kubernetes_deployment_v1: { web: deployment() } } } }, sources);
    expect(rs.map((r) => r.source)).toEqual([
      { file: "environments/national/agencies/bo-tai-chinh.yaml", line: 37, col: 3 },
      { file: "environments/national.yaml", line: 1, col: 1 },
    ]);
  });
});

describe("plan JSON", () => {
  const plan = {
    planned_values: {
      root_module: {
        resources: [
          {
            address: 'kubernetes_service_v1.web["a/web"]',
            mode: "managed",
            type: "kubernetes_service_v1",
            name: "web",
            index: "a/web",
            values: { metadata: [{ name: "web", labels: { app: "web" } }], spec: [{ type: "ClusterIP", port: [{ port: 80 }] }], timeouts: null },
          },
          { address: "data.x.y", mode: "data", type: "x", name: "y", values: {} },
        ],
        child_modules: [
          {
            address: "module.m",
            resources: [{ address: "module.m.kubernetes_namespace_v1.ns", mode: "managed", type: "kubernetes_namespace_v1", name: "ns", values: { metadata: [{ name: "ns" }], timeouts: { delete: "5m" } } }],
          },
        ],
      },
    },
    resource_changes: [{ address: "module.m.kubernetes_namespace_v1.ns", change: { actions: ["delete", "create"] } }],
  };
  it("reads managed resources of every module, with their actions, in the same block shape", () => {
    const rs = loadPlan("p", plan);
    expect(rs.map((r) => [r.address, r.key, r.actions])).toEqual([
      ['kubernetes_service_v1.web["a/web"]', "a/web", undefined],
      ["module.m.kubernetes_namespace_v1.ns", undefined, ["delete", "create"]],
    ]);
    expect(rs[0]!.props).toEqual({ metadata: [{ name: "web", labels: { app: "web" } }], spec: [{ type: "ClusterIP", port: [{ port: 80 }] }], timeouts: [] });
    expect(rs[1]!.props.timeouts).toEqual([{ delete: "5m" }]);
  });
  it("names a plan's stack after its file, or its folder for plan.json", () => {
    expect(planStackName("/x/tenants-north-000.plan.json")).toBe("tenants-north-000");
    expect(planStackName("/x/stacks/platform-north/plan.json")).toBe("platform-north");
  });
});

describe("evaluation", () => {
  const { resources } = loadDocuments({
    a: { resource: { kubernetes_namespace_v1: { one: { metadata: { name: "one" } }, two: { metadata: { name: "two" } } } } },
  });
  const active = (policy: ResourceValidationPolicy | StackValidationPolicy, level: "advisory" | "mandatory" = "mandatory"): ActiveRule => ({
    id: policy.name,
    pack: "test",
    level,
    policy,
    config: { limit: 1 },
  });
  const Namespace = terraformType("kubernetes_namespace_v1");

  it("reports a rule that throws as rule-crashed, naming the rule and the resource, and goes on", async () => {
    const crashing: ResourceValidationPolicy = {
      name: "crashes-on-two",
      description: "x",
      validateResource: validateResourceOfType(Namespace, (props, _args, report) => {
        if ((props.metadata as any)[0].name === "two") throw new TypeError("boom");
        report("seen");
      }),
    };
    const findings = await evaluate(resources, [active(crashing, "advisory")]);
    expect(findings.map((f) => [f.rule, f.level, f.address, f.message])).toEqual([
      ["crashes-on-two", "advisory", "kubernetes_namespace_v1.one", "seen"],
      ["rule-crashed", "mandatory", "kubernetes_namespace_v1.two", "rule 'crashes-on-two' crashed on kubernetes_namespace_v1.two: TypeError: boom"],
    ]);
    expect(findings[1]!.crashedRule).toBe("crashes-on-two");
  });

  it("awaits async rules, reports their rejections, and ignores notApplicable", async () => {
    const asyncRule: ResourceValidationPolicy = {
      name: "async",
      description: "x",
      validateResource: async (args, report) => {
        await new Promise((r) => setTimeout(r, 1));
        if (args.name === "one") args.notApplicable("not for one");
        if (args.getConfig<{ limit: number }>().limit !== 1) throw new Error("no config");
        if (args.isType(Namespace) && args.asType(Namespace as never) !== undefined) report(`async ${args.name}`);
        throw new Error("late");
      },
    };
    const findings = await evaluate(resources, [active(asyncRule)]);
    expect(findings.map((f) => [f.rule, f.address, f.message])).toEqual([
      ["async", "kubernetes_namespace_v1.two", "async two"],
      ["rule-crashed", "kubernetes_namespace_v1.two", "rule 'async' crashed on kubernetes_namespace_v1.two: Error: late"],
    ]);
  });

  it("runs stack policies once per stack and maps reported urns to resources", async () => {
    const stackRule: StackValidationPolicy = {
      name: "stack",
      description: "x",
      validateStack: (args, report) => {
        report(`${args.resources.length} resources`);
        report("about two", args.resources.find((r) => r.name === "two")!.urn);
      },
    };
    const findings = await evaluate(resources, [active(stackRule)]);
    expect(findings.map((f) => [f.stack, f.address, f.message])).toEqual([
      ["a", "", "2 resources"],
      ["a", "kubernetes_namespace_v1.two", "about two"],
    ]);
  });
});

describe("what stack rules see beyond their resources", () => {
  const seen: string[] = [];
  const recorder = (scope?: "stack" | "check"): ActiveRule => ({
    id: `record-${scope ?? "stack"}`,
    pack: "test",
    level: "mandatory",
    config: {},
    policy: {
      name: `record-${scope ?? "stack"}`,
      description: "x",
      ...(scope === undefined ? {} : { scope }),
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const { stack, plan, today } = checkContext(args);
        seen.push(`${scope ?? "stack"} ${stack || "(all)"}: ${args.resources.length} resources, ${plan === undefined ? "no plan" : "plan"}, ${today}`);
        if (plan !== undefined) report("gone", `${stack}::kubernetes_namespace_v1.tenant["b"]`);
      },
    } as StackValidationPolicy,
  });
  const plan: PlanJson = {
    resource_changes: [
      { address: 'kubernetes_namespace_v1.tenant["b"]', mode: "managed", type: "kubernetes_namespace_v1", name: "tenant", index: "b", change: { actions: ["delete"], before: { metadata: [{ name: "tenant-b" }] } } },
    ],
  };
  const { resources } = loadDocuments({ folder: { resource: { kubernetes_namespace_v1: { a: { metadata: { name: "a" } } } } } });

  it("run per stack (stacks without resources too) with their plan, or once over every stack for scope check; the day of the check", async () => {
    seen.length = 0;
    const removed = removedByPlan("planned", plan);
    expect(removed.map((r) => [r.address, r.key, r.actions, r.props])).toEqual([['kubernetes_namespace_v1.tenant["b"]', "b", ["delete"], { metadata: [{ name: "tenant-b" }] }]]);
    const findings = await evaluate(resources, [recorder(), recorder("check")], {
      stacks: ["folder", "planned"],
      plans: new Map([["planned", plan as Readonly<Record<string, unknown>>]]),
      removed,
      now: new Date("2026-12-31T17:30:00Z"),
    });
    expect(seen).toEqual([
      "stack folder: 1 resources, no plan, 2027-01-01",
      "stack planned: 0 resources, plan, 2027-01-01",
      "check (all): 1 resources, no plan, 2027-01-01",
    ]);
    // A finding about an instance the plan destroys is located at its address and key.
    expect(findings.map((f) => [f.rule, f.stack, f.address, f.key])).toEqual([["record-stack", "planned", 'kubernetes_namespace_v1.tenant["b"]', "b"]]);
  });

  it("reads a plan that has resource_changes but no planned_values", () => {
    const dir = tempDir();
    const file = path.join(dir, "tenants-north-000.plan.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    const loaded = loadPlanFile(file);
    expect([loaded.resources.length, loaded.stacks, loaded.removed?.map((r) => r.address), [...(loaded.plans?.keys() ?? [])]]).toEqual([
      0,
      ["tenants-north-000"],
      ['kubernetes_namespace_v1.tenant["b"]'],
      ["tenants-north-000"],
    ]);
  });
});

describe("suppressions", () => {
  const finding = (address: string, key?: string): Finding => ({
    rule: "containers-run-as-non-root",
    pack: "kubernetes-security",
    level: "mandatory",
    message: "m",
    stack: "tenants-north-000",
    address,
    ...(key === undefined ? {} : { key }),
  });
  const suppression = (over: Partial<Suppression>): Suppression => ({
    rule: "containers-run-as-non-root",
    resource: 'kubernetes_deployment_v1.web_service["bo-tai-chinh/*"]',
    reason: "vendor image needs root until its next release",
    acceptedBy: "CISO, decision 12/QĐ",
    expires: "2030-01-01",
    source: { file: "environments/national.yaml", line: 10, col: 7 },
    ...over,
  });
  const now = new Date("2026-01-01T00:00:00Z");

  it("suppresses the findings a glob on the address matches, only those", () => {
    const { findings, expired } = applySuppressions(
      [finding('kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]'), finding('kubernetes_deployment_v1.web_service["bo-y-te/ho-so"]')],
      [suppression({})],
      now,
    );
    expect(findings.map((f) => f.suppressedBy?.acceptedBy)).toEqual(["CISO, decision 12/QĐ", undefined]);
    expect(expired).toEqual([]);
    expect(globToRegExp('x.y["a/*"]').test('x.y["a/b"]')).toBe(true);
    expect(globToRegExp('x.y["a/?"]').test('x.y["a/bc"]')).toBe(false);
  });

  it("scopes an agency file's suppression to that agency's instances", () => {
    const s = suppression({ resource: "*", agency: "bo-y-te" });
    const { findings } = applySuppressions(
      [finding("a", "bo-tai-chinh/portal"), finding("b", "bo-y-te/ho-so"), finding("c", "thanh-pho-ha-noi/x->bo-y-te/ho-so"), finding("d")],
      [s],
      now,
    );
    expect(findings.map((f) => f.suppressedBy !== undefined)).toEqual([false, true, false, false]);
    expect(agencyOfKey("bo-y-te/ho-so->x/y")).toBe("bo-y-te");
  });

  it("turns an expired suppression into a mandatory finding that suppresses nothing", () => {
    const { findings, expired } = applySuppressions([finding('kubernetes_deployment_v1.web_service["bo-tai-chinh/portal"]')], [suppression({ expires: "2025-12-31" })], now);
    expect(findings[0]!.suppressedBy).toBeUndefined();
    expect(expired.map((f) => [f.rule, f.level, f.source])).toEqual([["suppression-expired", "mandatory", { file: "environments/national.yaml", line: 10, col: 7 }]]);
    expect(expired[0]!.message).toContain("expired on 2025-12-31");
  });

  it("counts days in Vietnam's time (UTC+7)", () => {
    expect(vietnamDate(new Date("2025-12-31T16:59:59Z"))).toBe("2025-12-31");
    expect(vietnamDate(new Date("2025-12-31T17:00:00Z"))).toBe("2026-01-01");
  });
});

describe("policy settings in environment files", () => {
  const national = fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8");
  const withPolicy = (policy: string) => `${national}\npolicy:\n${policy}`;
  const parse = (text: string) => parseYaml(text, "environments/national.yaml", EnvironmentSchema, ENVIRONMENT_LIMITS);

  it("rejects a suppression whose reason is shorter than 10 characters", () => {
    const text = withPolicy("  suppressions:\n    - rule: containers-run-as-non-root\n      resource: x\n      reason: legacy\n      acceptedBy: CISO\n      expires: 2030-01-01\n");
    const line = text.split("\n").findIndex((l) => l.includes("reason: legacy")) + 1;
    expect(() => parse(text)).toThrow(
      new UserError([
        {
          file: "environments/national.yaml",
          line,
          col: 15,
          path: "policy.suppressions[0].reason",
          message: 'must explain in at least 10 characters why the exception is acceptable; got "legacy"',
        },
      ]),
    );
  });

  it("reports unknown rule ids where they are written", () => {
    const dir = tempDir();
    const file = path.join(dir, "national.yaml");
    fs.writeFileSync(file, withPolicy("  enforcement:\n    containers-run-as-non-rot: advisory\n"));
    const config = loadEnvironmentConfig(REPO_ROOT, file);
    const known = new Set(rulesById(PACKS).keys());
    const line = fs.readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes("non-rot")) + 1;
    expect(() => settingsOf(config, known, REPO_ROOT)).toThrow(
      `${file}:${line}:5: policy.enforcement.containers-run-as-non-rot: unknown policy rule 'containers-run-as-non-rot'; did you mean 'containers-run-as-non-root'?`,
    );
  });
});
