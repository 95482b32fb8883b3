import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { metadataOf } from "../lib/tenancy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { blocks, isObject } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/** ingress-nginx annotations that splice raw NGINX configuration into the shared controller (CVE-2021-25742). */
const SNIPPET = /^nginx\.ingress\.kubernetes\.io\/[a-z-]*snippet$/;

function check(annotations: unknown, hosts: readonly unknown[], report: (message: string) => void): void {
  if (isObject(annotations)) {
    for (const key of Object.keys(annotations).sort()) {
      if (SNIPPET.test(key)) report(`annotation ${key} injects raw NGINX configuration into the controller every agency shares; it can read the controller's secrets (CVE-2021-25742)`);
    }
  }
  hosts.forEach((host, i) => {
    if (host === undefined || host === null || (typeof host === "string" && host.trim() === "")) {
      report(`rule ${i + 1} names no host, so it answers for every host name that reaches the shared controller`);
    }
  });
}

const typed = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) => {
    const spec = blocks(props.spec)[0];
    check(metadataOf(type, props)?.annotations, blocks(spec?.rule).map((r) => r.host), report);
  });

/**
 * Ingresses on the shared ingress-nginx controller name the host of every rule (a rule without
 * one catches every host name) and use no `*-snippet` annotation, which would put raw NGINX
 * configuration, and with it the controller's service-account token, in an agency's hands.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every Ingress rule names a host, and no Ingress carries an nginx.ingress.kubernetes.io/*-snippet annotation.",
  validateResource: [
    typed("kubernetes_ingress"),
    typed("kubernetes_ingress_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m) || m.kind !== "Ingress") return;
      const spec = isObject(m.spec) ? m.spec : undefined;
      check(isObject(m.metadata) ? m.metadata.annotations : undefined, blocks(spec?.rules).map((r) => r.host), report);
    }),
  ],
};
export default rule;
