/**
 * Fixtures for policy tests: small hand-written cdk.tf.json documents in the shape cdktf writes
 * (blocks as objects, tenant resources as one for_each block over a map), and a helper that
 * runs chosen rules over them.
 */
import { evaluate } from "../../policies/engine/evaluate";
import { type LoadedResources, loadDocuments, loadPlan, type PlanJson, removedByPlan } from "../../policies/engine/load";
import type { TerraformJsonDocument } from "../../policies/engine/expand";
import type { ActiveRule, Finding } from "../../policies/engine/types";
import { PACKS } from "../../policies/packs";
import { pulumiTypeOf } from "../../policies/engine/resource";
import type { GovcloudPolicy } from "../../policies/engine/types";

/**
 * What the fixtures have shown of each rule, recorded by every check() call: the resource types
 * of which an instance passed (met the rule, no finding) and of which an instance failed, and
 * whether any run passed or failed at all (for stack rules, which declare no types). The fixture
 * coverage test (rules.test.ts) reads it after every pack's fixtures have run.
 */
export interface RuleCoverage {
  readonly passed: Set<string>;
  readonly failed: Set<string>;
  anyPass: boolean;
  anyFail: boolean;
}
export const COVERAGE = new Map<string, RuleCoverage>();

/** The Terraform types a resource rule declares (its validateResourceOfType validations); none for a stack rule. */
export function declaredTypes(rule: GovcloudPolicy): string[] {
  const validations = "validateResource" in rule && rule.validateResource !== undefined ? [rule.validateResource].flat() : [];
  return [...new Set(validations.map((v) => pulumiTypeOf(v)).filter((t): t is string => t !== undefined))].sort();
}

function record(ids: readonly string[], loaded: LoadedResources, findings: readonly Finding[]): void {
  for (const id of ids) {
    const coverage = COVERAGE.get(id) ?? { passed: new Set<string>(), failed: new Set<string>(), anyPass: false, anyFail: false };
    COVERAGE.set(id, coverage);
    const mine = findings.filter((f) => f.rule === id);
    const crashed = new Set(findings.filter((f) => f.crashedRule === id).map((f) => `${f.stack}::${f.address}`));
    const failing = new Set(mine.map((f) => `${f.stack}::${f.address}`));
    for (const f of mine) if (f.type !== undefined && !crashed.has(`${f.stack}::${f.address}`)) coverage.failed.add(f.type);
    for (const r of loaded.resources) {
      const at = `${r.stack}::${r.address}`;
      if (!failing.has(at) && !crashed.has(at)) coverage.passed.add(r.type);
    }
    if (crashed.size === 0) {
      if (mine.length > 0) coverage.anyFail = true;
      else if (loaded.resources.length > 0 || (loaded.removed ?? []).length > 0) coverage.anyPass = true;
    }
  }
}

export const REGISTRY = "registry.north.govcloud.gov.vn";
export const DIGEST = `sha256:${"a".repeat(64)}`;
export const IMAGE = `${REGISTRY}/agency-a/web@${DIGEST}`;

/** Rule configuration a test environment would give. */
export const TEST_CONFIG: Readonly<Record<string, Record<string, unknown>>> = {
  "images-from-in-country-registries-pinned": { allowedRegistries: [REGISTRY] },
  "endpoints-in-country": { allowedDomains: ["govcloud.gov.vn"] },
};

export interface CheckFixtureOptions {
  /** Rule configuration by rule id, over each rule's schema defaults. @default TEST_CONFIG */
  readonly config?: Readonly<Record<string, Record<string, unknown>>>;
  /** The day of the check. @default - today */
  readonly now?: Date;
}

/**
 * Runs the named rules (as their packs configure them: level, the schema's defaults, then
 * `options.config`) over documents keyed by stack.
 */
export async function check(
  ruleIds: string | readonly string[],
  docs: Readonly<Record<string, TerraformJsonDocument>>,
  options: CheckFixtureOptions = {},
): Promise<Finding[]> {
  return checkLoaded(ruleIds, loadDocuments(docs), options);
}

/** The same over `terraform show -json` plans keyed by stack, as `govcloud check plan.json` reads them. */
export async function checkPlans(ruleIds: string | readonly string[], plans: Readonly<Record<string, PlanJson>>, options: CheckFixtureOptions = {}): Promise<Finding[]> {
  const loaded: LoadedResources = {
    resources: Object.entries(plans).flatMap(([stack, plan]) => loadPlan(stack, plan)),
    stacks: Object.keys(plans),
    plans: new Map(Object.entries(plans)),
    removed: Object.entries(plans).flatMap(([stack, plan]) => removedByPlan(stack, plan)),
  };
  return checkLoaded(ruleIds, loaded, options);
}

async function checkLoaded(ruleIds: string | readonly string[], loaded: LoadedResources, options: CheckFixtureOptions): Promise<Finding[]> {
  const config = options.config ?? TEST_CONFIG;
  const ids = typeof ruleIds === "string" ? [ruleIds] : ruleIds;
  const rules: ActiveRule[] = ids.map((id) => {
    for (const pack of PACKS) {
      const entry = pack.rules.find((e) => e.rule.name === id);
      if (entry !== undefined) {
        const defaults = Object.fromEntries(
          Object.entries(entry.rule.configSchema?.properties ?? {}).flatMap(([key, schema]) => ((schema as { default?: unknown }).default === undefined ? [] : [[key, (schema as { default?: unknown }).default]])),
        );
        return { id, pack: pack.name, level: entry.level === "disabled" ? "advisory" : entry.level, policy: entry.rule, config: { ...defaults, ...(config[id] ?? TEST_CONFIG[id] ?? {}) } };
      }
    }
    throw new Error(`no rule ${id}`);
  });
  const findings = await evaluate(loaded.resources, rules, {
    stacks: loaded.stacks,
    ...(loaded.plans === undefined ? {} : { plans: loaded.plans as ReadonlyMap<string, Readonly<Record<string, unknown>>> }),
    ...(loaded.removed === undefined ? {} : { removed: loaded.removed }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  record(ids, loaded, findings);
  return findings;
}

/** Findings as `address: message`, for exact assertions. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.address}: ${f.message}`);
}

/** Per-instance values of the workload fixture; every field a rule looks at comes from here. */
export interface PodValues {
  name: string;
  namespace: string;
  image: string;
  pod_non_root: boolean | null;
  pod_seccomp: string | null;
  non_root: boolean | null;
  user: number | string | null;
  allow_privilege_escalation: boolean | null;
  privileged: boolean | null;
  read_only: boolean | null;
  cap_drop: string[];
  cap_add: string[];
  seccomp: string | null;
  requests: Record<string, string>;
  limits: Record<string, string>;
  host_network: boolean;
  host_pid: boolean;
  host_port: number | null;
  pull_policy: string | null;
  service_account: string | null;
  automount: boolean | null;
  pod_labels: Record<string, string>;
  pod_annotations: Record<string, string>;
  sysctls: { name: string; value: string }[];
  se_linux: Record<string, string> | null;
}

export const COMPLIANT: PodValues = {
  name: "web",
  namespace: "tenant-agency-a",
  image: IMAGE,
  pod_non_root: true,
  pod_seccomp: "RuntimeDefault",
  non_root: true,
  user: 10001,
  allow_privilege_escalation: false,
  privileged: false,
  read_only: true,
  cap_drop: ["ALL"],
  cap_add: [],
  seccomp: "RuntimeDefault",
  requests: { cpu: "250m", memory: "256Mi" },
  limits: { cpu: "1", memory: "512Mi" },
  host_network: false,
  host_pid: false,
  host_port: null,
  pull_policy: "Always",
  service_account: "web",
  automount: false,
  pod_labels: { app: "web", "app.kubernetes.io/name": "web" },
  pod_annotations: {},
  sysctls: [],
  se_linux: null,
};

/** Every resource type with a pod template: each legacy type and its _v1 twin, and kubernetes_manifest. */
export const POD_KINDS = [
  "kubernetes_deployment",
  "kubernetes_deployment_v1",
  "kubernetes_stateful_set",
  "kubernetes_stateful_set_v1",
  "kubernetes_daemonset",
  "kubernetes_daemon_set_v1",
  "kubernetes_replication_controller",
  "kubernetes_replication_controller_v1",
  "kubernetes_job",
  "kubernetes_job_v1",
  "kubernetes_cron_job",
  "kubernetes_cron_job_v1",
  "kubernetes_pod",
  "kubernetes_pod_v1",
  "kubernetes_manifest",
] as const;
export type PodKind = (typeof POD_KINDS)[number];

/** A typed pod spec (snake_case, blocks as objects as cdktf writes them) reading each.value. */
export function typedPodSpec(): Record<string, unknown> {
  return {
    automount_service_account_token: "${each.value.automount}",
    service_account_name: "${each.value.service_account}",
    host_network: "${each.value.host_network}",
    host_pid: "${each.value.host_pid}",
    security_context: {
      fs_group: "10001",
      run_as_non_root: "${each.value.pod_non_root}",
      seccomp_profile: { type: "${each.value.pod_seccomp}" },
      se_linux_options: "${each.value.se_linux}",
      sysctl: "${each.value.sysctls}",
    },
    container: [
      {
        name: "${each.value.name}",
        image: "${each.value.image}",
        image_pull_policy: "${each.value.pull_policy}",
        port: [{ container_port: 8080, host_port: "${each.value.host_port}", name: "http" }],
        liveness_probe: { http_get: { path: "/healthz", port: "8080" } },
        readiness_probe: { http_get: { path: "/healthz", port: "8080" } },
        resources: { requests: "${each.value.requests}", limits: "${each.value.limits}" },
        security_context: {
          run_as_non_root: "${each.value.non_root}",
          run_as_user: "${each.value.user}",
          allow_privilege_escalation: "${each.value.allow_privilege_escalation}",
          privileged: "${each.value.privileged}",
          read_only_root_filesystem: "${each.value.read_only}",
          capabilities: { drop: "${each.value.cap_drop}", add: "${each.value.cap_add}" },
          seccomp_profile: { type: "${each.value.seccomp}" },
        },
        volume_mount: [{ mount_path: "/tmp", name: "tmp" }],
      },
    ],
    volume: [{ name: "tmp", empty_dir: {} }],
  };
}

/** The same pod spec as a raw Kubernetes object (camelCase), for kubernetes_manifest. */
export function manifestPodSpec(): Record<string, unknown> {
  return {
    automountServiceAccountToken: "${each.value.automount}",
    serviceAccountName: "${each.value.service_account}",
    hostNetwork: "${each.value.host_network}",
    hostPID: "${each.value.host_pid}",
    securityContext: {
      runAsNonRoot: "${each.value.pod_non_root}",
      seccompProfile: { type: "${each.value.pod_seccomp}" },
      seLinuxOptions: "${each.value.se_linux}",
      sysctls: "${each.value.sysctls}",
    },
    containers: [
      {
        name: "${each.value.name}",
        image: "${each.value.image}",
        imagePullPolicy: "${each.value.pull_policy}",
        ports: [{ containerPort: 8080, hostPort: "${each.value.host_port}" }],
        livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
        readinessProbe: { httpGet: { path: "/healthz", port: 8080 } },
        resources: { requests: "${each.value.requests}", limits: "${each.value.limits}" },
        securityContext: {
          runAsNonRoot: "${each.value.non_root}",
          runAsUser: "${each.value.user}",
          allowPrivilegeEscalation: "${each.value.allow_privilege_escalation}",
          privileged: "${each.value.privileged}",
          readOnlyRootFilesystem: "${each.value.read_only}",
          capabilities: { drop: "${each.value.cap_drop}", add: "${each.value.cap_add}" },
          seccompProfile: { type: "${each.value.seccomp}" },
        },
      },
    ],
    volumes: [{ name: "tmp", emptyDir: {} }],
  };
}

const metadata = { name: "${each.value.name}", namespace: "${each.value.namespace}", labels: { app: "${each.value.name}" } };
/** A pod template's metadata; a Pod's own metadata is the same, with its namespace. */
const templateMetadata = { labels: "${each.value.pod_labels}", annotations: "${each.value.pod_annotations}" };

/** The body of one workload block of `kind`, with the pod spec nested where that kind has it. */
export function workloadBody(kind: PodKind, podSpec: Record<string, unknown> = kind === "kubernetes_manifest" ? manifestPodSpec() : typedPodSpec()): Record<string, unknown> {
  const template = { metadata: templateMetadata, spec: podSpec };
  switch (kind) {
    case "kubernetes_deployment":
    case "kubernetes_deployment_v1":
    case "kubernetes_stateful_set":
    case "kubernetes_stateful_set_v1":
    case "kubernetes_daemonset":
    case "kubernetes_daemon_set_v1":
      return { metadata, spec: { selector: { match_labels: { app: "${each.value.name}" } }, template } };
    case "kubernetes_replication_controller":
    case "kubernetes_replication_controller_v1":
      return { metadata, spec: { selector: { app: "${each.value.name}" }, template } };
    case "kubernetes_job":
    case "kubernetes_job_v1":
      return { metadata, spec: { template } };
    case "kubernetes_cron_job":
    case "kubernetes_cron_job_v1":
      return { metadata, spec: { schedule: "0 2 * * *", job_template: { metadata: {}, spec: { template } } } };
    case "kubernetes_pod":
    case "kubernetes_pod_v1":
      return { metadata: { ...metadata, ...templateMetadata }, spec: podSpec };
    case "kubernetes_manifest":
      return {
        manifest: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "${each.value.name}", namespace: "${each.value.namespace}" },
          spec: { selector: { matchLabels: { app: "${each.value.name}" } }, template: { metadata: templateMetadata, spec: podSpec } },
        },
      };
  }
}

/**
 * One stack with one `kind` block named `web`, for_each over two agencies: `agency-a/web` with
 * the compliant values and `agency-b/web` with `bad` over them.
 */
export function workloads(kind: PodKind, bad: Partial<PodValues> = {}, body: Record<string, unknown> = workloadBody(kind)): Record<string, TerraformJsonDocument> {
  return {
    tenants: {
      resource: {
        [kind]: {
          web: {
            for_each: {
              "agency-a/web": { ...COMPLIANT },
              "agency-b/web": { ...COMPLIANT, namespace: "tenant-agency-b", image: `${REGISTRY}/agency-b/web@${DIGEST}`, ...bad },
            },
            ...body,
          },
        },
      },
    },
  };
}

/**
 * One workload block of `kind` whose pod spec `change` edits (for both agencies): `m` is true
 * for kubernetes_manifest, whose spec is camelCase with plain objects, false for the typed
 * resources (snake_case, blocks).
 */
export function podWith(kind: PodKind, change: (spec: Record<string, any>, m: boolean) => void): Record<string, TerraformJsonDocument> {
  const m = kind === "kubernetes_manifest";
  const spec = m ? manifestPodSpec() : typedPodSpec();
  change(spec, m);
  return workloads(kind, {}, workloadBody(kind, spec));
}

/** Address of the instance of agency `a` or `b` in {@link workloads}. */
export const at = (kind: PodKind, agency: "a" | "b"): string => `${kind}.web["agency-${agency}/web"]`;

/** One stack with plain (non-for_each) resources: type -> name -> body. */
export function plain(resources: Record<string, Record<string, Record<string, unknown>>>, terraform?: Record<string, unknown>): Record<string, TerraformJsonDocument> {
  return { platform: { resource: resources, ...(terraform === undefined ? {} : { terraform }) } };
}
