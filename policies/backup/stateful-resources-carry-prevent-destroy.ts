import type { PolicyResource } from "@pulumi/policy";
import { checkContext } from "../lib/check-context";
import { apiGroupOf, kindOf, labelsOf, metadataOf, TENANT_LABEL } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudStackPolicy } from "../engine/types";

/** Velero kinds whose loss stops a tenant's backups or makes Velero forget the backups it holds. */
const VELERO_KINDS: ReadonlySet<string> = new Set(["BackupStorageLocation", "VolumeSnapshotLocation", "Schedule"]);

/** What losing the resource loses, or undefined when it holds no data. */
function stateful(r: PolicyResource): string | undefined {
  const kind = kindOf(r.type, r.props);
  if (kind === "Namespace") {
    return labelsOf(metadataOf(r.type, r.props))[TENANT_LABEL] === undefined ? undefined : "tenant namespace (destroying it deletes every object and volume of the agency in it)";
  }
  if (kind === "PersistentVolumeClaim") return "persistent volume claim (destroying it can delete the volume and its data)";
  if (kind !== undefined && VELERO_KINDS.has(kind) && apiGroupOf(r.type, r.props) === "velero.io") {
    return `Velero ${kind} (destroying it stops backups or makes Velero forget the backups it holds)`;
  }
  return undefined;
}

/**
 * What holds data cannot be destroyed by an ordinary `terraform apply`: tenant namespaces, persistent
 * volume claims, and Velero BackupStorageLocations, VolumeSnapshotLocations and Schedules carry
 * `lifecycle.prevent_destroy`. Removing one is a deliberate operation (docs/backup.md). Judged in
 * the configuration only: a plan does not say which resources carry it (the plan's deletions are
 * `protected-resources-not-destroyed`'s).
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Tenant namespaces, persistent volume claims and Velero BackupStorageLocation, VolumeSnapshotLocation and Schedule manifests carry lifecycle.prevent_destroy (checked in synthesized configuration).",
  validateStack: (args, report) => {
    if (checkContext(args).plan !== undefined) args.notApplicable("a plan does not record lifecycle.prevent_destroy");
    for (const r of args.resources) {
      const what = stateful(r);
      if (what !== undefined && !r.opts.protect) report(`the ${what} has no lifecycle.prevent_destroy = true`, r.urn);
    }
  },
};
export default rule;
