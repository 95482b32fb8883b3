import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Every container sets `imagePullPolicy: Always`. On a node shared by agencies, an image another
 * pod pulled stays in the node's cache; with IfNotPresent a pod of any namespace starts it without
 * proving it may pull it. Always makes the kubelet check the registry (and the pod's pull
 * credentials) each time; with a digest-pinned image that is a manifest check, not a download.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container sets imagePullPolicy: Always, so that a cached image is never started without the registry's authorization.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      if (c.imagePullPolicy !== "Always") report(`${c.label} has imagePullPolicy ${show(c.imagePullPolicy)}; set it to Always`);
    }
  }),
};
export default rule;
