import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import type { Placement } from "../estate/add-ons";
import { type DrillTarget, drillRestore, type RestoreDrillPlan, VELERO_NAMESPACE } from "../estate/backup";

export interface RestoreDrillProps {
  /** Environment name, for labels on the Restores. */
  readonly environment: string;
  /** The region the drill runs in. */
  readonly regionId: string;
  /** The drill: cadence, image and the tenants to restore, from `planBackups`. */
  readonly plan: RestoreDrillPlan;
  /** Labels for every object. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Where the drill's pod runs (the region's system nodes).
   * @default - anywhere
   */
  readonly placement?: Placement;
  /**
   * What must exist first: the Velero release (its CRDs) and the backup storage locations.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Names of the drill's objects in the velero namespace. */
export const RESTORE_DRILL = {
  name: "restore-drill",
  results: "restore-drill-results",
  clusterRole: "govcloud-restore-drill",
} as const;

/** Non-root user of the drill container (the distroless "nonroot" user). */
const DRILL_UID = "65532";

/**
 * A restore drill in one region: a CronJob in the `velero` namespace that, for each of its
 * targets (the home tenants of other regions whose copies this region holds, and home tenants
 * with no copy elsewhere), restores the latest completed backup into a scratch namespace
 * `<prefix>-<agency>` through Velero's namespace mapping, checks that the Restore reaches
 * `Completed` without errors within the tenant's RTO, records the result in the ConfigMap
 * `restore-drill-results` and as Prometheus-style log lines
 * (`govcloud_restore_drill_success{region,agency} 1`), and deletes the scratch namespace.
 *
 * Least privilege, and its limit: RBAC cannot say "namespaces starting with drill-". Instead
 * the drill never creates namespaces (Velero's server does, while restoring), and may delete
 * only the scratch namespaces named one by one (`resourceNames`, rendered from the targets). The
 * scratch prefix can never be `tenant` (schema), so no tenant namespace is ever on that list.
 * Its other rights are namespaced to `velero`: read Backups, create and read Restores, and
 * update the one results ConfigMap.
 */
export class RestoreDrill extends Construct {
  public readonly cronJob: CronJobV1;
  public readonly serviceAccount: ServiceAccountV1;
  /** The ClusterRole that lets the drill delete its scratch namespaces; absent without targets. */
  public readonly clusterRole?: ClusterRoleV1;
  /** Scripts, targets and the Restore template. */
  public readonly script: ConfigMapV1;

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    const problems = RestoreDrill.validate(props);
    if (problems.length > 0) throw new Error(`RestoreDrill '${id}' is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const { plan, labels } = props;
    const namespace = VELERO_NAMESPACE;
    const dependsOn = props.dependsOn ?? [];
    const after = dependsOn.length > 0 ? { dependsOn } : {};
    const metadata = (name: string) => ({ name, namespace, labels: { ...labels } });

    this.serviceAccount = new ServiceAccountV1(this, "service-account", {
      ...after,
      metadata: metadata(RESTORE_DRILL.name),
      automountServiceAccountToken: false,
    });
    const subject = [{ kind: "ServiceAccount", name: RESTORE_DRILL.name, namespace }];

    const role = new RoleV1(this, "role", {
      ...after,
      metadata: metadata(RESTORE_DRILL.name),
      rule: [
        { apiGroups: ["velero.io"], resources: ["backups"], verbs: ["get", "list"] },
        { apiGroups: ["velero.io"], resources: ["restores"], verbs: ["create", "get", "list"] },
        { apiGroups: [""], resources: ["configmaps"], resourceNames: [RESTORE_DRILL.results], verbs: ["get", "patch", "update"] },
      ],
    });
    new RoleBindingV1(this, "role-binding", {
      dependsOn: [role, this.serviceAccount],
      metadata: metadata(RESTORE_DRILL.name),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: RESTORE_DRILL.name },
      subject,
    });

    const scratch = plan.targets.map((t) => t.scratchNamespace).sort();
    // An empty resourceNames list would mean every namespace: without targets, no rule at all.
    if (scratch.length > 0) {
      this.clusterRole = new ClusterRoleV1(this, "cluster-role", {
        metadata: { name: RESTORE_DRILL.clusterRole, labels: { ...labels } },
        rule: [{ apiGroups: [""], resources: ["namespaces"], resourceNames: scratch, verbs: ["delete", "get", "list", "watch"] }],
      });
      new ClusterRoleBindingV1(this, "cluster-role-binding", {
        dependsOn: [this.clusterRole, this.serviceAccount],
        metadata: { name: RESTORE_DRILL.clusterRole, labels: { ...labels } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: RESTORE_DRILL.clusterRole },
        subject,
      });
    }

    const results = new ConfigMapV1(this, "results", {
      ...after,
      metadata: metadata(RESTORE_DRILL.results),
      data: {},
      // The drill writes the results; Terraform only makes sure the ConfigMap exists.
      lifecycle: { ignoreChanges: ["data"] },
    });
    this.script = new ConfigMapV1(this, "script", {
      ...after,
      metadata: metadata(RESTORE_DRILL.name),
      data: {
        "drill.sh": DRILL_SCRIPT,
        "targets.tsv": drillTargetsTsv(plan.targets),
        "restore-template.json": `${JSON.stringify(restoreTemplate(props.environment, props.regionId), null, 2)}\n`,
      },
    });

    const placement = props.placement ?? { nodeSelector: {}, tolerations: [] };
    this.cronJob = new CronJobV1(this, "cron-job", {
      dependsOn: [this.script, results, role, ...dependsOn],
      metadata: metadata(RESTORE_DRILL.name),
      spec: {
        schedule: plan.schedule,
        timezone: "Asia/Ho_Chi_Minh",
        suspend: !plan.enabled,
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: { ...labels } },
          spec: {
            // A failed drill is a finding to look at, not something to retry blindly.
            backoffLimit: 0,
            activeDeadlineSeconds: plan.activeDeadlineSeconds,
            template: {
              metadata: { labels: { ...labels, "app.kubernetes.io/name": RESTORE_DRILL.name } },
              spec: {
                serviceAccountName: RESTORE_DRILL.name,
                // kubectl needs the token; the ServiceAccount itself mounts none elsewhere.
                automountServiceAccountToken: true,
                restartPolicy: "Never",
                nodeSelector: { ...placement.nodeSelector },
                toleration: placement.tolerations.map((t) => ({ ...t })),
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: DRILL_UID,
                  runAsGroup: DRILL_UID,
                  seccompProfile: { type: "RuntimeDefault" },
                },
                container: [
                  {
                    name: RESTORE_DRILL.name,
                    image: plan.image,
                    // Always: on nodes shared by agencies, a cached image starts only after the registry has
                    // authorized this pod (the image is digest-pinned, so this is a manifest check, not a download).
                    imagePullPolicy: "Always",
                    command: ["/bin/sh", "/drill/drill.sh"],
                    env: [
                      { name: "REGION", value: props.regionId },
                      { name: "VELERO_NAMESPACE", value: namespace },
                      { name: "RESULTS_CONFIGMAP", value: RESTORE_DRILL.results },
                      // kubectl caches discovery under $HOME; the root file system is read-only.
                      { name: "HOME", value: "/tmp" },
                    ],
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                    securityContext: {
                      runAsNonRoot: true,
                      runAsUser: DRILL_UID,
                      runAsGroup: DRILL_UID,
                      allowPrivilegeEscalation: false,
                      privileged: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ["ALL"] },
                      seccompProfile: { type: "RuntimeDefault" },
                    },
                    volumeMount: [
                      { name: "drill", mountPath: "/drill", readOnly: true },
                      { name: "tmp", mountPath: "/tmp" },
                    ],
                  },
                ],
                volume: [
                  { name: "drill", configMap: { name: RESTORE_DRILL.name } },
                  { name: "tmp", emptyDir: {} },
                ],
              },
            },
          },
        },
      },
    });
  }

  /** Every problem with the props, so that one error says all that is wrong. */
  public static validate(props: RestoreDrillProps): string[] {
    const problems: string[] = [];
    if (!/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$/.test(props.plan.image)) {
      problems.push(`image '${props.plan.image}' must be an in-country image pinned by digest`);
    }
    const seen = new Set<string>();
    for (const target of props.plan.targets) {
      if (seen.has(target.scratchNamespace)) problems.push(`scratch namespace '${target.scratchNamespace}' is used by two targets`);
      seen.add(target.scratchNamespace);
      if (target.scratchNamespace.startsWith("tenant-")) problems.push(`scratch namespace '${target.scratchNamespace}' looks like a tenant namespace`);
      if (target.scratchNamespace === target.sourceNamespace) problems.push(`target '${target.agencyId}' would restore over its own namespace`);
      if (!Number.isInteger(target.rtoSeconds) || target.rtoSeconds <= 0) problems.push(`target '${target.agencyId}' has no RTO`);
      for (const field of [target.agencyId, target.sourceNamespace, target.scratchNamespace, target.schedule]) {
        if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(field)) problems.push(`target field '${field}' is not a Kubernetes name`);
      }
    }
    return problems;
  }
}

/** The targets as the script reads them: agency, source, scratch, schedule, RTO seconds; tab-separated. */
export function drillTargetsTsv(targets: readonly DrillTarget[]): string {
  const lines = [...targets]
    .sort((a, b) => (a.agencyId < b.agencyId ? -1 : 1))
    .map((t) => [t.agencyId, t.sourceNamespace, t.scratchNamespace, t.schedule, String(t.rtoSeconds)].join("\t"));
  return ["# agency\tsource namespace\tscratch namespace\tschedule\trto seconds", ...lines, ""].join("\n");
}

/** The Restore the script creates per target, with @PLACEHOLDERS@ it fills in. */
export function restoreTemplate(environment: string, regionId: string): ReturnType<typeof drillRestore> {
  return drillRestore({ name: environment }, regionId, {
    name: "@NAME@",
    backupName: "@BACKUP@",
    agencyId: "@AGENCY@",
    sourceNamespace: "@SOURCE@",
    scratchNamespace: "@SCRATCH@",
  });
}

/**
 * The drill (POSIX sh, kubectl, sed, awk-free). No `${` or `%{` anywhere: Terraform would read
 * them as template syntax in the ConfigMap.
 */
export const DRILL_SCRIPT = `#!/bin/sh
# Restore drill, generated by govcloud (constructs/restore-drill.ts; docs/backup.md).
# For every line of targets.tsv: restore the latest completed backup of the tenant's schedule into
# its scratch namespace, wait for the Restore within the tenant's RTO, record the result, delete
# the scratch namespace. Exits non-zero when any target failed.
set -u
ns="$VELERO_NAMESPACE"
tab="$(printf '\\t')"
failed=0

now() { date -u +%s; }

metric() {
  printf 'govcloud_restore_drill_%s{region="%s",agency="%s"} %s\\n' "$1" "$REGION" "$2" "$3"
}

# record <agency> <result> <backup> <restore> <seconds> <rto seconds>
record() {
  finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  value="{\\"result\\":\\"$2\\",\\"backup\\":\\"$3\\",\\"restore\\":\\"$4\\",\\"seconds\\":$5,\\"rtoSeconds\\":$6,\\"finishedAt\\":\\"$finished\\"}"
  escaped="$(printf '%s' "$value" | sed 's/"/\\\\"/g')"
  kubectl -n "$ns" patch configmap "$RESULTS_CONFIGMAP" --type merge -p "{\\"data\\":{\\"$1\\":\\"$escaped\\"}}" >/dev/null \\
    || echo "restore-drill: could not record the result of $1" >&2
  ok=0
  [ "$2" = passed ] && ok=1
  metric success "$1" "$ok"
  metric duration_seconds "$1" "$5"
  metric rto_seconds "$1" "$6"
  metric last_run_timestamp_seconds "$1" "$(now)"
  [ "$ok" = 1 ] || failed=$((failed + 1))
}

while IFS="$tab" read -r agency source scratch schedule rto; do
  case "$agency" in '' | '#'*) continue ;; esac
  backup="$(kubectl -n "$ns" get backups.velero.io -l "velero.io/schedule-name=$schedule" \\
    --sort-by=.metadata.creationTimestamp \\
    -o jsonpath='{range .items[?(@.status.phase=="Completed")]}{.metadata.name}{"\\n"}{end}' | tail -n 1)"
  if [ -z "$backup" ]; then
    record "$agency" no-backup "" "" 0 "$rto"
    continue
  fi
  restore="$scratch-$(date -u +%Y%m%d%H%M%S)"
  if ! sed -e "s|@NAME@|$restore|g" -e "s|@BACKUP@|$backup|g" -e "s|@AGENCY@|$agency|g" \\
      -e "s|@SOURCE@|$source|g" -e "s|@SCRATCH@|$scratch|g" /drill/restore-template.json | kubectl create -f - >/dev/null; then
    record "$agency" not-created "$backup" "$restore" 0 "$rto"
    continue
  fi
  start="$(now)"
  phase=""
  while :; do
    phase="$(kubectl -n "$ns" get restores.velero.io "$restore" -o jsonpath='{.status.phase}' 2>/dev/null)"
    case "$phase" in Completed | PartiallyFailed | Failed | FailedValidation) break ;; esac
    [ "$(($(now) - start))" -ge "$rto" ] && break
    sleep 10
  done
  seconds="$(($(now) - start))"
  errors="$(kubectl -n "$ns" get restores.velero.io "$restore" -o jsonpath='{.status.errors}' 2>/dev/null)"
  [ -z "$errors" ] && errors=0
  if [ "$phase" = Completed ] && [ "$errors" = 0 ] && [ "$seconds" -le "$rto" ]; then
    result=passed
  elif [ "$seconds" -ge "$rto" ]; then
    result=rto-exceeded
  else
    result="$(printf '%s' "$phase" | tr 'A-Z' 'a-z')"
    [ -z "$result" ] && result=failed
  fi
  record "$agency" "$result" "$backup" "$restore" "$seconds" "$rto"
  kubectl delete namespace "$scratch" --ignore-not-found --wait=true --timeout=15m >/dev/null \\
    || echo "restore-drill: could not delete scratch namespace $scratch" >&2
done </drill/targets.tsv

echo "restore-drill: region $REGION, $failed target(s) failed"
[ "$failed" -eq 0 ]
`;
