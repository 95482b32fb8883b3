import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

const RESOURCES = ["cpu", "memory"] as const;

/**
 * Every container requests CPU and memory and is limited in both, so that one agency's
 * workload cannot starve the others on a shared node and quotas mean something.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container sets resources.requests and resources.limits for both cpu and memory.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      const missing = [
        ...RESOURCES.filter((r) => !present(c.requests?.[r])).map((r) => `requests.${r}`),
        ...RESOURCES.filter((r) => !present(c.limits?.[r])).map((r) => `limits.${r}`),
      ];
      if (missing.length > 0) report(`${c.label} does not set resources ${missing.join(", ")}`);
    }
  }),
};
export default rule;

function present(value: unknown): boolean {
  return (typeof value === "string" && value.trim() !== "") || typeof value === "number";
}
