import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Agency, WORKLOAD_TEMPLATES, type WorkloadTemplate } from "../../environments/agency-schema";
import { type Environment } from "../../environments/schema";
import { ownershipLabels } from "../../estate/labels";
import { type Blocks, type InstanceValues, type TenantContext, TENANT_LABELS, tenantNamespace } from "../../estate/tenant-model";
import { addWorkloadInstances, CONFIG_HASH_ANNOTATION, NODE_ROLE_LABEL, workloadBlock } from "../../estate/workload-instances";
import { NATIONAL, SAMPLE_IMAGE, SAMPLE_MODEL, sampleAgency, podBlocks, WORKLOAD_SAMPLES } from "../support/fixtures";

const national = NATIONAL;

const IMAGE = SAMPLE_IMAGE;
const MODEL = SAMPLE_MODEL;
const digest = (c: string) => c.repeat(64);
const SAMPLES = WORKLOAD_SAMPLES;

const agency = sampleAgency;

function context(a: Agency, environment: Environment = national): TenantContext {
  const namespace = tenantNamespace(a.id);
  return {
    environment,
    regionId: "north",
    region: environment.regions.north!,
    agency: a,
    role: "home",
    namespace,
    labels: { ...ownershipLabels(environment.name, "north"), [TENANT_LABELS.agency]: a.id, [TENANT_LABELS.tenant]: namespace },
  };
}

/** Every instance of one agency's workloads. */
function instancesOf(a: Agency, environment: Environment = national): Blocks {
  const blocks: Blocks = new Map();
  const ctx = context(a, environment);
  for (const [name, workload] of Object.entries(a.workloads)) addWorkloadInstances(ctx, name, workload, blocks);
  return blocks;
}

function one(blocks: Blocks, block: string, key: string): InstanceValues {
  const values = blocks.get(block)?.get(key);
  if (values === undefined) throw new Error(`no instance ${block}["${key}"]; blocks: ${[...blocks.keys()].join(", ")}`);
  return values;
}

/**
 * What the first six templates promise, as resource types: pinned here by hand, apart from their
 * descriptors (test/environments/workloads/descriptors.test.ts checks every template's blocks
 * against its own descriptor).
 */
const PROMISED: Readonly<Partial<Record<WorkloadTemplate, string[]>>> = {
  "web-service": [
    "kubernetes_config_map_v1",
    "kubernetes_deployment_v1",
    "kubernetes_horizontal_pod_autoscaler_v2",
    "kubernetes_ingress_v1",
    "kubernetes_pod_disruption_budget_v1",
    "kubernetes_service_account_v1",
    "kubernetes_service_v1",
  ],
  worker: ["kubernetes_config_map_v1", "kubernetes_deployment_v1", "kubernetes_pod_disruption_budget_v1", "kubernetes_service_account_v1"],
  "scheduled-job": ["kubernetes_config_map_v1", "kubernetes_cron_job_v1", "kubernetes_service_account_v1"],
  "stateful-service": [
    "kubernetes_config_map_v1",
    "kubernetes_persistent_volume_claim_v1",
    "kubernetes_pod_disruption_budget_v1",
    "kubernetes_service_account_v1",
    "kubernetes_service_v1",
    "kubernetes_stateful_set_v1",
  ],
  "open-data-api": [
    "kubernetes_config_map_v1",
    "kubernetes_deployment_v1",
    "kubernetes_horizontal_pod_autoscaler_v2",
    "kubernetes_ingress_v1",
    "kubernetes_pod_disruption_budget_v1",
    "kubernetes_service_account_v1",
    "kubernetes_service_v1",
  ],
  "ai-inference": ["kubernetes_config_map_v1", "kubernetes_deployment_v1", "kubernetes_service_account_v1", "kubernetes_service_v1"],
};

/** The block that holds a template's pods. */
const POD_BLOCK: Readonly<Record<WorkloadTemplate, string>> = podBlocks();

describe("addWorkloadInstances", () => {
  it.each(Object.keys(PROMISED) as WorkloadTemplate[])("gives a %s every resource its template promises, keyed <agency>/<workload>", (template) => {
    const blocks = instancesOf(agency({ app: SAMPLES[template] }));
    const name = template.replaceAll("-", "_");
    expect([...blocks.keys()].sort()).toEqual(PROMISED[template]!.map((type) => `${type}.${name}`));
    for (const [block, instances] of blocks) {
      const expectedKeys =
        block === workloadBlock("stateful-service", "volumeClaim") ? ["bo-tai-chinh/app/0", "bo-tai-chinh/app/1", "bo-tai-chinh/app/2"] : ["bo-tai-chinh/app"];
      expect([...instances.keys()], block).toEqual(expectedKeys);
      for (const values of instances.values()) expect(values.namespace, block).toBe("tenant-bo-tai-chinh");
    }
  });

  it.each(WORKLOAD_TEMPLATES)("labels %s pods for selectors and policies, and never lets the agency override a platform key", (template) => {
    const a = agency({ app: { ...SAMPLES[template], labels: { team: "thue" } } });
    // The schema already rejects platform keys; the model must not depend on that alone.
    Object.assign(a.workloads.app!.labels, { [TENANT_LABELS.appName]: "spoofed", [TENANT_LABELS.agency]: "other", "app.kubernetes.io/part-of": "spoofed" });
    const blocks = instancesOf(a);
    const pod = one(blocks, POD_BLOCK[template], "bo-tai-chinh/app");
    const labels = pod.pod_labels as Record<string, string>;
    expect(labels).toMatchObject({
      ...context(a).labels,
      [TENANT_LABELS.appName]: "app",
      [TENANT_LABELS.agency]: "bo-tai-chinh",
      [TENANT_LABELS.workload]: "app",
      [TENANT_LABELS.template]: template,
      [TENANT_LABELS.system]: "portal",
      team: "thue",
    });
    expect(labels["app.kubernetes.io/part-of"]).toBe("govcloud");
    // Labelled for the ingress controller exactly when an Ingress publishes it.
    const exposed = [...blocks.keys()].some((block) => block.startsWith("kubernetes_ingress_v1."));
    expect(labels[TENANT_LABELS.ingress]).toBe(exposed ? "true" : undefined);
    // Selectors are exactly the workload selector, so network policies and services agree.
    if ("selector" in pod) expect(pod.selector).toEqual({ [TENANT_LABELS.appName]: "app", [TENANT_LABELS.agency]: "bo-tai-chinh" });
  });

  it.each(WORKLOAD_TEMPLATES)("sizes %s containers in millicores and MiB, from the workload's pinned image", (template) => {
    const a = agency({ app: { ...SAMPLES[template], resources: { cpu: 0.5, memoryMiB: 300, cpuLimit: 1.25, memoryLimitMiB: 600 } } });
    const pod = one(instancesOf(a), POD_BLOCK[template], "bo-tai-chinh/app");
    const gpu = template === "ai-inference" ? { "nvidia.com/gpu": "1" } : {};
    expect(pod.requests).toEqual({ cpu: "500m", memory: "300Mi", ...gpu });
    expect(pod.limits).toEqual({ cpu: "1250m", memory: "600Mi", ...gpu });
    expect(pod.image).toBe(IMAGE);
    const role = template === "ai-inference" ? "gpu" : template === "stateful-service" ? "storage" : "general";
    expect(pod.node_selector).toEqual({ [NODE_ROLE_LABEL]: role });
    // Every role a template asks for is a pool in the region.
    expect(Object.values(national.regions.north!.cluster.nodePools).map((p) => p.role)).toContain(role);
  });

  it("gives the pods of critical systems the high priority class, and none where the environment has none", () => {
    const critical = agency(
      { app: SAMPLES["web-service"] },
      { systems: { portal: { name: "Thuế", securityLevel: 4, approval: { decision: "1/QĐ-BTC", approvedOn: "2025-01-01", reviewDue: "2027-01-01" } } } },
    );
    expect(one(instancesOf(critical), POD_BLOCK["web-service"], "bo-tai-chinh/app").priority_class_name).toBe("govcloud-tenant-high");
    const plain = agency({ app: SAMPLES["web-service"] });
    expect(one(instancesOf(plain), POD_BLOCK["web-service"], "bo-tai-chinh/app").priority_class_name).toBe("govcloud-tenant-default");
    const bare = { ...national, platform: { ...national.platform, priorityClasses: {} } };
    expect(one(instancesOf(plain, bare), POD_BLOCK["web-service"], "bo-tai-chinh/app").priority_class_name).toBeNull();
  });

  it("puts plain variables in the ConfigMap and only names the Secret", () => {
    const blocks = instancesOf(agency({ app: { ...SAMPLES.worker, env: { B: "2", A: "1" } }, other: { ...SAMPLES.worker, secretName: "shared-db" } }));
    const config = one(blocks, workloadBlock("worker", "configMap"), "bo-tai-chinh/app");
    expect(config.name).toBe("app-env");
    expect(Object.keys(config.data as object)).toEqual(["A", "B"]);
    const pod = one(blocks, POD_BLOCK.worker, "bo-tai-chinh/app");
    expect(pod.config_map).toBe("app-env");
    expect(pod.secret_name).toBe("app-secrets");
    expect(one(blocks, POD_BLOCK.worker, "bo-tai-chinh/other").secret_name).toBe("shared-db");
  });

  it("restarts pods when their configuration changes, and only then", () => {
    const hash = (env: Record<string, string>) =>
      (one(instancesOf(agency({ app: { ...SAMPLES.worker, env } })), POD_BLOCK.worker, "bo-tai-chinh/app").pod_annotations as Record<string, string>)[
        CONFIG_HASH_ANNOTATION
      ];
    expect(hash({ A: "1", B: "2" })).toBe(hash({ B: "2", A: "1" }));
    expect(hash({ A: "1" })).not.toBe(hash({ A: "2" }));
    expect(hash({ A: "1" })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("makes open data APIs read-only and rate-limited, whatever the agency sets", () => {
    const blocks = instancesOf(agency({ app: { ...SAMPLES["open-data-api"], env: { READ_ONLY: "false" }, rateLimitPerSecond: 50 } }));
    expect(one(blocks, workloadBlock("open-data-api", "configMap"), "bo-tai-chinh/app").data).toEqual({ READ_ONLY: "true" });
    const ingress = one(blocks, workloadBlock("open-data-api", "ingress"), "bo-tai-chinh/app");
    expect(ingress.annotations).toEqual({
      "cert-manager.io/cluster-issuer": "govcloud-ca",
      "nginx.ingress.kubernetes.io/cors-allow-credentials": "false",
      "nginx.ingress.kubernetes.io/cors-allow-methods": "GET, HEAD, OPTIONS",
      "nginx.ingress.kubernetes.io/cors-allow-origin": "*",
      "nginx.ingress.kubernetes.io/enable-cors": "true",
      "nginx.ingress.kubernetes.io/limit-connections": "50",
      "nginx.ingress.kubernetes.io/limit-rps": "50",
    });
  });

  it("publishes web services on their host through the environment's ingress class and issuer", () => {
    const blocks = instancesOf(agency({ app: SAMPLES["web-service"] }));
    const ingress = one(blocks, workloadBlock("web-service", "ingress"), "bo-tai-chinh/app");
    expect(ingress).toMatchObject({
      name: "app",
      host: "portal.mof.gov.vn",
      ingress_class: national.tenancy.ingressClass,
      tls_secret: "app-tls",
      service: "app",
      port: 8080,
      annotations: { "cert-manager.io/cluster-issuer": national.tenancy.clusterIssuer },
    });
    expect(one(blocks, workloadBlock("web-service", "autoscaler"), "bo-tai-chinh/app")).toMatchObject({ target: "app", min_replicas: 2, max_replicas: 6 });
    expect(one(blocks, workloadBlock("web-service", "service"), "bo-tai-chinh/app")).toMatchObject({ name: "app", port: 8080 });
    // The autoscaler owns the replica count.
    expect(one(blocks, POD_BLOCK["web-service"], "bo-tai-chinh/app")).not.toHaveProperty("replicas");
  });

  it("gives AI inference its GPUs and the model from the in-country registry", () => {
    const blocks = instancesOf(agency({ app: { ...SAMPLES["ai-inference"], gpus: 2, env: { MODEL_URI: "elsewhere" } } }));
    expect(one(blocks, workloadBlock("ai-inference", "configMap"), "bo-tai-chinh/app").data).toEqual({ MODEL_URI: MODEL });
    const pod = one(blocks, POD_BLOCK["ai-inference"], "bo-tai-chinh/app");
    expect((pod.limits as Record<string, string>)["nvidia.com/gpu"]).toBe("2");
    expect((pod.requests as Record<string, string>)["nvidia.com/gpu"]).toBe("2");
    expect(blocks.has(workloadBlock("ai-inference", "ingress"))).toBe(false);
  });

  it("claims one volume per stateful replica, named as the StatefulSet looks for it", () => {
    const blocks = instancesOf(agency({ db: { ...SAMPLES["stateful-service"], replicas: 2, storageGiB: 50 }, tuned: { ...SAMPLES["stateful-service"], replicas: 1, storageClass: "bulk-hdd" } }));
    const claims = blocks.get(workloadBlock("stateful-service", "volumeClaim"))!;
    expect([...claims.keys()]).toEqual(["bo-tai-chinh/db/0", "bo-tai-chinh/db/1", "bo-tai-chinh/tuned/0"]);
    expect(claims.get("bo-tai-chinh/db/1")).toMatchObject({ name: "data-db-1", namespace: "tenant-bo-tai-chinh", storage: "50Gi", storage_class: "retained-ssd" });
    expect(claims.get("bo-tai-chinh/tuned/0")).toMatchObject({ name: "data-tuned-0", storage_class: "bulk-hdd" });
    const set = one(blocks, POD_BLOCK["stateful-service"], "bo-tai-chinh/db");
    expect(set).toMatchObject({ replicas: 2, service: "db", storage: "50Gi", storage_class: "retained-ssd", port: 5432 });
  });

  it("runs exec probes for templates without a port", () => {
    const blocks = instancesOf(agency({ w: SAMPLES.worker, j: { ...SAMPLES["scheduled-job"], healthCommand: ["/app/check"] } }));
    expect(one(blocks, POD_BLOCK.worker, "bo-tai-chinh/w").health_command).toEqual(["cat", "/tmp/healthy"]);
    const job = one(blocks, POD_BLOCK["scheduled-job"], "bo-tai-chinh/j");
    expect(job).toMatchObject({ health_command: ["/app/check"], schedule: "0 2 * * *", active_deadline_seconds: 3600 });
  });

  it("refuses images and models from outside the country's registries", () => {
    const foreignImage = agency({ app: { ...SAMPLES.worker, image: `docker.io/library/nginx@sha256:${digest("c")}` } });
    expect(() => instancesOf(foreignImage)).toThrow("internal: bo-tai-chinh/app pulls from docker.io, which is not an in-country registry");
    const foreignModel = agency({ app: { ...SAMPLES["ai-inference"], model: `oci://huggingface.co/x/y@sha256:${digest("d")}` } });
    expect(() => instancesOf(foreignModel)).toThrow("pulls from huggingface.co");
  });

  it("holds only JSON data: no secret values, no dates, the same output for the same input", () => {
    const workloads = Object.fromEntries(WORKLOAD_TEMPLATES.map((t) => [t, SAMPLES[t]]));
    const first = instancesOf(agency(workloads));
    const again = instancesOf(agency(workloads));
    const json = (b: Blocks) => JSON.stringify([...b].map(([k, v]) => [k, [...v]]));
    expect(json(again)).toBe(json(first));
    expect(JSON.parse(json(first))).toStrictEqual([...first].map(([k, v]) => [k, [...v]]));
  });

  it("keeps a workload's instances unchanged when other workloads and agencies are added (property)", () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), { minLength: 0, maxLength: 5 });
    fc.assert(
      fc.property(fc.constantFrom(...WORKLOAD_TEMPLATES), names, fc.constantFrom(...WORKLOAD_TEMPLATES), (template, others, otherTemplate) => {
        const alone = instancesOf(agency({ app: SAMPLES[template] }));
        const crowd: Blocks = new Map();
        // Another agency first, then this agency with more workloads around the one we watch.
        const neighbour = agency(Object.fromEntries(others.map((n) => [n, SAMPLES[otherTemplate]])), { id: "so-y-te-ha-noi", displayName: "Sở Y tế Hà Nội", level: "provincial", code: "01" });
        for (const [n, w] of Object.entries(neighbour.workloads)) addWorkloadInstances(context(neighbour), n, w, crowd);
        const self = agency({ ...Object.fromEntries(others.filter((n) => n !== "app").map((n) => [n, SAMPLES[otherTemplate]])), app: SAMPLES[template] });
        for (const [n, w] of Object.entries(self.workloads)) addWorkloadInstances(context(self), n, w, crowd);
        for (const [block, instances] of alone) {
          for (const [key, values] of instances) expect(crowd.get(block)?.get(key), `${block}["${key}"]`).toEqual(values);
        }
      }),
      { numRuns: 50 },
    );
  });
});
