/**
 * Isolation between agencies sharing a cluster: namespaces fenced in by quota, limits, Pod
 * Security Admission and default-deny networking; RBAC without wildcards, escalation, standing
 * cluster-admin or needless secret reads; no cluster-wide rights for tenants.
 */
import noTenantClusterRoleBindings from "../tenant-isolation/no-tenant-cluster-role-bindings";
import rbacHasNoWildcardsOrEscalation from "../tenant-isolation/rbac-has-no-wildcards-or-escalation";
import tenantNamespacesAreIsolated from "../tenant-isolation/tenant-namespaces-are-isolated";
import noClusterAdminBindings from "../tenant-isolation/no-cluster-admin-bindings";
import rbacGrantsNoSecretReadsOrExec from "../tenant-isolation/rbac-grants-no-secret-reads-or-exec";
import type { PolicyPackDefinition } from "../engine/types";
import { cis, decree85, decree356, personalDataLaw, pss } from "./controls";

const pack: PolicyPackDefinition = {
  name: "tenant-isolation",
  description: "Agencies sharing a cluster cannot reach, starve or administer each other.",
  rules: [
    {
      rule: rbacHasNoWildcardsOrEscalation,
      level: "mandatory",
      explanation: "Wildcards grant whatever future API versions add, and bind/escalate/impersonate let a holder give itself more than it was given.",
      controls: [cis("5.1.3"), cis("5.1.8"), decree85("access control and least privilege")],
    },
    {
      rule: tenantNamespacesAreIsolated,
      level: "mandatory",
      explanation: "Each agency's namespace is fenced in: admission restrictions, a quota, default limits and default-deny networking, deployed together.",
      controls: [pss("restricted", "namespace enforce label"), cis("5.3.2"), cis("5.7.1"), decree85("separation of systems"), personalDataLaw("personal data protection measures")],
    },
    {
      rule: noTenantClusterRoleBindings,
      level: "mandatory",
      explanation: "A tenant with a ClusterRoleBinding can read or change every other agency's namespace.",
      controls: [cis("5.1.1"), cis("5.1.3"), decree85("access control and least privilege"), personalDataLaw(), decree356()],
    },
    {
      rule: noClusterAdminBindings,
      level: "mandatory",
      explanation: "cluster-admin can read every agency's data and change every control of the platform; nobody holds it standing, outside Kubernetes' own system identities.",
      controls: [cis("5.1.1"), decree85("access control and least privilege"), personalDataLaw(), decree356()],
    },
    {
      rule: rbacGrantsNoSecretReadsOrExec,
      level: "mandatory",
      explanation: "Reading Secrets or exec into containers hands over credentials and running processes; only a role that could already create the pods holding them may have it.",
      controls: [cis("5.1.2"), cis("5.1.4"), decree85("access control and least privilege"), personalDataLaw(), decree356()],
    },
  ],
};
export default pack;
