/**
 * Every workload template descriptor, table-driven: whatever a descriptor declares (traits,
 * rendering, sizing, onboarding) agrees with what it renders and synthesizes. A new template
 * gets these checks by being listed in environments/workloads/index.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { AgencySchema } from "../../../environments/agency-schema";
import {
  POD_OWNER_KINDS,
  WORKLOAD_KINDS,
  WORKLOAD_TEMPLATE_DESCRIPTORS,
  WORKLOAD_TEMPLATE_ENTRIES,
  WORKLOAD_TEMPLATES,
  WorkloadSchema,
  type WorkloadTemplateEntry,
} from "../../../environments/workloads";
import { renderAgencyFile } from "../../../cli/onboard-file";
import { TenantWorkloads } from "../../../constructs/tenant-workloads";
import { ownershipLabels } from "../../../estate/labels";
import { type Blocks, TENANT_LABELS, type TenantContext, tenantNamespace } from "../../../estate/tenant-model";
import { addWorkloadInstances, NODE_ROLE_LABEL, WORKLOAD_RESOURCE_TYPES, workloadBlock } from "../../../estate/workload-instances";
import { NATIONAL, SAMPLE_IMAGE, sampleAgency, WORKLOAD_SAMPLES } from "../../support/fixtures";
import { checkTerraformJson, loadProviderSchemas, type ProviderSchemas, providerSchemasDir } from "../../support/provider-schema";
import { REPO_ROOT, synthConstructs, type TerraformJson } from "../../support/synth";

// Synthesized JSON, navigated freely; the assertions check the shapes.
type Json = Record<string, any>;

const NAME = "app";

/** One home tenant in north running one sample workload of the template. */
function rendered(entry: WorkloadTemplateEntry): { blocks: Blocks; doc: TerraformJson } {
  const agency = sampleAgency({ [NAME]: WORKLOAD_SAMPLES[entry.template] });
  const namespace = tenantNamespace(agency.id);
  const ctx: TenantContext = {
    environment: NATIONAL,
    regionId: "north",
    region: NATIONAL.regions.north!,
    agency,
    role: "home",
    namespace,
    labels: { ...ownershipLabels(NATIONAL.name, "north"), [TENANT_LABELS.agency]: agency.id, [TENANT_LABELS.tenant]: namespace },
  };
  const blocks: Blocks = new Map();
  addWorkloadInstances(ctx, NAME, agency.workloads[NAME]!, blocks);
  return { blocks, doc: synthConstructs((stack) => new TenantWorkloads(stack, "workloads", { blocks })) };
}

/** The kinds a descriptor renders, in WORKLOAD_KINDS order. */
function kindsOf(entry: WorkloadTemplateEntry) {
  return WORKLOAD_KINDS.filter((kind) => entry.rendering[kind] !== undefined);
}

/** The pod spec of the template's pod owner (Deployment, StatefulSet or CronJob). */
function podSpecOf(doc: TerraformJson, entry: WorkloadTemplateEntry): Json {
  const owners = kindsOf(entry).filter((k) => POD_OWNER_KINDS.has(k));
  expect(owners).toHaveLength(1);
  const [type, name] = workloadBlock(entry.template, owners[0]!).split(".") as [string, string];
  const body = doc.resource?.[type]?.[name] as Json;
  const template = body.spec.job_template !== undefined ? body.spec.job_template.spec.template : body.spec.template;
  return template.spec;
}

describe("workload template descriptors", () => {
  let schemas: ProviderSchemas;
  beforeAll(() => {
    schemas = loadProviderSchemas(providerSchemasDir());
  });

  it("lists every descriptor module of environments/workloads/ once, by its file name", () => {
    const dir = path.join(REPO_ROOT, "environments", "workloads");
    const shared = new Set(["descriptor.ts", "fields.ts", "index.ts", "catalog.ts"]);
    const modules = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !shared.has(f)).map((f) => f.slice(0, -3)).sort();
    expect([...WORKLOAD_TEMPLATES].sort()).toEqual(modules);
    expect(new Set(WORKLOAD_TEMPLATES).size).toBe(WORKLOAD_TEMPLATE_DESCRIPTORS.length);
    expect(WorkloadSchema.options.map((o) => o.shape.template.value)).toEqual(WORKLOAD_TEMPLATES);
  });

  describe.each(WORKLOAD_TEMPLATE_ENTRIES.map((entry) => [entry.template, entry] as const))("%s", (template, entry) => {
    it("renders and synthesizes exactly the kinds it declares, valid against the provider schema", () => {
      const { blocks, doc } = rendered(entry);
      const expected = kindsOf(entry).map((kind) => workloadBlock(template, kind));
      expect([...blocks.keys()].sort()).toEqual([...expected].sort());
      const synthesized = Object.entries(doc.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName as Json).map((name) => `${type}.${name}`));
      expect(synthesized.sort()).toEqual([...expected].sort());
      expect(checkTerraformJson(doc, schemas)).toEqual([]);
      // Every kind has its Terraform type, and every template has its account and configuration.
      for (const kind of kindsOf(entry)) expect(WORKLOAD_RESOURCE_TYPES[kind]).toMatch(/^kubernetes_/);
      expect(entry.rendering.serviceAccount).toBeDefined();
      expect(entry.rendering.configMap).toBeDefined();
      expect(kindsOf(entry).filter((k) => POD_OWNER_KINDS.has(k))).toHaveLength(1);
    });

    it("has traits that agree with what it renders", () => {
      const { blocks, doc } = rendered(entry);
      const kinds = new Set(kindsOf(entry));
      const workload = WorkloadSchema.parse(WORKLOAD_SAMPLES[template]);
      const sizing = entry.sizing(workload);
      const pod = podSpecOf(doc, entry);
      const podInstance = [...blocks.entries()].find(([block]) => [...POD_OWNER_KINDS].some((k) => block === workloadBlock(template, k)))![1].get(`bo-tai-chinh/${NAME}`) as Json;

      // Exposed: an ingress and an autoscaled public service, and pods labelled for the ingress controller.
      expect(kinds.has("ingress")).toBe(entry.traits.exposed);
      expect(podInstance.pod_labels[TENANT_LABELS.ingress] === "true").toBe(entry.traits.exposed);
      // Holds data: volume claims mounted by the pods, and volumes the backup hooks cover.
      expect(kinds.has("volumeClaim")).toBe(entry.traits.holdsData);
      expect(entry.volumes !== undefined).toBe(entry.traits.holdsData);
      expect(sizing.storageGiBPerReplica > 0).toBe(entry.traits.holdsData);
      expect(entry.traits.holdsData ? entry.traits.nodeRole : "storage").toBe("storage");
      // GPUs: on the GPU pool, tolerating its taint, asking for its GPUs.
      expect(sizing.gpusPerReplica > 0).toBe(entry.traits.nodeRole === "gpu");
      expect((pod.toleration ?? []).some((t: Json) => t.key === "nvidia.com/gpu")).toBe(entry.traits.nodeRole === "gpu");
      expect(podInstance.node_selector).toEqual({ [NODE_ROLE_LABEL]: entry.traits.nodeRole });
      // Read-only: the container is told so.
      const configMap = blocks.get(workloadBlock(template, "configMap"))!.get(`bo-tai-chinh/${NAME}`) as Json;
      expect(configMap.data.READ_ONLY === "true").toBe(entry.traits.readOnly);
      // A probe on a port needs a port; an autoscaler owns the replica count where there is one.
      expect(sizing.maxReplicas).toBeGreaterThanOrEqual(sizing.replicas);
      if (entry.rendering.deployment !== undefined) expect(entry.rendering.deployment.replicas === true).toBe(!kinds.has("autoscaler"));
    });

    it("gives a valid workload from its schema's defaults and its example, and a valid agency from onboard", () => {
      const parsed = entry.schema.parse({ template, system: "portal", image: SAMPLE_IMAGE, ...entry.onboarding.example });
      // Every field the example leaves out is filled in by a default (or is optional).
      const shape: Readonly<Record<string, { safeParse(v: unknown): { success: boolean } }>> = entry.schema.shape;
      for (const [key, field] of Object.entries(shape)) {
        if (!(key in parsed)) expect(field.safeParse(undefined).success).toBe(true);
      }
      expect(WorkloadSchema.parse(parsed)).toEqual(parsed);
      expect(entry.onboarding.purpose).not.toBe("");

      const text = renderAgencyFile({
        environment: NATIONAL.name,
        id: "so-thu-nghiem",
        homeRegion: "north",
        drRegion: "south",
        templates: [template],
        image: SAMPLE_IMAGE,
        model: typeof entry.onboarding.example.model === "string" ? entry.onboarding.example.model : undefined,
        now: new Date("2026-01-15T03:00:00Z"),
      });
      const agency = AgencySchema.parse(YAML.parse(text));
      expect(agency.workloads[template]?.template).toBe(template);
      expect(text).toContain(entry.onboarding.purpose);
    });
  });
});
