import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { isFalse, isTrue, show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * No container can gain more privileges than its process started with: every container sets
 * `allowPrivilegeEscalation: false` explicitly (the Kubernetes default is true) and none is
 * privileged.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container sets securityContext.allowPrivilegeEscalation: false explicitly, and no container is privileged.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      const escalation = c.securityContext?.allowPrivilegeEscalation;
      if (!isFalse(escalation)) report(`${c.label} does not set securityContext.allowPrivilegeEscalation to false (it is ${show(escalation)})`);
      if (isTrue(c.securityContext?.privileged)) report(`${c.label} is privileged (securityContext.privileged: true)`);
    }
  }),
};
export default rule;
