import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { isTrue, show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Every container mounts its root file system read-only; programs write to volumes (an
 * emptyDir at /tmp) instead, so a compromised process cannot replace the image's binaries.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container sets securityContext.readOnlyRootFilesystem: true.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      const ro = c.securityContext?.readOnlyRootFilesystem;
      if (!isTrue(ro)) report(`${c.label} does not set securityContext.readOnlyRootFilesystem to true (it is ${show(ro)})`);
    }
  }),
};
export default rule;
