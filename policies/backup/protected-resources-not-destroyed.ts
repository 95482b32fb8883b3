import { protectedDeletions } from "../../estate/plan-protection";
import { checkContext } from "../lib/check-context";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudStackPolicy } from "../engine/types";

/**
 * A plan (`terraform show -json`) destroys nothing that holds data: no `resource_changes`
 * entry deletes or replaces a namespace, a persistent volume claim or volume, a StatefulSet with
 * volume claim templates, or a Velero backup location or Schedule, whatever its block is named
 * (estate/plan-protection.ts). Each such change is reported at its address,
 * with Terraform's reason and the attributes that force a replacement. Synthesized
 * configuration has no changes: there the rule does not apply.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "A plan deletes or replaces no namespace, PersistentVolumeClaim, PersistentVolume, StatefulSet with volume claim templates, Velero BackupStorageLocation, VolumeSnapshotLocation or Schedule, whatever the block is named and in legacy or _v1 types or kubernetes_manifest (plans only; each change reported with Terraform's reason).",
  validateStack: (args, report) => {
    const { stack, plan } = checkContext(args);
    if (plan === undefined) args.notApplicable("synthesized configuration changes nothing");
    for (const deletion of protectedDeletions(plan)) {
      // The finding is located at the address; the message need not repeat it.
      const message = deletion.message.startsWith(`${deletion.address} `) ? deletion.message.slice(deletion.address.length + 1) : deletion.message;
      report(`${message}; if that is intended, move or retire the data first and take the resource out of the state (docs/backup.md)`, `${stack}::${deletion.address}`);
    }
  },
};
export default rule;
