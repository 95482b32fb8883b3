import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Every pod sets a pod-level security context and every container its own: the settings the
 * other rules judge must be written down, not left to the image or the runtime's defaults.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every pod sets spec.securityContext, and every container (init and ephemeral containers included) sets its own securityContext.",
  validateResource: validatePodTemplates((pod, report) => {
    if (pod.securityContext === undefined) report("the pod sets no securityContext (spec.securityContext)");
    for (const c of pod.containers) if (c.securityContext === undefined) report(`${c.label} sets no securityContext`);
  }),
};
export default rule;
