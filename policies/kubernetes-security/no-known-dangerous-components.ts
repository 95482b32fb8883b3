import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { validatePodTemplates } from "../lib/pod-templates";
import { labelsOf, metadataOf } from "../lib/tenancy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { at, isObject } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Labels Helm v2 put on Tiller's Deployment and Service. */
function isTillerLabels(labels: Readonly<Record<string, unknown>>): boolean {
  return labels.app === "helm" || labels.name === "tiller";
}

function checkService(labels: Readonly<Record<string, unknown>>, selector: unknown, report: (message: string) => void): void {
  const selects = isObject(selector) && Object.values(selector).some((v) => typeof v === "string" && v.toLowerCase().includes("tiller"));
  if (isTillerLabels(labels) || selects) report("the service exposes Tiller, Helm v2's in-cluster server, which answers anyone who reaches it with cluster-admin rights");
}

const typedService = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) => checkService(labelsOf(metadataOf(type, props)), at(props, "spec", "selector"), report));

/**
 * No component with a known, unfixable way in: Tiller, Helm v2's server, which runs with
 * cluster-admin rights and answers unauthenticated gRPC (Helm 3 has no server), and git-sync with
 * GITSYNC_GIT set, which makes git-sync run whatever program that variable names (command
 * injection by whoever can edit the workload).
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "No pod runs Tiller (an image named tiller, or the labels app=helm / name=tiller) and no service selects it; no container sets the GITSYNC_GIT environment variable of git-sync.",
  validateResource: [
    ...validatePodTemplates((pod, report) => {
      if (isTillerLabels(pod.labels)) report("the pod is labelled as Tiller (app=helm or name=tiller), Helm v2's server, which runs with cluster-admin rights and answers unauthenticated gRPC");
      for (const c of pod.containers) {
        if (typeof c.image === "string" && /(^|\/)tiller[:@]|(^|\/)tiller$/.test(c.image)) report(`${c.label} runs Tiller (${c.image}), Helm v2's server, which runs with cluster-admin rights and answers unauthenticated gRPC`);
        if (c.envNames.includes("GITSYNC_GIT")) report(`${c.label} sets GITSYNC_GIT, which makes git-sync execute the program it names`);
      }
    }),
    typedService("kubernetes_service"),
    typedService("kubernetes_service_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m) || m.kind !== "Service") return;
      checkService(labelsOf(metadataOf("kubernetes_manifest", props)), isObject(m.spec) ? m.spec.selector : undefined, report);
    }),
  ],
};
export default rule;
