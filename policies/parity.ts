/**
 * How govcloud's rules compare with the two scanners security teams know: every Checkov check
 * for Terraform's kubernetes_* resources, and every Kyverno pod-security and best-practices
 * policy, each covered by named rules or set aside with its reason. docs/policies.md is rendered
 * from this list (the "covers" column of the rule table and the parity tables), and a test keeps
 * every rule named here real.
 *
 * Checkov: the checks in `checkov/terraform/checks/resource/kubernetes/` of
 * bridgecrewio/checkov, ids and titles as the check files declare them (42 files, Checkov 3.2.x
 * as of 2025: the newest are CKV_K8S_50 and CKV_K8S_159). Kyverno: the `pod-security/baseline`,
 * `pod-security/restricted`, `pod-security/subrule`, `pod-security/mutate` and `best-practices`
 * folders of kyverno/policies (main, 2025).
 */

export type ParityStatus = "covered" | "not applicable" | "not covered";

export interface ParityEntry {
  readonly tool: "Checkov" | "Kyverno";
  /** `CKV_K8S_8`, or the Kyverno policy's folder (`pod-security/baseline/disallow-capabilities`). */
  readonly id: string;
  readonly title: string;
  readonly status: ParityStatus;
  /** The rules that cover it (covered), else none. */
  readonly rules: readonly string[];
  /** How it is covered where that differs (stricter, broader), or why it is not. */
  readonly note?: string;
}

const covered = (tool: ParityEntry["tool"], id: string, title: string, rules: readonly string[], note?: string): ParityEntry => ({
  tool,
  id,
  title,
  status: "covered",
  rules,
  ...(note === undefined ? {} : { note }),
});
const notApplicable = (tool: ParityEntry["tool"], id: string, title: string, note: string): ParityEntry => ({ tool, id, title, status: "not applicable", rules: [], note });
const notCovered = (tool: ParityEntry["tool"], id: string, title: string, note: string): ParityEntry => ({ tool, id, title, status: "not covered", rules: [], note });

const PSP =
  "checks a kubernetes_pod_security_policy; PodSecurityPolicy was removed in Kubernetes 1.25 (govcloud runs 1.31), and Pod Security Admission replaces it: namespaces-enforce-pod-security and the pod rules check the same control on the pods themselves";
const checkov = (id: string, title: string, rules: readonly string[], note?: string) => covered("Checkov", id, title, rules, note);
const kyverno = (id: string, title: string, rules: readonly string[], note?: string) => covered("Kyverno", id, title, rules, note);

export const PARITY: readonly ParityEntry[] = [
  // --- Checkov, Terraform kubernetes_* checks -------------------------------------------------
  notApplicable("Checkov", "CKV_K8S_1", "Do not admit containers wishing to share the host process ID namespace (PodSecurityPolicy)", PSP),
  notApplicable("Checkov", "CKV_K8S_2", "Do not admit privileged containers (PodSecurityPolicy)", PSP),
  notApplicable("Checkov", "CKV_K8S_3", "Do not admit containers wishing to share the host IPC namespace (PodSecurityPolicy)", PSP),
  notApplicable("Checkov", "CKV_K8S_4", "Do not admit containers wishing to share the host network namespace (PodSecurityPolicy)", PSP),
  notApplicable("Checkov", "CKV_K8S_5", "Containers should not run with allowPrivilegeEscalation (PodSecurityPolicy)", PSP),
  notApplicable("Checkov", "CKV_K8S_6", "Do not admit root containers (PodSecurityPolicy)", PSP),
  notApplicable("Checkov", "CKV_K8S_7", "Do not admit containers with the NET_RAW capability (PodSecurityPolicy)", PSP),
  checkov("CKV_K8S_8", "Liveness Probe Should be Configured", ["containers-have-probes"], "Jobs and CronJobs, which run to completion, are exempt"),
  checkov("CKV_K8S_9", "Readiness Probe Should be Configured", ["containers-have-probes"], "Jobs and CronJobs are exempt"),
  checkov("CKV_K8S_10", "CPU requests should be set", ["containers-set-requests-and-limits"], "a container with no resources at all fails on all four"),
  checkov("CKV_K8S_11", "CPU Limits should be set", ["containers-set-requests-and-limits"]),
  checkov("CKV_K8S_12", "Memory Limits should be set", ["containers-set-requests-and-limits"]),
  checkov("CKV_K8S_13", "Memory requests should be set", ["containers-set-requests-and-limits"]),
  checkov("CKV_K8S_14", "Image Tag should be fixed - not latest or blank", ["images-from-in-country-registries-pinned"], "stricter: every image is pinned by digest"),
  checkov("CKV_K8S_15", "Image Pull Policy should be Always", ["containers-always-pull-images"]),
  checkov("CKV_K8S_16", "Do not admit privileged containers", ["containers-disallow-privilege-escalation"]),
  checkov("CKV_K8S_17", "Do not admit containers wishing to share the host process ID namespace", ["no-host-namespaces-or-host-paths"]),
  checkov("CKV_K8S_18", "Do not admit containers wishing to share the host IPC namespace", ["no-host-namespaces-or-host-paths"]),
  checkov("CKV_K8S_19", "Do not admit containers wishing to share the host network namespace", ["no-host-namespaces-or-host-paths"]),
  checkov("CKV_K8S_20", "Containers should not run with allowPrivilegeEscalation", ["containers-disallow-privilege-escalation"], "stricter: false must be set explicitly"),
  checkov("CKV_K8S_21", "The default namespace should not be used", ["workloads-not-in-default-namespace"], "every namespaced typed resource and manifest; a missing namespace counts as default"),
  checkov("CKV_K8S_22", "Use read-only filesystem for containers where possible", ["containers-read-only-root-filesystem"]),
  notApplicable("Checkov", "CKV_K8S_24", "Do not allow containers with added capability (PodSecurityPolicy)", PSP),
  checkov("CKV_K8S_25", "Minimize the admission of containers with added capability", ["containers-drop-all-capabilities"], "only NET_BIND_SERVICE may be added back"),
  checkov("CKV_K8S_26", "Do not specify hostPort unless absolutely necessary", ["no-host-namespaces-or-host-paths"]),
  checkov("CKV_K8S_27", "Do not expose the docker daemon socket to containers", ["no-host-namespaces-or-host-paths", "pods-use-restricted-volume-types"], "every hostPath fails; the docker, containerd, CRI-O and cri-dockerd sockets are named as such"),
  checkov("CKV_K8S_28", "Minimize the admission of containers with the NET_RAW capability", ["containers-drop-all-capabilities"], "drop ALL is required, which drops NET_RAW"),
  checkov("CKV_K8S_29", "Apply security context to your pods, deployments and daemon_sets", ["pods-and-containers-set-security-context"]),
  checkov("CKV_K8S_30", "Apply security context to your pods and containers", ["pods-and-containers-set-security-context"]),
  notApplicable("Checkov", "CKV_K8S_32", "Ensure default seccomp profile set to docker/default or runtime/default (PodSecurityPolicy)", `${PSP}; pods-use-runtime-default-seccomp checks each pod`),
  checkov("CKV_K8S_34", "Ensure that Tiller (Helm v2) is not deployed", ["no-known-dangerous-components"]),
  checkov("CKV_K8S_35", "Prefer using secrets as files over secrets as environment variables", ["containers-take-secrets-as-files"], "advisory, as Checkov words it (prefer)"),
  notApplicable("Checkov", "CKV_K8S_36", "Minimise the admission of containers with capabilities assigned (PodSecurityPolicy)", PSP),
  checkov("CKV_K8S_37", "Minimise the admission of containers with capabilities assigned", ["containers-drop-all-capabilities"]),
  checkov("CKV_K8S_39", "Do not use the CAP_SYS_ADMIN linux capability", ["containers-drop-all-capabilities"], "SYS_ADMIN, like any capability but NET_BIND_SERVICE, may not be added"),
  checkov("CKV_K8S_41", "Ensure that default service accounts are not actively used", ["default-service-accounts-not-used"]),
  checkov("CKV_K8S_42", "Ensure that default service accounts are not actively used (bindings)", ["default-service-accounts-not-used"]),
  checkov("CKV_K8S_43", "Image should use digest", ["images-from-in-country-registries-pinned"]),
  checkov("CKV_K8S_44", "Ensure that the Tiller Service (Helm v2) is deleted", ["no-known-dangerous-components"]),
  checkov("CKV_K8S_49", "Minimize wildcard use in Roles and ClusterRoles", ["rbac-has-no-wildcards-or-escalation"]),
  checkov(
    "CKV_K8S_50",
    "Ensure pods are not automatically mounting service account tokens",
    ["default-service-accounts-not-used"],
    "a pod of the default service account must not mount its token; a pod with a dedicated service account may, since the token holds only that account's rights (the restore drill needs its own)",
  ),
  checkov("CKV_K8S_159", "Do not admit privileged containers (the Terraform check's own title; it flags git-sync's GITSYNC_GIT variable)", ["no-known-dangerous-components"]),

  // --- Kyverno pod-security/baseline ----------------------------------------------------------
  kyverno("pod-security/baseline/disallow-capabilities", "Disallow Capabilities", ["containers-drop-all-capabilities"], "stricter: nothing but NET_BIND_SERVICE may be added"),
  kyverno("pod-security/baseline/disallow-host-namespaces", "Disallow Host Namespaces", ["no-host-namespaces-or-host-paths"]),
  kyverno("pod-security/baseline/disallow-host-path", "Disallow hostPath", ["no-host-namespaces-or-host-paths", "pods-use-restricted-volume-types"]),
  kyverno("pod-security/baseline/disallow-host-ports", "Disallow hostPorts", ["no-host-namespaces-or-host-paths"]),
  kyverno("pod-security/baseline/disallow-host-ports-range", "Disallow hostPorts Range", ["no-host-namespaces-or-host-paths"], "stricter: no host port in any range"),
  kyverno("pod-security/baseline/disallow-host-process", "Disallow hostProcess", ["pods-set-no-unsafe-security-options"]),
  kyverno("pod-security/baseline/disallow-privileged-containers", "Disallow Privileged Containers", ["containers-disallow-privilege-escalation"]),
  kyverno("pod-security/baseline/disallow-proc-mount", "Disallow procMount", ["pods-set-no-unsafe-security-options"], "only kubernetes_manifest can set procMount: the typed resources have no such field"),
  kyverno("pod-security/baseline/disallow-selinux", "Disallow SELinux", ["pods-set-no-unsafe-security-options"]),
  kyverno("pod-security/baseline/restrict-apparmor-profiles", "Restrict AppArmor", ["pods-set-no-unsafe-security-options"], "the pod template's annotations, and appArmorProfile in manifests"),
  kyverno("pod-security/baseline/restrict-seccomp", "Restrict Seccomp", ["pods-use-runtime-default-seccomp"], "stricter: the restricted profile's rule"),
  kyverno("pod-security/baseline/restrict-sysctls", "Restrict sysctls", ["pods-set-no-unsafe-security-options"], "the safe list of Kubernetes 1.29 and later"),
  // --- Kyverno pod-security/restricted --------------------------------------------------------
  kyverno("pod-security/restricted/disallow-capabilities-strict", "Disallow Capabilities (Strict)", ["containers-drop-all-capabilities"]),
  kyverno("pod-security/restricted/disallow-privilege-escalation", "Disallow Privilege Escalation", ["containers-disallow-privilege-escalation"]),
  kyverno("pod-security/restricted/require-run-as-non-root-user", "Require Run As Non-Root User", ["containers-run-as-non-root"]),
  kyverno("pod-security/restricted/require-run-as-nonroot", "Require runAsNonRoot", ["containers-run-as-non-root"]),
  kyverno("pod-security/restricted/restrict-seccomp-strict", "Restrict Seccomp (Strict)", ["pods-use-runtime-default-seccomp"]),
  kyverno("pod-security/restricted/restrict-volume-types", "Restrict Volume Types", ["pods-use-restricted-volume-types"]),
  // --- Kyverno pod-security/subrule and mutate ------------------------------------------------
  kyverno(
    "pod-security/subrule/podsecurity-subrule-baseline",
    "Baseline Pod Security Standards (podSecurity subrule)",
    ["namespaces-enforce-pod-security", "containers-disallow-privilege-escalation", "no-host-namespaces-or-host-paths", "containers-drop-all-capabilities", "pods-set-no-unsafe-security-options", "pods-use-runtime-default-seccomp"],
    "the whole profile, control by control",
  ),
  kyverno(
    "pod-security/subrule/restricted/restricted-latest",
    "Restricted Pod Security Standards (podSecurity subrule)",
    ["namespaces-enforce-pod-security", "containers-run-as-non-root", "containers-drop-all-capabilities", "pods-use-runtime-default-seccomp", "pods-use-restricted-volume-types", "containers-disallow-privilege-escalation"],
    "the whole profile, control by control",
  ),
  notApplicable(
    "Kyverno",
    "pod-security/subrule/restricted/restricted-exclude-capabilities",
    "Restricted Pod Security Standards with exclusions for capabilities",
    "an example of exempting one control; govcloud exempts a finding with a suppression (reason, who accepted it, expiry) instead",
  ),
  notApplicable(
    "Kyverno",
    "pod-security/subrule/restricted/restricted-exclude-seccomp",
    "Restricted Pod Security Standards with exclusions for seccomp",
    "an example of exempting one control; govcloud exempts a finding with a suppression (reason, who accepted it, expiry) instead",
  ),
  notApplicable("Kyverno", "pod-security/mutate/set-privilege-escalation", "Set allowPrivilegeEscalation to false (mutating)", "a mutating policy changes pods at admission; the constructs write the value and containers-disallow-privilege-escalation requires it"),
  notApplicable("Kyverno", "pod-security/mutate/set-run-as-non-root", "Set runAsNonRoot to true (mutating)", "a mutating policy changes pods at admission; the constructs write the value and containers-run-as-non-root requires it"),
  // --- Kyverno best-practices -----------------------------------------------------------------
  kyverno("best-practices/add-network-policy", "Add Network Policy (generate)", ["tenant-namespaces-are-isolated"], "instead of generating one, the gate requires the default-deny NetworkPolicy next to each tenant namespace"),
  notApplicable("Kyverno", "best-practices/add-networkpolicy-dns", "Add Network Policy for DNS (generate)", "a generating policy; the DNS exception is an allowed flow the constructs deploy under the default deny, nothing to forbid"),
  kyverno("best-practices/add-ns-quota", "Add Quota (generate)", ["tenant-namespaces-are-isolated"], "instead of generating them, the gate requires the ResourceQuota and LimitRange next to each tenant namespace"),
  notApplicable("Kyverno", "best-practices/add-rolebinding", "Add RoleBinding (generate)", "a generating policy; tenant access is RoleBindings the constructs deploy, judged by the RBAC rules"),
  notApplicable("Kyverno", "best-practices/add-safe-to-evict", "Add Safe To Evict (mutating)", "a mutating policy for the Cluster Autoscaler; govcloud's node pools are sized by Cluster API, not autoscaled, and the annotation is not a security control"),
  notApplicable(
    "Kyverno",
    "best-practices/check-deprecated-apis",
    "Check deprecated APIs",
    "typed kubernetes_* resources fix their API version in the provider (2.38.0); kubernetes_manifest objects are validated against the cluster's API at plan time, which refuses removed APIs",
  ),
  kyverno("best-practices/disallow-cri-sock-mount", "Disallow CRI socket mounts", ["no-host-namespaces-or-host-paths", "pods-use-restricted-volume-types"], "docker, containerd, CRI-O and cri-dockerd sockets named as such"),
  kyverno("best-practices/disallow-default-namespace", "Disallow Default Namespace", ["workloads-not-in-default-namespace"]),
  kyverno("best-practices/disallow-empty-ingress-host", "Disallow empty Ingress host", ["ingresses-name-hosts-without-snippets"]),
  kyverno("best-practices/disallow-helm-tiller", "Disallow Helm Tiller", ["no-known-dangerous-components"]),
  kyverno("best-practices/disallow-latest-tag", "Disallow Latest Tag", ["images-from-in-country-registries-pinned"], "stricter: pinned by digest"),
  kyverno("best-practices/require-drop-all", "Drop All Capabilities", ["containers-drop-all-capabilities"]),
  kyverno("best-practices/require-drop-cap-net-raw", "Drop CAP_NET_RAW", ["containers-drop-all-capabilities"]),
  kyverno("best-practices/require-labels", "Require Labels (app.kubernetes.io/name)", ["pods-carry-app-name-label"]),
  kyverno("best-practices/require-pod-requests-limits", "Require Limits and Requests", ["containers-set-requests-and-limits"], "stricter: the CPU limit too"),
  kyverno("best-practices/require-probes", "Require Pod Probes", ["containers-have-probes"]),
  kyverno("best-practices/require-ro-rootfs", "Require Read-Only Root Filesystem", ["containers-read-only-root-filesystem"]),
  kyverno("best-practices/restrict-image-registries", "Restrict Image Registries", ["images-from-in-country-registries-pinned"]),
  kyverno("best-practices/restrict-node-port", "Disallow NodePort", ["services-not-exposed-without-approval"], "NodePort and LoadBalancer each need a recorded approval"),
  kyverno("best-practices/restrict-service-external-ips", "Restrict External IPs", ["services-not-exposed-without-approval"]),
  notCovered(
    "Kyverno",
    "best-practices/validate-probe-timeout-period",
    "Validate Probe Timeout Period",
    "probe timing is tuning, not a security or isolation control; containers-have-probes requires the probes, and an overlapping probe shows up in monitoring",
  ),
];

/**
 * Beyond the two tables: checks of Checkov's Kubernetes-manifest framework and Kyverno policies of
 * its other folders that rules also cover (the RBAC and ingress themes); listed in each rule's
 * column only.
 */
export const RELATED: Readonly<Record<string, readonly string[]>> = {
  "ingresses-name-hosts-without-snippets": ["CKV_K8S_153 (Kubernetes manifests)", "nginx-ingress/disallow-ingress-nginx-custom-snippets"],
  "rbac-has-no-wildcards-or-escalation": ["CKV_K8S_157 (Kubernetes manifests)", "CKV_K8S_158 (Kubernetes manifests)", "other/restrict-escalation-verbs-roles", "other/restrict-wildcard-verbs"],
  "no-cluster-admin-bindings": ["other/restrict-binding-clusteradmin"],
  "rbac-grants-no-secret-reads-or-exec": ["other/restrict-secret-role-verbs"],
};

/** The Checkov ids and Kyverno policy names a rule covers, in table order. */
export function coveredBy(rule: string): string[] {
  const ids = PARITY.filter((e) => e.status === "covered" && e.rules.includes(rule)).map((e) => (e.tool === "Checkov" ? e.id : e.id.split("/").pop() ?? e.id));
  return [...ids, ...(RELATED[rule] ?? [])];
}
