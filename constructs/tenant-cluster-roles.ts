import { Construct } from "constructs";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";

/** One RBAC rule, spelled out: no wildcard anywhere. */
export interface TenantRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export type TenantRole = "admin" | "developer" | "viewer";

const READ = ["get", "list", "watch"] as const;
const WRITE = ["create", "update", "patch", "delete", "deletecollection"] as const;
const READ_WRITE = [...READ, ...WRITE];

/** Workload and configuration resources a team deploys with. */
const WORKLOADS: readonly TenantRule[] = [
  { apiGroups: [""], resources: ["configmaps", "persistentvolumeclaims", "pods", "services"], verbs: READ_WRITE },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: READ_WRITE },
  { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "patch", "update"] },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: READ_WRITE },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: READ_WRITE },
  { apiGroups: ["cert-manager.io"], resources: ["certificates"], verbs: READ_WRITE },
];

/** What anyone in the namespace may look at. Secrets are not among them. */
const OBSERVE: readonly TenantRule[] = [
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "endpoints",
      "events",
      "limitranges",
      "namespaces",
      "persistentvolumeclaims",
      "pods",
      "pods/log",
      "resourcequotas",
      "serviceaccounts",
      "services",
    ],
    verbs: READ,
  },
  { apiGroups: ["apps"], resources: ["controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"], verbs: READ },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: READ },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: READ },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
  { apiGroups: ["cert-manager.io"], resources: ["certificaterequests", "certificates", "issuers"], verbs: READ },
];

/** Reaching into running pods: debugging, not for viewers. */
const DEBUG: readonly TenantRule[] = [
  { apiGroups: [""], resources: ["pods/attach", "pods/exec", "pods/portforward"], verbs: ["create", "get"] },
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
];

/** Secrets of the team's own workloads. */
const SECRETS: readonly TenantRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: READ_WRITE }];

/** What a namespace admin adds: publishing services, disruption budgets, service accounts, and reading RBAC. */
const ADMINISTER: readonly TenantRule[] = [
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: READ_WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ_WRITE },
  { apiGroups: [""], resources: ["serviceaccounts"], verbs: READ_WRITE },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings", "roles"], verbs: READ },
];

/**
 * The rules of each tenant role. Deliberately absent everywhere: wildcards; `bind`, `escalate`,
 * `impersonate`; nodes and any other cluster-scoped object; writes to the namespace itself and
 * to what isolates it (quotas, limit ranges, network policies, RBAC), which are the platform's;
 * DaemonSets, which would put a tenant's pods on every node. Membership is the platform's too:
 * admins read RoleBindings but do not write them.
 */
export const TENANT_ROLE_RULES: Readonly<Record<TenantRole, readonly TenantRule[]>> = {
  admin: [...OBSERVE, ...WORKLOADS, ...DEBUG, ...SECRETS, ...ADMINISTER],
  developer: [...OBSERVE, ...WORKLOADS, ...DEBUG, ...SECRETS],
  viewer: OBSERVE,
};

/** The ClusterRole name of a tenant role: `govcloud-tenant-<role>`. */
export function tenantClusterRoleName(role: TenantRole): string {
  return `govcloud-tenant-${role}`;
}

export interface TenantClusterRolesProps {
  /** Labels for the roles. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Rules appended to each role after its own (`tenancy.extraRoleRules`), for rights the
   * platform engineers grant beyond the defaults. They are not checked here: wildcards and
   * escalating verbs fail the `rbac-has-no-wildcards-or-escalation` policy, which judges what is
   * deployed whatever wrote it.
   * @default - none
   */
  readonly extraRules?: Readonly<Partial<Record<TenantRole, readonly TenantRule[]>>>;
}

/**
 * The roles agencies' people and pipelines get in their namespaces: `govcloud-tenant-admin`,
 * `-developer` and `-viewer`. They are ClusterRoles only so that every tenant namespace can bind
 * the same definition; tenants receive them through RoleBindings in their own namespaces, never
 * ClusterRoleBindings, so no rule reaches beyond the namespace.
 */
export class TenantClusterRoles extends Construct {
  public readonly roles: ReadonlyMap<TenantRole, ClusterRoleV1>;

  constructor(scope: Construct, id: string, props: TenantClusterRolesProps) {
    super(scope, id);
    const roles = new Map<TenantRole, ClusterRoleV1>();
    for (const role of ["admin", "developer", "viewer"] as const) {
      roles.set(
        role,
        new ClusterRoleV1(this, role, {
          metadata: { name: tenantClusterRoleName(role), labels: { ...props.labels } },
          rule: [...TENANT_ROLE_RULES[role], ...(props.extraRules?.[role] ?? [])].map((r) => ({
            apiGroups: [...r.apiGroups],
            resources: [...r.resources],
            verbs: [...r.verbs],
          })),
        }),
      );
    }
    this.roles = roles;
  }
}
