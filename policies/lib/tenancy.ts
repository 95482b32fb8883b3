/** How the platform marks tenant (agency) objects; see estate/labels.ts. */
import type { PolicyResource } from "@pulumi/policy";
import { block, isObject, text } from "./values";

/** Label on every tenant namespace and object: the tenant namespace's name. */
export const TENANT_LABEL = "govcloud.gov.vn/tenant";
/** Label on every object that belongs to an agency. */
export const AGENCY_LABEL = "govcloud.gov.vn/agency";
/** Tenant namespaces are named `tenant-<agency id>`. */
export const TENANT_NAMESPACE_PREFIX = "tenant-";

/** metadata of a typed resource (a block) or of a kubernetes_manifest object. */
export function metadataOf(type: string, props: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  if (type === "kubernetes_manifest") {
    const m = props.manifest;
    return isObject(m) && isObject(m.metadata) ? m.metadata : undefined;
  }
  return block(props.metadata);
}

export function labelsOf(metadata: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  return isObject(metadata?.labels) ? metadata.labels : {};
}

/** Label on every object govcloud creates in a regional cluster: the region id (estate/labels.ts). */
export const REGION_LABEL = "govcloud.gov.vn/region";
/** Label on tenant namespaces and Schedules: the agency's data classification. */
export const CLASSIFICATION_LABEL = "govcloud.gov.vn/data-classification";
/** Annotation on tenant namespaces: home, dr or placement. */
export const TENANT_ROLE_ANNOTATION = "govcloud.gov.vn/tenant-role";

/** Kinds of the typed kubernetes resources that rules about namespaces and volumes look at. */
const TYPED_KINDS: Readonly<Record<string, string>> = {
  kubernetes_namespace: "Namespace",
  kubernetes_namespace_v1: "Namespace",
  kubernetes_persistent_volume_claim: "PersistentVolumeClaim",
  kubernetes_persistent_volume_claim_v1: "PersistentVolumeClaim",
};

/** The Kubernetes kind of a manifest, or of a typed resource this module knows. */
export function kindOf(type: string, props: Readonly<Record<string, unknown>>): string | undefined {
  if (type === "kubernetes_manifest") {
    const kind = isObject(props.manifest) ? props.manifest.kind : undefined;
    return typeof kind === "string" ? kind : undefined;
  }
  return TYPED_KINDS[type];
}

/** The API group of a manifest (`velero.io` for `velero.io/v1`; "" for core objects and typed resources). */
export function apiGroupOf(type: string, props: Readonly<Record<string, unknown>>): string {
  const apiVersion = type === "kubernetes_manifest" && isObject(props.manifest) ? props.manifest.apiVersion : undefined;
  return typeof apiVersion === "string" && apiVersion.includes("/") ? (apiVersion.split("/")[0] as string) : "";
}

/**
 * The cluster an object is deployed to: its region label, which govcloud puts on every object
 * of a regional cluster; else its stack (a stack targets one cluster).
 */
export function clusterOf(resource: PolicyResource, labels: Readonly<Record<string, unknown>>): string {
  const region = labels[REGION_LABEL];
  return typeof region === "string" && region !== "" ? region : `stack ${stackOf(resource)}`;
}

/** The stack (cdktf stack or plan file) of a resource the engine made; "" under Pulumi. */
export function stackOf(resource: PolicyResource): string {
  const stack = (resource as { stack?: unknown }).stack;
  return typeof stack === "string" ? stack : "";
}

/** The Terraform address of a resource the engine made; its urn under Pulumi. */
export function addressOf(resource: PolicyResource): string {
  const address = (resource as { address?: unknown }).address;
  return typeof address === "string" ? address : resource.urn;
}

/** A namespace labelled as a tenant's. */
export interface TenantNamespace {
  readonly resource: PolicyResource;
  readonly name: string;
  readonly cluster: string;
  /** The agency (label govcloud.gov.vn/agency), else the name without `tenant-`. */
  readonly agency: string;
  readonly labels: Readonly<Record<string, unknown>>;
  /** home, dr or placement (annotation govcloud.gov.vn/tenant-role), when set. */
  readonly role?: string;
}

/** Every namespace labelled govcloud.gov.vn/tenant, in input order. */
export function tenantNamespaces(resources: readonly PolicyResource[]): TenantNamespace[] {
  const out: TenantNamespace[] = [];
  for (const r of resources) {
    if (kindOf(r.type, r.props) !== "Namespace") continue;
    const metadata = metadataOf(r.type, r.props);
    const labels = labelsOf(metadata);
    if (labels[TENANT_LABEL] === undefined) continue;
    const name = typeof metadata?.name === "string" ? metadata.name : text(labels[TENANT_LABEL]);
    const agencyLabel = labels[AGENCY_LABEL];
    const agency = typeof agencyLabel === "string" ? agencyLabel : name.replace(new RegExp(`^${TENANT_NAMESPACE_PREFIX}`), "");
    const annotations = isObject(metadata?.annotations) ? metadata.annotations : {};
    const role = annotations[TENANT_ROLE_ANNOTATION];
    out.push({ resource: r, name, cluster: clusterOf(r, labels), agency, labels, ...(typeof role === "string" ? { role } : {}) });
  }
  return out;
}

/**
 * The namespace a finding about an agency is reported at: its home tenant namespace, else its
 * first. Its source (sources.json) is the agency file.
 */
export function anchorNamespace(namespaces: readonly TenantNamespace[]): TenantNamespace | undefined {
  return namespaces.find((n) => n.role === "home") ?? namespaces[0];
}
