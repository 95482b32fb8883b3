import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Capabilities a container may add back after dropping ALL (Pod Security Standards, restricted). */
const ADDABLE = new Set(["NET_BIND_SERVICE"]);

/**
 * Every container drops all Linux capabilities and adds back at most NET_BIND_SERVICE.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container drops ALL capabilities (securityContext.capabilities.drop contains ALL) and adds back nothing but NET_BIND_SERVICE.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      const caps = c.securityContext?.capabilities;
      if (caps === undefined || !caps.drop.some((d) => d === "ALL")) {
        report(`${c.label} does not drop ALL capabilities (securityContext.capabilities.drop)`);
      }
      const added = (caps?.add ?? []).filter((a) => typeof a !== "string" || !ADDABLE.has(a));
      if (added.length > 0) report(`${c.label} adds capabilities ${added.map((a) => JSON.stringify(a)).join(", ")}; only NET_BIND_SERVICE may be added`);
    }
  }),
};
export default rule;
