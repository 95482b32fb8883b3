import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

const CONFINED = new Set(["RuntimeDefault", "Localhost"]);

/**
 * Every pod runs under a seccomp profile: `seccompProfile.type: RuntimeDefault` (or a
 * `Localhost` profile) on the pod or on every container, and no container is Unconfined.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "The pod, or else every container, sets securityContext.seccompProfile.type to RuntimeDefault (or Localhost); no container sets Unconfined.",
  validateResource: validatePodTemplates((pod, report) => {
    const podType = pod.securityContext?.seccompProfileType;
    for (const c of pod.containers) {
      const own = c.securityContext?.seccompProfileType;
      const type = own !== undefined && own !== null ? own : podType;
      if (typeof type !== "string" || !CONFINED.has(type)) {
        report(`${c.label} has no RuntimeDefault seccomp profile (securityContext.seccompProfile.type on the pod or the container is ${show(type)})`);
      }
    }
  }),
};
export default rule;
