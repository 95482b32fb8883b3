import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Containers read Secrets from mounted files, not from environment variables: a process's
 * environment is copied into every child process, printed by crash handlers and debug
 * endpoints, and cannot be rotated without a restart; a mounted secret can.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "No container takes a Secret into its environment (env valueFrom.secretKeyRef or envFrom secretRef); mount it as a volume instead.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      for (const ref of c.secretEnv) report(`${c.label} takes a secret into its environment (${ref}); mount it as a secret volume instead`);
    }
  }),
};
export default rule;
