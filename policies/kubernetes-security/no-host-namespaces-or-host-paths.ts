import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { isSet, isTrue } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * No pod shares the node's network, process or IPC namespace, mounts a hostPath volume or
 * binds a host port: each would let a tenant's container see or reach other tenants on the node.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Pods do not set hostNetwork, hostPID or hostIPC, mount no hostPath volume, and no container sets a hostPort.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const [field, value] of [["hostNetwork", pod.hostNetwork], ["hostPID", pod.hostPID], ["hostIPC", pod.hostIPC]] as const) {
      if (isTrue(value)) report(`the pod shares the node's namespace: ${field} is true`);
    }
    for (const v of pod.volumes) if (v.hostPath !== undefined) report(`volume ${JSON.stringify(v.name ?? "?")} mounts a hostPath from the node`);
    for (const c of pod.containers) {
      for (const port of c.hostPorts) if (isSet(port) && port !== 0 && port !== "0") report(`${c.label} binds host port ${String(port)}`);
    }
  }),
};
export default rule;
