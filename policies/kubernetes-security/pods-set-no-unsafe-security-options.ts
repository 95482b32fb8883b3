import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import { isTrue, show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Sysctls the Pod Security Standards (baseline, Kubernetes 1.29 and later) call safe: namespaced
 * to the pod, so that setting them cannot change another pod or the node.
 */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

/** SELinux types a container may run as (Pod Security Standards, baseline). */
const SELINUX_TYPES: ReadonlySet<string> = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

function appArmorAllowed(value: unknown): boolean {
  return value === "runtime/default" || (typeof value === "string" && value.startsWith("localhost/"));
}

/**
 * The remaining controls of the Pod Security Standards that a pod could loosen: no unmasked
 * /proc (procMount), only the safe sysctls, no AppArmor profile other than the runtime's default
 * or a localhost one, no custom SELinux user or role and only the container SELinux types, and no
 * Windows HostProcess container.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "No container sets procMount other than Default; the pod sets only safe sysctls; AppArmor profiles (annotations or appArmorProfile) are RuntimeDefault or Localhost; seLinuxOptions set no user or role and only a container type; nothing sets windowsOptions.hostProcess.",
  validateResource: validatePodTemplates((pod, report) => {
    for (const s of pod.sysctls) {
      if (typeof s.name !== "string" || !SAFE_SYSCTLS.has(s.name)) report(`the pod sets sysctl ${show(s.name)}, which is not one of the safe, pod-namespaced sysctls`);
    }
    for (const [key, value] of Object.entries(pod.annotations)) {
      if (key.startsWith(APPARMOR_ANNOTATION) && !appArmorAllowed(value)) {
        report(`annotation ${key} sets AppArmor profile ${show(value)}; use runtime/default or a localhost/ profile`);
      }
    }
    const contexts: [string, typeof pod.securityContext][] = [["the pod", pod.securityContext], ...pod.containers.map((c): [string, typeof pod.securityContext] => [c.label, c.securityContext])];
    for (const [who, sc] of contexts) {
      if (sc === undefined) continue;
      if (sc.procMount !== undefined && sc.procMount !== null && sc.procMount !== "Default") report(`${who} sets securityContext.procMount to ${show(sc.procMount)}; only Default keeps /proc masked`);
      const apparmor = sc.appArmorProfileType;
      if (apparmor !== undefined && apparmor !== null && apparmor !== "RuntimeDefault" && apparmor !== "Localhost") {
        report(`${who} sets securityContext.appArmorProfile.type to ${show(apparmor)}; use RuntimeDefault or Localhost`);
      }
      const se = sc.seLinuxOptions;
      if (se !== undefined) {
        if (se.type !== undefined && se.type !== null && (typeof se.type !== "string" || !SELINUX_TYPES.has(se.type))) {
          report(`${who} sets seLinuxOptions.type to ${show(se.type)}; only container_t, container_init_t, container_kvm_t or container_engine_t are allowed`);
        }
        for (const field of ["user", "role"] as const) {
          const v = se[field];
          if (v !== undefined && v !== null && v !== "") report(`${who} sets seLinuxOptions.${field} to ${show(v)}; a custom SELinux ${field} is not allowed`);
        }
      }
      if (isTrue(sc.hostProcess)) report(`${who} sets windowsOptions.hostProcess: true, which runs it as a process on the node`);
    }
  }),
};
export default rule;
