import { beforeAll, describe, expect, it } from "vitest";
import { type Agency, WORKLOAD_TEMPLATES, type WorkloadTemplate } from "../../environments/agency-schema";
import { ownershipLabels } from "../../estate/labels";
import { TenantWorkloads, WORKLOAD_BLOCKS } from "../../constructs/tenant-workloads";
import { type Blocks, type TenantContext, TENANT_LABELS, addInstance, tenantNamespace } from "../../estate/tenant-model";
import { addWorkloadInstances, NODE_ROLE_LABEL, workloadBlock } from "../../estate/workload-instances";
import { checkTerraformJson, loadProviderSchemas, type ProviderSchemas, providerSchemasDir } from "../support/provider-schema";
import {  synthConstructs, type TerraformJson } from "../support/synth";
import { NATIONAL, SAMPLE_IMAGE, SAMPLE_MODEL, sampleAgency, podBlocks, WORKLOAD_SAMPLES } from "../support/fixtures";

const national = NATIONAL;
const REGISTRIES = new Set(Object.values(national.regions).map((r) => r.registries.images));

const IMAGE = SAMPLE_IMAGE;
const MODEL = SAMPLE_MODEL;
const SAMPLES = WORKLOAD_SAMPLES;

function agency(id: string, workloads: Record<string, unknown>): Agency {
  return sampleAgency(workloads, { id, displayName: `Cơ quan ${id}` });
}

function context(a: Agency): TenantContext {
  const namespace = tenantNamespace(a.id);
  return {
    environment: national,
    regionId: "north",
    region: national.regions.north!,
    agency: a,
    role: "home",
    namespace,
    labels: { ...ownershipLabels(national.name, "north"), [TENANT_LABELS.agency]: a.id, [TENANT_LABELS.tenant]: namespace },
  };
}

function addAgency(blocks: Blocks, a: Agency): Blocks {
  for (const [name, workload] of Object.entries(a.workloads)) addWorkloadInstances(context(a), name, workload, blocks);
  return blocks;
}

function render(blocks: Blocks): TerraformJson {
  return synthConstructs((stack) => new TenantWorkloads(stack, "workloads", { blocks }));
}

// Synthesized JSON, navigated freely; the assertions check the shapes.
type Json = Record<string, any>;

/** A block's resource body in the synthesized document: `kubernetes_deployment_v1.web_service`. */
function bodyOf(doc: TerraformJson, block: string): Json {
  const [type, name] = block.split(".") as [string, string];
  const body = doc.resource?.[type]?.[name];
  if (body === undefined) throw new Error(`no resource ${block}; have ${Object.keys(doc.resource ?? {}).join(", ")}`);
  return body as Json;
}

/** The body with `${each.value.<field>}` replaced by one instance's values, as Terraform would. */
function resolve(value: unknown, instance: Json): unknown {
  if (typeof value === "string") {
    const ref = /^\$\{each\.value\.([a-z_]+)\}$/.exec(value);
    if (ref === null) return value;
    if (!(ref[1]! in instance)) throw new Error(`each.value.${ref[1]} is not in the instance`);
    return instance[ref[1]!];
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, instance));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, instance)]));
  return value;
}

/** One instance of a block, resolved. */
function instanceOf(doc: TerraformJson, block: string, key: string): Json {
  const { for_each: forEach, ...body } = bodyOf(doc, block);
  const instance = (forEach as Record<string, Json>)[key];
  if (instance === undefined) throw new Error(`no instance ${block}["${key}"]`);
  return resolve(body, instance) as Json;
}

const POD_BLOCK: Readonly<Record<WorkloadTemplate, string>> = podBlocks();

/** The pod template of a Deployment, StatefulSet or CronJob body. */
function podTemplateOf(resource: Json): Json {
  return resource.spec.job_template !== undefined ? resource.spec.job_template.spec.template : resource.spec.template;
}

/** The restricted Pod Security profile, and the platform's own rules on top, field by field. */
function expectRestricted(pod: Json, where: string): void {
  const spec = pod.spec as Json;
  expect(spec.automount_service_account_token, where).toBe(false);
  for (const host of ["host_network", "host_pid", "host_ipc"]) expect(spec[host] ?? false, `${where} ${host}`).toBe(false);
  expect(spec.security_context.run_as_non_root, where).toBe(true);
  // Non-zero, and the same user in every tenant container.
  expect(spec.security_context.run_as_user, where).toBe("10001");
  expect(spec.security_context.run_as_group, where).toBe("10001");
  expect(spec.security_context.seccomp_profile, where).toEqual({ type: "RuntimeDefault" });
  expect(spec.init_container, where).toBeUndefined();
  const volumes = (spec.volume ?? []) as Json[];
  for (const volume of volumes) expect(Object.keys(volume).sort(), `${where} volume ${volume.name}`).toEqual(["empty_dir", "name"]);
  expect(volumes, where).toContainEqual({ name: "tmp", empty_dir: {} });

  const containers = spec.container as Json[];
  expect(containers.length, where).toBeGreaterThan(0);
  for (const c of containers) {
    const sc = c.security_context as Json;
    expect(sc.allow_privilege_escalation, where).toBe(false);
    expect(sc.read_only_root_filesystem, where).toBe(true);
    expect(sc.run_as_non_root, where).toBe(true);
    expect(sc.run_as_user, where).toBe("10001");
    expect(sc.run_as_group, where).toBe("10001");
    expect(sc.privileged ?? false, where).toBe(false);
    expect(sc.capabilities, where).toEqual({ drop: ["ALL"] });
    expect(sc.seccomp_profile, where).toEqual({ type: "RuntimeDefault" });

    expect(c.image_pull_policy, where).toBe("Always");
    expect(c.image, where).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(REGISTRIES.has(String(c.image).split("/")[0]!), `${where} image ${c.image}`).toBe(true);
    for (const port of (c.port ?? []) as Json[]) expect(port.host_port, where).toBeUndefined();
    expect(c.volume_mount, where).toContainEqual({ name: "tmp", mount_path: "/tmp" });

    for (const side of ["requests", "limits"]) {
      expect(c.resources[side].cpu, `${where} ${side}`).toMatch(/^[1-9]\d*m$/);
      expect(c.resources[side].memory, `${where} ${side}`).toMatch(/^[1-9]\d*Mi$/);
    }
    for (const probe of ["liveness_probe", "readiness_probe"]) {
      const handlers = ["http_get", "tcp_socket", "exec"].filter((h) => c[probe]?.[h] !== undefined);
      expect(handlers, `${where} ${probe}`).toHaveLength(1);
    }
  }
}

let schemas: ProviderSchemas;
beforeAll(() => {
  schemas = loadProviderSchemas(providerSchemasDir());
});

describe.each(WORKLOAD_TEMPLATES)("TenantWorkloads: %s", (template) => {
  const a = agency("bo-tai-chinh", { app: SAMPLES[template] });
  const blocks = addAgency(new Map(), a);
  let doc: TerraformJson;
  beforeAll(() => {
    doc = render(blocks);
  });

  it("renders every block of the template as one for_each resource keyed <agency>/<workload>", () => {
    const rendered = Object.entries(doc.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    expect(rendered.sort()).toEqual([...blocks.keys()].sort());
    for (const [block, instances] of blocks) {
      expect(WORKLOAD_BLOCKS.has(block), block).toBe(true);
      expect(block.endsWith(`.${template.replaceAll("-", "_")}`), block).toBe(true);
      const keys = Object.keys(bodyOf(doc, block).for_each as object);
      expect(keys, block).toEqual([...instances.keys()]);
      for (const key of keys) expect(key, block).toMatch(/^bo-tai-chinh\/app(\/\d+)?$/);
    }
  });

  it("runs every container under the restricted profile, with requests, limits and probes", () => {
    const pod = podTemplateOf(instanceOf(doc, POD_BLOCK[template], "bo-tai-chinh/app"));
    expectRestricted(pod, template);
    const container = pod.spec.container[0] as Json;
    expect(container.image).toBe(IMAGE);
    const role = template === "ai-inference" ? "gpu" : template === "stateful-service" ? "storage" : "general";
    expect(pod.spec.node_selector).toEqual({ [NODE_ROLE_LABEL]: role });
    expect(pod.spec.priority_class_name).toBe("govcloud-tenant-default");
    expect(pod.spec.service_account_name).toBe("app");
    expect(pod.metadata.labels).toMatchObject({ [TENANT_LABELS.appName]: "app", [TENANT_LABELS.agency]: "bo-tai-chinh", [TENANT_LABELS.template]: template });
    // Configuration from the workload's ConfigMap, secrets from a Secret that IaC never writes.
    expect(container.env).toBeUndefined();
    expect(container.env_from).toEqual([{ config_map_ref: { name: "app-env" } }, { secret_ref: { name: "app-secrets", optional: true } }]);
    const config = instanceOf(doc, workloadBlock(template, "configMap"), "bo-tai-chinh/app");
    expect(config.metadata.name).toBe("app-env");
    const account = instanceOf(doc, workloadBlock(template, "serviceAccount"), "bo-tai-chinh/app");
    expect(account).toMatchObject({ metadata: { name: "app", namespace: "tenant-bo-tai-chinh" }, automount_service_account_token: false });

    const serving = template !== "worker" && template !== "scheduled-job";
    if (template === "stateful-service") {
      expect(container.liveness_probe.tcp_socket).toEqual([{ port: 5432 }]);
    } else if (serving) {
      const sample = a.workloads.app as { healthPath: string; port: number };
      expect(container.readiness_probe.http_get).toEqual({ path: sample.healthPath, port: sample.port });
      expect(container.port).toEqual([{ name: "http", container_port: sample.port, protocol: "TCP" }]);
    } else {
      expect(container.liveness_probe.exec).toEqual({ command: ["cat", "/tmp/healthy"] });
      expect(container.port).toBeUndefined();
    }
  });

  it("passes the provider-schema conformance check", () => {
    expect(checkTerraformJson(doc, schemas)).toEqual([]);
  });
});

describe("TenantWorkloads", () => {
  const all = agency("bo-tai-chinh", Object.fromEntries(WORKLOAD_TEMPLATES.map((t) => [t, SAMPLES[t]])));
  let doc: TerraformJson;
  beforeAll(() => {
    doc = render(addAgency(new Map(), all));
  });

  it("owns exactly the blocks the estate fills for the six templates", () => {
    const filled = [...addAgency(new Map(), all).keys()].sort();
    expect([...WORKLOAD_BLOCKS].sort()).toEqual(filled);
  });

  it("publishes web services through the environment's ingress class, with TLS from its issuer", () => {
    const ingress = instanceOf(doc, workloadBlock("web-service", "ingress"), "bo-tai-chinh/web-service");
    expect(ingress.metadata.annotations).toEqual({ "cert-manager.io/cluster-issuer": "govcloud-ca" });
    expect(ingress.spec.ingress_class_name).toBe("nginx");
    expect(ingress.spec.tls).toEqual([{ hosts: ["portal.mof.gov.vn"], secret_name: "web-service-tls" }]);
    expect(ingress.spec.rule).toEqual([
      {
        host: "portal.mof.gov.vn",
        http: { path: [{ path: "/", path_type: "Prefix", backend: { service: { name: "web-service", port: { number: 8080 } } } }] },
      },
    ]);
    const pod = podTemplateOf(instanceOf(doc, POD_BLOCK["web-service"], "bo-tai-chinh/web-service"));
    expect(pod.metadata.labels[TENANT_LABELS.ingress]).toBe("true");
    const service = instanceOf(doc, workloadBlock("web-service", "service"), "bo-tai-chinh/web-service");
    expect(service.spec).toMatchObject({ type: "ClusterIP", selector: { [TENANT_LABELS.appName]: "web-service", [TENANT_LABELS.agency]: "bo-tai-chinh" } });
    expect(service.spec.cluster_ip).toBeUndefined();
  });

  it("scales web services and open data APIs on CPU, and lets the autoscaler own the replica count", () => {
    for (const template of ["web-service", "open-data-api"] as const) {
      const hpa = instanceOf(doc, workloadBlock(template, "autoscaler"), `bo-tai-chinh/${template}`);
      expect(hpa.spec.scale_target_ref).toEqual({ api_version: "apps/v1", kind: "Deployment", name: template });
      expect(hpa.spec.metric).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } }]);
      expect(hpa.spec.min_replicas).toBe(2);
      expect(instanceOf(doc, POD_BLOCK[template], `bo-tai-chinh/${template}`).spec.replicas).toBeUndefined();
    }
  });

  it("limits disruption to one pod at a time", () => {
    for (const template of ["web-service", "worker", "stateful-service", "open-data-api"] as const) {
      const pdb = instanceOf(doc, workloadBlock(template, "disruptionBudget"), `bo-tai-chinh/${template}`);
      expect(pdb.spec.max_unavailable).toBe("1");
      expect(pdb.spec.selector.match_labels).toEqual({ [TENANT_LABELS.appName]: template, [TENANT_LABELS.agency]: "bo-tai-chinh" });
    }
  });

  it("makes open data APIs read-only, rate-limited and readable from any browser", () => {
    const ingress = instanceOf(doc, workloadBlock("open-data-api", "ingress"), "bo-tai-chinh/open-data-api");
    expect(ingress.metadata.annotations).toMatchObject({
      "nginx.ingress.kubernetes.io/limit-rps": "20",
      "nginx.ingress.kubernetes.io/limit-connections": "20",
      "nginx.ingress.kubernetes.io/enable-cors": "true",
      "nginx.ingress.kubernetes.io/cors-allow-methods": "GET, HEAD, OPTIONS",
      "cert-manager.io/cluster-issuer": "govcloud-ca",
    });
    expect(instanceOf(doc, workloadBlock("open-data-api", "configMap"), "bo-tai-chinh/open-data-api").data).toEqual({ READ_ONLY: "true" });
  });

  it("runs scheduled jobs one at a time, in Vietnam's time zone, within their deadline", () => {
    const job = instanceOf(doc, POD_BLOCK["scheduled-job"], "bo-tai-chinh/scheduled-job");
    expect(job.spec).toMatchObject({
      schedule: "0 2 * * *",
      timezone: "Asia/Ho_Chi_Minh",
      concurrency_policy: "Forbid",
      successful_jobs_history_limit: 3,
      failed_jobs_history_limit: 3,
    });
    expect(job.spec.job_template.spec).toMatchObject({ active_deadline_seconds: 3600, backoff_limit: 2 });
    expect(podTemplateOf(job).spec.restart_policy).toBe("Never");
  });

  it("schedules AI inference on GPU nodes with its GPUs, its model and an internal service only", () => {
    const pod = podTemplateOf(instanceOf(doc, POD_BLOCK["ai-inference"], "bo-tai-chinh/ai-inference"));
    expect(pod.spec.toleration).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    const gpuTaints = Object.values(national.regions.north!.cluster.nodePools).filter((p) => p.role === "gpu").flatMap((p) => p.taints);
    for (const taint of gpuTaints) expect(pod.spec.toleration).toContainEqual(expect.objectContaining({ key: taint.key, effect: taint.effect }));
    const { resources } = pod.spec.container[0];
    expect(resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(resources.requests["nvidia.com/gpu"]).toBe("1");
    expect(instanceOf(doc, workloadBlock("ai-inference", "configMap"), "bo-tai-chinh/ai-inference").data).toEqual({ MODEL_URI: MODEL });
    expect(instanceOf(doc, workloadBlock("ai-inference", "service"), "bo-tai-chinh/ai-inference").spec.type).toBe("ClusterIP");
    expect(doc.resource?.kubernetes_ingress_v1?.ai_inference).toBeUndefined();
  });

  it("creates a stateful service's volumes first, under the names its StatefulSet claims, and never destroys them", () => {
    const claims = bodyOf(doc, workloadBlock("stateful-service", "volumeClaim"));
    expect(claims.lifecycle).toEqual({ prevent_destroy: true });
    expect(claims.wait_until_bound).toBe(false);
    const set = instanceOf(doc, POD_BLOCK["stateful-service"], "bo-tai-chinh/stateful-service");
    expect(bodyOf(doc, POD_BLOCK["stateful-service"]).depends_on).toContain("kubernetes_persistent_volume_claim_v1.stateful_service");
    const [template] = set.spec.volume_claim_template as Json[];
    const names = Array.from({ length: Number(set.spec.replicas) }, (_, i) => `${template!.metadata.name}-${set.metadata.name}-${i}`);
    expect(names).toEqual(["data-stateful-service-0", "data-stateful-service-1", "data-stateful-service-2"]);
    names.forEach((name, i) => {
      const claim = instanceOf(doc, workloadBlock("stateful-service", "volumeClaim"), `bo-tai-chinh/stateful-service/${i}`);
      expect(claim.metadata).toMatchObject({ name, namespace: set.metadata.namespace });
      expect(claim.spec).toEqual(template!.spec);
      expect(claim.spec.storage_class_name).toBe("retained-ssd");
    });
    const service = instanceOf(doc, workloadBlock("stateful-service", "service"), "bo-tai-chinh/stateful-service");
    expect(service.spec.cluster_ip).toBe("None");
    expect(set.spec.service_name).toBe(service.metadata.name);
  });

  it("creates pods after their service account and configuration", () => {
    for (const template of WORKLOAD_TEMPLATES) {
      const dependsOn = bodyOf(doc, POD_BLOCK[template]).depends_on as string[];
      expect(dependsOn).toContain(workloadBlock(template, "serviceAccount"));
      expect(dependsOn).toContain(workloadBlock(template, "configMap"));
    }
  });

  it("leaves blocks it does not own to their constructs", () => {
    const blocks = addAgency(new Map(), agency("bo-tai-chinh", { app: SAMPLES.worker }));
    addInstance(blocks, "kubernetes_namespace_v1.tenant", "bo-tai-chinh", { name: "tenant-bo-tai-chinh" });
    const out = render(blocks);
    expect(out.resource?.kubernetes_namespace_v1).toBeUndefined();
    expect(Object.keys(out.resource?.kubernetes_deployment_v1 ?? {})).toEqual(["worker"]);
  });

  it("writes agency text literally, never as a Terraform template", () => {
    const hostile = agency("bo-tai-chinh", { app: { ...SAMPLES.worker, env: { A: '${file("/etc/passwd")}', B: "%{ if true }x%{ endif }", C: "$${already}" } } });
    const out = render(addAgency(new Map(), hostile));
    const data = (bodyOf(out, workloadBlock("worker", "configMap")).for_each as Record<string, Json>)["bo-tai-chinh/app"]!.data;
    expect(data).toEqual({ A: '$${file("/etc/passwd")}', B: "%%{ if true }x%%{ endif }", C: "$$${already}" });
    expect(checkTerraformJson(out, schemas)).toEqual([]);
  });

  it("renders the same bytes whatever order agencies and workloads were added in", () => {
    const first = agency("bo-tai-chinh", { a: SAMPLES.worker, b: SAMPLES["web-service"] });
    const second = agency("so-y-te-ha-noi", { c: SAMPLES.worker });
    const forward = render(addAgency(addAgency(new Map(), first), second));
    const backward = render(addAgency(addAgency(new Map(), second), agency("bo-tai-chinh", { b: SAMPLES["web-service"], a: SAMPLES.worker })));
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it("leaves an agency's resources unchanged when another agency or workload is added", () => {
    const alone = render(addAgency(new Map(), all));
    const more = render(
      addAgency(
        addAgency(new Map(), agency("bo-tai-chinh", { ...Object.fromEntries(WORKLOAD_TEMPLATES.map((t) => [t, SAMPLES[t]])), extra: SAMPLES["stateful-service"] })),
        agency("so-y-te-ha-noi", { portal: SAMPLES["web-service"] }),
      ),
    );
    for (const [type, byName] of Object.entries(alone.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const { for_each: forEach, ...rest } = body as Json;
        const other = more.resource?.[type]?.[name] as Json;
        const { for_each: otherForEach, ...otherRest } = other;
        expect(otherRest, `${type}.${name}`).toEqual(rest);
        for (const [key, values] of Object.entries(forEach as Json)) expect(otherForEach[key], `${type}.${name}["${key}"]`).toEqual(values);
      }
    }
    expect(Object.keys(more.resource?.kubernetes_stateful_set_v1?.stateful_service?.for_each as object)).toEqual([
      "bo-tai-chinh/extra",
      "bo-tai-chinh/stateful-service",
    ]);
  });
});
