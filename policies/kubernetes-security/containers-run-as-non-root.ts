import { effective, validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { isTrue, show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Every container, init containers included, runs as a non-root user: `runAsNonRoot: true` on
 * the container or on the pod, and never `runAsUser: 0`.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container (init containers included) sets runAsNonRoot: true, on itself or on the pod, and none runs as user 0.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      const nonRoot = effective(pod, c, "runAsNonRoot");
      if (!isTrue(nonRoot)) report(`${c.label} does not set securityContext.runAsNonRoot to true (on the container or the pod; it is ${show(nonRoot)})`);
      const user = effective(pod, c, "runAsUser");
      if (user === 0 || user === "0") report(`${c.label} runs as user 0 (root): set securityContext.runAsUser to a non-zero id`);
    }
  }),
};
export default rule;
