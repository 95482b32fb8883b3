/**
 * Every Kubernetes object and every pod template of every synthesized stack of national carries
 * all the green labels, with valid values: typed resources (each for_each instance expanded),
 * `kubernetes_manifest` objects, and the Helm releases' label values. Checked over everything,
 * not a sample.
 */
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizedOutput } from "../support/synthesized";
import { UNLABELLED_RESOURCE_TYPES } from "../../constructs/green-labels-aspect";
import { ADD_ONS, isAddOnName } from "../../estate/add-ons";
import {
  GREEN_LABELS,
  isLabelKey,
  isLabelValue,
  REGION_GREEN_LABEL_KEYS,
  regionGreenLabels,
  TENANT_GREEN_LABEL_KEYS,
} from "../../estate/green-labels";
import { readStacks, type TerraformJson } from "../support/synth";
import { NATIONAL } from "../support/fixtures";

type Json = Record<string, unknown>;

/** Template metadata of typed resources, as the Terraform JSON spells it (snake_case). */
const TYPED_TEMPLATES: Record<string, string[][]> = {
  kubernetes_deployment_v1: [["spec", "template", "metadata"]],
  kubernetes_stateful_set_v1: [["spec", "template", "metadata"]],
  kubernetes_daemon_set_v1: [["spec", "template", "metadata"]],
  kubernetes_job_v1: [["spec", "template", "metadata"]],
  kubernetes_cron_job_v1: [
    ["spec", "job_template", "metadata"],
    ["spec", "job_template", "spec", "template", "metadata"],
  ],
};

/** Template metadata of manifests by kind: workloads, and Cluster API machine templates. */
const MANIFEST_TEMPLATES: Record<string, string[][]> = {
  Deployment: [["spec", "template", "metadata"]],
  StatefulSet: [["spec", "template", "metadata"]],
  DaemonSet: [["spec", "template", "metadata"]],
  Job: [["spec", "template", "metadata"]],
  CronJob: [
    ["spec", "jobTemplate", "metadata"],
    ["spec", "jobTemplate", "spec", "template", "metadata"],
  ],
  MachineDeployment: [["spec", "template", "metadata"]],
  KubeadmControlPlane: [["spec", "machineTemplate", "metadata"]],
};

/** One Kubernetes object (or template) found in the output, with its labels. */
interface Labelled {
  readonly where: string;
  readonly labels: unknown;
  /** The tenant namespace it is in or is, if any. */
  readonly tenant?: string;
}

const env = NATIONAL;
let stacks: Map<string, TerraformJson>;

beforeAll(() => {
  stacks = readStacks(synthesizedOutput("national"));
});

/** `${each.value.x}` replaced by the instance's value of x, everywhere in a body. */
function expand(value: unknown, instance: Json | undefined): unknown {
  if (typeof value === "string") {
    const field = /^\$\{each\.value\.([A-Za-z0-9_]+)\}$/.exec(value)?.[1];
    return field !== undefined && instance !== undefined ? instance[field] : value;
  }
  if (Array.isArray(value)) return value.map((v) => expand(v, instance));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, instance)]));
  return value;
}

/** A value at a path, looking into single-item lists (Terraform JSON may write blocks either way). */
function at(value: unknown, steps: readonly string[]): unknown {
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current)) current = current[0];
    current = current !== null && typeof current === "object" ? (current as Json)[step] : undefined;
  }
  return Array.isArray(current) ? current[0] : current;
}

/** Every labelled object and template of one stack, for_each instances expanded. */
function labelledObjects(stack: string, doc: TerraformJson): Labelled[] {
  const found: Labelled[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    if (!type.startsWith("kubernetes_") || UNLABELLED_RESOURCE_TYPES.has(type)) continue;
    for (const [name, raw] of Object.entries(byName)) {
      const body = raw as Json;
      const forEach = body.for_each as Record<string, Json> | undefined;
      const instances: Array<[string, Json | undefined]> = forEach === undefined ? [["", undefined]] : Object.entries(forEach);
      for (const [key, instance] of instances) {
        const object = expand(body, instance) as Json;
        const where = `${stack} ${type}.${name}${key === "" ? "" : `[${JSON.stringify(key)}]`}`;
        const root = type === "kubernetes_manifest" ? (object.manifest as Json) : object;
        const metadata = at(root, ["metadata"]) as Json | undefined;
        const namespace = (metadata?.namespace as string | undefined) ?? (type === "kubernetes_namespace_v1" ? (metadata?.name as string) : undefined);
        const tenant = namespace?.startsWith("tenant-") ? namespace : undefined;
        found.push({ where, labels: metadata?.labels, ...(tenant === undefined ? {} : { tenant }) });
        const templates = type === "kubernetes_manifest" ? (MANIFEST_TEMPLATES[root.kind as string] ?? []) : (TYPED_TEMPLATES[type] ?? []);
        for (const path of templates) {
          found.push({ where: `${where} ${path.join(".")}`, labels: (at(root, path) as Json | undefined)?.labels, ...(tenant === undefined ? {} : { tenant }) });
        }
      }
    }
  }
  return found;
}

function regionOf(stack: string): string {
  const match = /^(?:platform|backup|tenants)-([a-z0-9-]+?)(?:-\d{3})?$/.exec(stack);
  return match?.[1] ?? "north"; // the management stack: managementCluster.region
}

describe("green labels in every stack of national", () => {
  it("covers every kind of stack: management, platform and tenants", () => {
    const names = [...stacks.keys()];
    expect(names).toContain("management");
    expect(names.some((n) => n.startsWith("platform-"))).toBe(true);
    expect(names.some((n) => n.startsWith("tenants-"))).toBe(true);
  });

  it("puts every region label, valid and with the region's values, on every object and template", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [stack, doc] of stacks) {
      for (const { where, labels } of labelledObjects(stack, doc)) {
        checked++;
        if (labels === null || typeof labels !== "object") {
          problems.push(`${where}: no labels`);
          continue;
        }
        const record = labels as Record<string, unknown>;
        for (const [key, value] of Object.entries(record)) {
          if (!isLabelKey(key) || typeof value !== "string" || !isLabelValue(value)) problems.push(`${where}: invalid label ${key}=${JSON.stringify(value)}`);
        }
        // Machine templates of a regional cluster carry that region's labels; the rest, the stack's region.
        const region = stack === "management" ? (record[GREEN_LABELS.region] as string) : regionOf(stack);
        const expected = regionGreenLabels(region, env.regions[region]!);
        for (const key of REGION_GREEN_LABEL_KEYS) {
          if (record[key] !== expected[key]) problems.push(`${where}: ${key} is ${JSON.stringify(record[key])}, expected ${expected[key]}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it("labels the management cluster's own objects with its region and each regional cluster's objects with theirs", () => {
    const objects = labelledObjects("management", stacks.get("management")!);
    const regionsSeen = new Set(objects.map((o) => (o.labels as Record<string, string>)[GREEN_LABELS.region]));
    expect([...regionsSeen].sort()).toEqual(Object.keys(env.regions).sort());
    const namespace = objects.find((o) => o.where.includes("kubernetes_namespace_v1"));
    expect((namespace?.labels as Record<string, string>)[GREEN_LABELS.region]).toBe(env.managementCluster.region);
  });

  it("attributes every tenant object to its agency and cost centre, and nothing else to an agency", () => {
    const problems: string[] = [];
    let tenantObjects = 0;
    for (const [stack, doc] of stacks) {
      for (const { where, labels, tenant } of labelledObjects(stack, doc)) {
        const record = (labels ?? {}) as Record<string, string>;
        if (tenant === undefined) {
          for (const key of TENANT_GREEN_LABEL_KEYS) if (key in record) problems.push(`${where}: not a tenant object but has ${key}`);
          continue;
        }
        tenantObjects++;
        const agency = tenant.slice("tenant-".length);
        if (record[GREEN_LABELS.agency] !== agency) problems.push(`${where}: agency label ${record[GREEN_LABELS.agency]}, expected ${agency}`);
        if (record[GREEN_LABELS.costCentre] === undefined || !isLabelValue(record[GREEN_LABELS.costCentre])) problems.push(`${where}: no valid cost centre`);
      }
    }
    expect(problems).toEqual([]);
    expect(tenantObjects).toBeGreaterThan(200);
  });

  it("gives every Helm release the region's labels in the chart's labels values", () => {
    const problems: string[] = [];
    let releases = 0;
    for (const [stack, doc] of stacks) {
      for (const [name, body] of Object.entries(doc.resource?.helm_release ?? {})) {
        releases++;
        const chart = body.chart as string;
        const release = body.name as string;
        // Where the chart takes labels for its objects: the add-on's descriptor, whose paths the
        // descriptors' test checks against the chart in ../shared/charts.
        if (!isAddOnName(release) || ADD_ONS[release].chart !== chart) {
          problems.push(`${stack} ${name}: release ${release} of chart ${chart} is no add-on descriptor's; its labels values are unknown`);
          continue;
        }
        const paths = ADD_ONS[release].labelValuePaths;
        expect(paths.length, release).toBeGreaterThan(0);
        const values = YAML.parse((body.values as string[])[0]!) as Json;
        const expected = regionGreenLabels(regionOf(stack), env.regions[regionOf(stack)]!);
        for (const path of paths) {
          expect(at(values, path), `${stack} ${chart} ${path.join(".")}`).toMatchObject(expected);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(releases).toBeGreaterThanOrEqual(6 * Object.keys(env.regions).length);
  });
});
