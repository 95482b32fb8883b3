import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { SCHEDULE_BLOCK } from "../estate/backup";
import type { Blocks } from "../estate/tenant-model";
import { forEachResource } from "./for-each";

export interface TenantBackupSchedulesProps {
  /** The stack's instances; only {@link SCHEDULE_BLOCK} is rendered here (estate/backup.ts fills it). */
  readonly blocks: Blocks;
  /**
   * What must exist first, usually the tenant namespaces the Schedules back up.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Velero Schedules of every tenant namespace in a tenant stack: one `kubernetes_manifest`
 * with `for_each` over instances keyed `<agency-id>/<backup storage location>`, addressed
 * `kubernetes_manifest.tenant_backup_schedule["bo-tai-chinh/to-south"]`, whose whole manifest is
 * the instance's value (the Schedules differ in structure: hooks, snapshot locations).
 *
 * The Schedules live in the `velero` namespace, where Velero watches them; their Velero CRDs
 * come with the platform stack applied before. They are protected from destruction: removing a
 * Schedule silently stops a tenant's backups.
 */
export class TenantBackupSchedules extends Construct {
  /** The Schedules block, when the stack has any. */
  public readonly schedules?: Manifest;

  constructor(scope: Construct, id: string, props: TenantBackupSchedulesProps) {
    super(scope, id);
    const instances = props.blocks.get(SCHEDULE_BLOCK);
    if (instances === undefined || instances.size === 0) return;
    const dependsOn = props.dependsOn ?? [];
    const schedules = forEachResource(
      this,
      instances,
      (it) =>
        new Manifest(this, "schedule", {
          forEach: it,
          manifest: it.getAnyMap("manifest"),
          ...(dependsOn.length > 0 ? { dependsOn } : {}),
          // Deleting a Schedule stops the agency's backups without a trace; removing one is a
          // deliberate operation outside the normal apply (docs/backup.md, plan protection).
          lifecycle: { preventDestroy: true },
        }),
    );
    // kubernetes_manifest.tenant_backup_schedule["<agency-id>/<location>"], not a hashed construct path.
    schedules.overrideLogicalId(SCHEDULE_BLOCK.slice(SCHEDULE_BLOCK.indexOf(".") + 1));
    this.schedules = schedules;
  }
}
