import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { isSet, isTrue } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Container runtime sockets: a hostPath on one of them (or its folder) is root on the node. */
export const RUNTIME_SOCKETS: readonly string[] = [
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/run/crio/crio.sock",
  "/var/run/cri-dockerd.sock",
  "/run/cri-dockerd.sock",
];

/**
 * No pod shares the node's network, process or IPC namespace, mounts a hostPath volume or
 * binds a host port: each would let a tenant's container see or reach other tenants on the node.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Pods do not set hostNetwork, hostPID or hostIPC, mount no hostPath volume (the container runtime's socket named as such), and no container sets a hostPort.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const [field, value] of [["hostNetwork", pod.hostNetwork], ["hostPID", pod.hostPID], ["hostIPC", pod.hostIPC]] as const) {
      if (isTrue(value)) report(`the pod shares the node's namespace: ${field} is true`);
    }
    for (const v of pod.volumes) {
      if (v.hostPath === undefined) continue;
      const path = v.hostPath.path;
      const socket = typeof path === "string" ? RUNTIME_SOCKETS.find((s) => path === s || path === s.replace(/\/[^/]+$/, "")) : undefined;
      if (socket !== undefined) report(`volume ${JSON.stringify(v.name ?? "?")} mounts the container runtime's socket (${path}) from the node, which gives control of every container on it`);
      else report(`volume ${JSON.stringify(v.name ?? "?")} mounts a hostPath from the node`);
    }
    for (const c of pod.containers) {
      for (const port of c.hostPorts) if (isSet(port) && port !== 0 && port !== "0") report(`${c.label} binds host port ${String(port)}`);
    }
  }),
};
export default rule;
