import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { ruleId, terraformType } from "../lib/terraform-type";
import { at, block, isObject, strings } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/** The annotation that records the approval to expose a service outside the cluster. */
export const APPROVAL_ANNOTATION = "govcloud.gov.vn/exposure-approval";
const EXPOSED = new Set(["NodePort", "LoadBalancer"]);

function check(type: unknown, annotations: unknown, externalIps: readonly string[], report: (message: string) => void): void {
  if (externalIps.length > 0) {
    report(`the service sets externalIPs ${externalIps.join(", ")}: traffic to those addresses is taken over on every node, whoever owns them (CVE-2020-8554); use a LoadBalancer with an approval instead`);
  }
  if (typeof type !== "string" || !EXPOSED.has(type)) return;
  const approval = isObject(annotations) ? annotations[APPROVAL_ANNOTATION] : undefined;
  if (typeof approval !== "string" || approval.trim() === "") {
    report(`the service is of type ${type}, reachable from outside the cluster, without an approval: record the decision in the ${APPROVAL_ANNOTATION} annotation`);
  }
}

const typed = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) => {
    check(at(props, "spec", "type"), block(props.metadata)?.annotations, strings(at(props, "spec", "external_ips")), report);
  });

/**
 * Services of type NodePort or LoadBalancer open a port on every node or on an external load
 * balancer. Each one needs a recorded approval (annotation `govcloud.gov.vn/exposure-approval`
 * with the decision); everything else stays ClusterIP behind the shared ingress. No service sets
 * externalIPs, which let it capture traffic for addresses it does not own (CVE-2020-8554).
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: `Services of type NodePort or LoadBalancer carry the ${APPROVAL_ANNOTATION} annotation naming the approval decision, and no service sets externalIPs.`,
  validateResource: [
    typed("kubernetes_service"),
    typed("kubernetes_service_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m) || m.kind !== "Service") return;
      const spec = isObject(m.spec) ? m.spec : undefined;
      check(spec?.type, isObject(m.metadata) ? m.metadata.annotations : undefined, strings(spec?.externalIPs), report);
    }),
  ],
};
export default rule;
