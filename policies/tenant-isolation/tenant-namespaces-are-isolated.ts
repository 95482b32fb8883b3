import type { PolicyResource } from "@pulumi/policy";
import { labelsOf, metadataOf, TENANT_LABEL } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import { block, blocks, isObject, strings } from "../lib/values";
import type { GovcloudStackPolicy } from "../engine/types";

const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

/** The Kubernetes kind of a typed resource or a manifest, for the kinds this rule looks at. */
function kindOf(r: PolicyResource): string | undefined {
  if (r.type === "kubernetes_manifest") {
    const kind = isObject(r.props.manifest) ? r.props.manifest.kind : undefined;
    return typeof kind === "string" ? kind : undefined;
  }
  const typed: Record<string, string> = {
    kubernetes_namespace: "Namespace",
    kubernetes_namespace_v1: "Namespace",
    kubernetes_resource_quota: "ResourceQuota",
    kubernetes_resource_quota_v1: "ResourceQuota",
    kubernetes_limit_range: "LimitRange",
    kubernetes_limit_range_v1: "LimitRange",
    kubernetes_network_policy: "NetworkPolicy",
    kubernetes_network_policy_v1: "NetworkPolicy",
  };
  return typed[r.type];
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (isObject(value)) return Object.values(value).every(isEmpty);
  return false;
}

/** A NetworkPolicy that selects every pod, covers both directions and allows nothing. */
function isDefaultDenyAll(r: PolicyResource): boolean {
  let selector: unknown;
  let types: readonly string[];
  let rules: unknown[];
  if (r.type === "kubernetes_manifest") {
    const spec = isObject(r.props.manifest) ? r.props.manifest.spec : undefined;
    if (!isObject(spec)) return false;
    selector = spec.podSelector ?? {};
    types = strings(spec.policyTypes);
    rules = [spec.ingress, spec.egress];
  } else {
    const spec = block(r.props.spec);
    if (spec === undefined) return false;
    selector = spec.pod_selector;
    types = strings(spec.policy_types);
    rules = [spec.ingress, spec.egress];
  }
  return isEmpty(selector) && types.includes("Ingress") && types.includes("Egress") && rules.every((x) => blocks(x).length === 0);
}

/**
 * Every tenant namespace (labelled `govcloud.gov.vn/tenant`) is fenced in by what the same
 * stack deploys with it: Pod Security Admission enforcing `restricted`, a ResourceQuota, a
 * LimitRange, and a default-deny NetworkPolicy (empty pod selector, Ingress and Egress, no rules)
 * under which every allowed flow is an explicit exception.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every namespace labelled govcloud.gov.vn/tenant enforces Pod Security 'restricted' and has, in the same stack, a ResourceQuota, a LimitRange and a NetworkPolicy with an empty pod selector, both policy types and no rules.",
  validateStack: (args, reportViolation) => {
    const namespaces: { r: PolicyResource; name: unknown; labels: Readonly<Record<string, unknown>> }[] = [];
    const quotas = new Set<unknown>();
    const limitRanges = new Set<unknown>();
    const denyAll = new Set<unknown>();
    for (const r of args.resources) {
      const kind = kindOf(r);
      if (kind === undefined) continue;
      const metadata = metadataOf(r.type, r.props);
      if (kind === "Namespace") {
        const labels = labelsOf(metadata);
        if (labels[TENANT_LABEL] !== undefined) namespaces.push({ r, name: metadata?.name, labels });
      } else if (kind === "ResourceQuota") quotas.add(metadata?.namespace);
      else if (kind === "LimitRange") limitRanges.add(metadata?.namespace);
      else if (kind === "NetworkPolicy" && isDefaultDenyAll(r)) denyAll.add(metadata?.namespace);
    }
    for (const { r, name, labels } of namespaces) {
      const ns = `tenant namespace ${JSON.stringify(name)}`;
      if (labels[PSA_ENFORCE] !== "restricted") {
        reportViolation(`${ns} does not enforce Pod Security 'restricted' (label ${PSA_ENFORCE} is ${JSON.stringify(labels[PSA_ENFORCE] ?? null)})`, r.urn);
      }
      if (!quotas.has(name)) reportViolation(`${ns} has no ResourceQuota in this stack`, r.urn);
      if (!limitRanges.has(name)) reportViolation(`${ns} has no LimitRange in this stack`, r.urn);
      if (!denyAll.has(name)) {
        reportViolation(`${ns} has no default-deny NetworkPolicy in this stack (empty pod selector, policy types Ingress and Egress, no rules)`, r.urn);
      }
    }
  },
};
export default rule;

