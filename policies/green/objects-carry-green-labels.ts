import type { ResourceValidationArgs } from "@pulumi/policy";
import { ADD_ON_NAMES, ADD_ONS } from "../../estate/add-ons";
import {
  GREEN_LABEL_PREFIX,
  isLabelValue,
  MANIFEST_TEMPLATE_METADATA,
  REGION_GREEN_LABEL_KEYS,
  TENANT_GREEN_LABEL_KEYS,
  UNLABELLED_RESOURCE_TYPES,
} from "../../estate/green-labels";
import { releaseValues, valueAt } from "../lib/helm-values";
import { kindOf, labelsOf, metadataOf, TENANT_LABEL, TENANT_NAMESPACE_PREFIX } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import { at, block, isObject } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";
import { TEMPLATE_METADATA_PATHS } from "../../estate/green-labels";

export interface Config {
  /** Helm release name -> the values paths that take the labels of the objects its chart renders. */
  readonly helmLabelPaths: Readonly<Record<string, readonly (readonly string[])[]>>;
}

/** The add-ons' labels values, from their descriptors (estate/add-ons/), which PlatformAddOns sets. */
const DEFAULT_HELM_LABEL_PATHS: Config["helmLabelPaths"] = Object.fromEntries(ADD_ON_NAMES.map((name) => [name, ADD_ONS[name].labelValuePaths]));

/** Where typed resources keep the metadata of their templates, in Terraform's block names. */
const TEMPLATE_METADATA = TEMPLATE_METADATA_PATHS;

/** Every problem with one set of labels, as phrases after "<where> ...": missing green keys, green values that are not label values. */
function labelProblems(labels: unknown, required: readonly string[]): string[] {
  const map = isObject(labels) ? labels : {};
  let problems: string[] | undefined;
  let missing: string[] | undefined;
  for (const key of required) if (map[key] === undefined || map[key] === null) (missing ??= []).push(key);
  if (missing !== undefined) (problems ??= []).push(`lack ${missing.join(", ")}`);
  for (const key in map) {
    if (!key.startsWith(GREEN_PREFIX)) continue;
    const value = map[key];
    if (typeof value !== "string" || !isLabelValue(value)) (problems ??= []).push(`set ${key} to ${JSON.stringify(value)}, which is not a valid label value`);
  }
  return problems ?? NONE;
}

const GREEN_PREFIX = `${GREEN_LABEL_PREFIX}/`;
const NONE: string[] = [];
const TENANT_KEYS: readonly string[] = [...REGION_GREEN_LABEL_KEYS, ...TENANT_GREEN_LABEL_KEYS];

/** The labels a Kubernetes object must carry: the region's, and the agency's on tenant objects. */
function requiredKeys(type: string, props: Readonly<Record<string, unknown>>, metadata: Readonly<Record<string, unknown>> | undefined): readonly string[] {
  const namespace = metadata?.namespace;
  const tenant =
    (typeof namespace === "string" && namespace.startsWith(TENANT_NAMESPACE_PREFIX)) ||
    (kindOf(type, props) === "Namespace" && labelsOf(metadata)[TENANT_LABEL] !== undefined);
  return tenant ? TENANT_KEYS : REGION_GREEN_LABEL_KEYS;
}

function checkObject(args: ResourceValidationArgs, report: (message: string) => void): void {
  const { type, props } = args;
  const metadata = metadataOf(type, props);
  const required = requiredKeys(type, props, metadata);
  for (const problem of labelProblems(metadata?.labels, required)) report(`the object's labels ${problem}`);
  let templates: readonly (readonly string[])[] = TEMPLATE_METADATA[type] ?? [];
  let root: unknown = props;
  if (type === "kubernetes_manifest") {
    const kind = kindOf(type, props);
    templates = kind !== undefined && Object.hasOwn(MANIFEST_TEMPLATE_METADATA, kind) ? (MANIFEST_TEMPLATE_METADATA[kind] as readonly (readonly string[])[]) : [];
    root = props.manifest;
  }
  for (const path of templates) {
    const spec = block(at(root, ...path.slice(0, -1)));
    if (spec === undefined) continue;
    const template = block(spec[path[path.length - 1] as string]);
    for (const problem of labelProblems(template?.labels, required)) report(`the labels of the template at ${path.join(".")} ${problem}`);
  }
}

function checkRelease(args: ResourceValidationArgs, report: (message: string) => void): void {
  const { helmLabelPaths } = args.getConfig<Config>();
  const release = typeof args.props.name === "string" ? args.props.name : args.name;
  const paths = Object.hasOwn(helmLabelPaths, release) ? helmLabelPaths[release] : undefined;
  if (paths === undefined || paths.length === 0) {
    report(`release ${release}: no values path is known that puts labels on the objects its chart renders; add the chart's labels values to the add-on (labelValuePaths of its estate/add-ons/ descriptor) or to this rule's helmLabelPaths`);
    return;
  }
  const { values, problems } = releaseValues(args.props);
  for (const problem of problems) report(`release ${release}: ${problem}`);
  for (const path of paths) {
    for (const problem of labelProblems(valueAt(values, path), REGION_GREEN_LABEL_KEYS)) {
      report(`release ${release}: the labels at ${path.join(".")} in its values ${problem}`);
    }
  }
}

/**
 * Every Kubernetes object says where it runs and how clean that datacenter's power is
 * (docs/green-labels.md): its labels, and those of the pod, Job and machine templates it stamps
 * out, carry every `green.govcloud.gov.vn/*` key of its region, and tenant objects (in a
 * `tenant-*` namespace, or the tenant namespace itself) the agency and cost-centre keys too;
 * every green value is a valid label value. Helm releases carry the region's keys in the values
 * their chart reads labels from (the add-on's labelValuePaths). Types that patch objects they do
 * not own (kubernetes_labels, ...) have no labels of their own.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "Every Kubernetes object and its pod, Job and machine templates carry every green.govcloud.gov.vn/* label of its region (tenant objects also agency and cost-centre) with valid values; helm_release values carry them under the chart's labels keys.",
  configSchema: {
    properties: {
      helmLabelPaths: {
        type: "object",
        description: "Helm release name -> values paths (lists of keys) that take labels; default: the platform add-ons'",
        additionalProperties: { type: "array", items: { type: "array", items: { type: "string" } } },
        default: DEFAULT_HELM_LABEL_PATHS,
      },
    },
  },
  validateResource: (args, report) => {
    if (args.type === "helm_release") checkRelease(args, report);
    else if (args.type.startsWith("kubernetes_") && !UNLABELLED_RESOURCE_TYPES.has(args.type)) checkObject(args, report);
  },
};
export default rule;
