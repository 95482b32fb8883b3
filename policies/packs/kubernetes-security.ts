/**
 * Workload hardening for the shared, multi-tenant clusters: what Pod Security Admission
 * 'restricted' enforces at admission time, checked before deployment, plus resources, probes,
 * registries and exposure.
 */
import containersDisallowPrivilegeEscalation from "../kubernetes-security/containers-disallow-privilege-escalation";
import containersDropAllCapabilities from "../kubernetes-security/containers-drop-all-capabilities";
import containersHaveProbes from "../kubernetes-security/containers-have-probes";
import containersReadOnlyRootFilesystem from "../kubernetes-security/containers-read-only-root-filesystem";
import containersRunAsNonRoot from "../kubernetes-security/containers-run-as-non-root";
import containersSetRequestsAndLimits from "../kubernetes-security/containers-set-requests-and-limits";
import helmValuesNotPrivileged from "../kubernetes-security/helm-values-not-privileged";
import imagesFromInCountryRegistriesPinned from "../kubernetes-security/images-from-in-country-registries-pinned";
import noHostNamespacesOrHostPaths from "../kubernetes-security/no-host-namespaces-or-host-paths";
import podsUseRuntimeDefaultSeccomp from "../kubernetes-security/pods-use-runtime-default-seccomp";
import servicesNotExposedWithoutApproval from "../kubernetes-security/services-not-exposed-without-approval";
import containersAlwaysPullImages from "../kubernetes-security/containers-always-pull-images";
import containersTakeSecretsAsFiles from "../kubernetes-security/containers-take-secrets-as-files";
import defaultServiceAccountsNotUsed from "../kubernetes-security/default-service-accounts-not-used";
import ingressesNameHostsWithoutSnippets from "../kubernetes-security/ingresses-name-hosts-without-snippets";
import namespacesEnforcePodSecurity from "../kubernetes-security/namespaces-enforce-pod-security";
import noKnownDangerousComponents from "../kubernetes-security/no-known-dangerous-components";
import podsAndContainersSetSecurityContext from "../kubernetes-security/pods-and-containers-set-security-context";
import podsCarryAppNameLabel from "../kubernetes-security/pods-carry-app-name-label";
import podsSetNoUnsafeSecurityOptions from "../kubernetes-security/pods-set-no-unsafe-security-options";
import podsUseRestrictedVolumeTypes from "../kubernetes-security/pods-use-restricted-volume-types";
import workloadsNotInDefaultNamespace from "../kubernetes-security/workloads-not-in-default-namespace";
import type { PolicyPackDefinition } from "../engine/types";
import { cis, cybersecurityLaw, decree53, decree85, personalDataLaw, pss } from "./controls";

const pack: PolicyPackDefinition = {
  name: "kubernetes-security",
  description:
    "Workload hardening: Pod Security Standards 'restricted' (and the namespace label that enforces it), identity, resources, probes, in-country pinned images, no unapproved exposure.",
  rules: [
    {
      rule: containersRunAsNonRoot,
      level: "mandatory",
      explanation: "A process running as root inside a container is one kernel bug away from root on a node shared by many agencies.",
      controls: [pss("restricted", "Running as Non-root; Running as Non-root user"), cis("5.2.7"), decree85("technical requirements: host and workload hardening")],
    },
    {
      rule: containersDisallowPrivilegeEscalation,
      level: "mandatory",
      explanation: "setuid binaries and privileged containers let a compromised process take more rights than it was started with.",
      controls: [pss("restricted", "Privilege Escalation"), pss("baseline", "Privileged Containers"), cis("5.2.2"), cis("5.2.6"), decree85()],
    },
    {
      rule: containersDropAllCapabilities,
      level: "mandatory",
      explanation: "Linux capabilities split root's power into pieces; a workload keeps none of them unless it truly needs to bind a low port.",
      controls: [pss("restricted", "Capabilities"), cis("5.2.8"), cis("5.2.9"), cis("5.2.10"), decree85()],
    },
    {
      rule: containersReadOnlyRootFilesystem,
      level: "mandatory",
      explanation: "A read-only image cannot be altered by an intruder; what a program writes goes to a volume that disappears with the pod.",
      controls: [cis("5.7.3"), decree85()],
    },
    {
      rule: podsUseRuntimeDefaultSeccomp,
      level: "mandatory",
      explanation: "The runtime's default seccomp profile blocks the system calls most container escapes rely on.",
      controls: [pss("restricted", "Seccomp"), cis("5.7.2"), decree85()],
    },
    {
      rule: containersSetRequestsAndLimits,
      level: "mandatory",
      explanation: "Without requests and limits one agency's workload can starve the others on a shared node, and quotas cannot be enforced.",
      controls: [decree85("availability of the information system"), cis("5.7.1")],
    },
    {
      rule: containersHaveProbes,
      level: "advisory",
      explanation: "Probes let Kubernetes restart a hung service and keep traffic away from replicas that are not ready.",
      controls: [decree85("availability of the information system")],
    },
    {
      rule: imagesFromInCountryRegistriesPinned,
      level: "mandatory",
      explanation: "The datacenters are air-gapped: images come from the in-country mirrors, pinned by digest so that what runs is what was scanned.",
      controls: [cybersecurityLaw("Art. 26"), decree53(), cis("5.5.1"), decree85("software provenance")],
    },
    {
      rule: noHostNamespacesOrHostPaths,
      level: "mandatory",
      explanation: "Host namespaces, host paths and host ports let a tenant's pod see or reach the node and the other tenants on it.",
      controls: [pss("baseline", "Host Namespaces; HostPath Volumes; Host Ports"), cis("5.2.3"), cis("5.2.4"), cis("5.2.5"), cis("5.2.12"), cis("5.2.13")],
    },
    {
      rule: helmValuesNotPrivileged,
      level: "mandatory",
      explanation:
        "Chart values decide the pods the platform add-ons run, and no scanner reads them; a privileged or host-namespace pod is allowed only where an add-on needs the node, each with its reason.",
      controls: [pss("baseline", "Privileged Containers; Host Namespaces"), pss("restricted", "Privilege Escalation"), cis("5.2.2"), cis("5.2.3"), cis("5.2.4"), cis("5.2.5"), cis("5.2.6"), decree85("technical requirements: host and workload hardening")],
    },
    {
      rule: servicesNotExposedWithoutApproval,
      level: "mandatory",
      explanation: "NodePort and LoadBalancer services bypass the shared, monitored ingress; each one is an exception that someone must approve.",
      controls: [decree85("network access control"), cybersecurityLaw()],
    },
    {
      rule: namespacesEnforcePodSecurity,
      level: "mandatory",
      explanation:
        "Pod Security Admission enforces the Pod Security Standards only in namespaces labelled for it; an unlabelled namespace admits privileged pods, whatever was checked before deployment.",
      controls: [pss("restricted", "namespace enforce label"), cis("5.2.1"), decree85("technical requirements: host and workload hardening")],
    },
    {
      rule: podsAndContainersSetSecurityContext,
      level: "mandatory",
      explanation: "Security settings that are not written down are the image's or the runtime's defaults, which nobody reviewed.",
      controls: [cis("5.7.3"), decree85()],
    },
    {
      rule: podsSetNoUnsafeSecurityOptions,
      level: "mandatory",
      explanation: "An unmasked /proc, unsafe sysctls, a custom AppArmor or SELinux identity or a Windows host process each undo part of the container boundary on a node shared by agencies.",
      controls: [pss("baseline", "/proc Mount Type; Sysctls; AppArmor; SELinux; HostProcess"), decree85("technical requirements: host and workload hardening")],
    },
    {
      rule: podsUseRestrictedVolumeTypes,
      level: "mandatory",
      explanation: "In-line NFS, iSCSI, hostPath and other volume sources bypass the platform's storage classes, quotas and backups, and some reach the node itself.",
      controls: [pss("restricted", "Volume Types"), pss("baseline", "HostPath Volumes"), decree85()],
    },
    {
      rule: workloadsNotInDefaultNamespace,
      level: "mandatory",
      explanation: "The default namespace belongs to no agency: it has no quota, no default-deny network policy and no Pod Security label of govcloud's.",
      controls: [cis("5.7.4"), decree85("separation of systems")],
    },
    {
      rule: defaultServiceAccountsNotUsed,
      level: "mandatory",
      explanation: "The default service account is shared by every pod that names no other; a right given to it, or a token mounted from it, is given to all of them.",
      controls: [cis("5.1.5"), cis("5.1.6"), decree85("access control and least privilege")],
    },
    {
      rule: containersAlwaysPullImages,
      level: "mandatory",
      explanation: "On a node shared by agencies, IfNotPresent starts an image another agency's pod pulled without asking the registry whether this pod may have it.",
      controls: [cis("1.2.11"), decree85("access control and least privilege")],
    },
    {
      rule: containersTakeSecretsAsFiles,
      level: "advisory",
      explanation: "Environment variables leak into child processes, crash reports and debug pages, and cannot be rotated without a restart; mounted secrets can.",
      controls: [cis("5.4.1"), personalDataLaw("personal data protection measures")],
    },
    {
      rule: ingressesNameHostsWithoutSnippets,
      level: "mandatory",
      explanation: "Every agency shares the ingress controller: a snippet annotation runs raw NGINX configuration with the controller's rights, and a rule without a host answers for every name.",
      controls: [decree85("network access control"), cybersecurityLaw()],
    },
    {
      rule: noKnownDangerousComponents,
      level: "mandatory",
      explanation: "Tiller answers anyone with cluster-admin rights, and git-sync with GITSYNC_GIT runs whatever program it is told; neither can be made safe by configuration.",
      controls: [cis("5.1.1"), decree85("technical requirements: host and workload hardening")],
    },
    {
      rule: podsCarryAppNameLabel,
      level: "advisory",
      explanation: "Monitoring, network policies and the people on call find a pod's application by its app.kubernetes.io/name label.",
      controls: [decree85("availability of the information system")],
    },
  ],
};
export default pack;
