import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

export const APP_NAME_LABEL = "app.kubernetes.io/name";

/**
 * Every pod carries the `app.kubernetes.io/name` label, which monitoring, network policies and
 * the people on call use to tell which application a pod belongs to.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: `Every pod template (or Pod) carries the ${APP_NAME_LABEL} label.`,
  validateResource: validatePodTemplates((pod, report) => {
    const name = pod.labels[APP_NAME_LABEL];
    if (typeof name !== "string" || name.trim() === "") report(`the pod template has no ${APP_NAME_LABEL} label`);
  }),
};
export default rule;
