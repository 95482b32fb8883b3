/** How the platform marks tenant (agency) objects; see constructs/labels.ts. */
import { block, isObject } from "./values";

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
