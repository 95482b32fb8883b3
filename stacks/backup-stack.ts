import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Environment } from "../environments/schema";
import { BackupLocations } from "../constructs/backup-locations";
import type { BackupStackInputs } from "../estate/backup";
import { startRegionalStack } from "./regional-stack";
import type { StateBackendContext } from "./state-backend";

export interface BackupStackProps {
  readonly environment: Environment;
  /** Region id, a key of `environment.regions`. */
  readonly regionId: string;
  readonly backend: StateBackendContext;
  /** The region's backup locations: `backupStackInputs(regionBackup)` (estate/backup.ts), which the engine fingerprints. */
  readonly backup: BackupStackInputs;
}

/**
 * Where one region's Velero keeps its backups: the BackupStorageLocations and
 * VolumeSnapshotLocations, applied to the region's cluster after its platform stack.
 *
 * They are custom resources of the CRDs that the platform stack's Velero release installs, and
 * `kubernetes_manifest` needs a resource's CRD to exist when it plans
 * (hashicorp/terraform-provider-kubernetes#1367). In the platform stack itself, a new cluster's
 * first plan would fail; in a stack of their own, applied after the platform stack, the CRDs are
 * always there. (The Velero chart can create locations from its values, but without the labels
 * the policy packs read and without `prevent_destroy`.)
 */
export class BackupStack extends TerraformStack {
  public readonly locations: BackupLocations;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id);
    startRegionalStack(this, props);
    this.locations = new BackupLocations(this, "backup-locations", {
      locations: props.backup.locations,
      snapshotLocations: props.backup.snapshotLocations,
    });
  }
}
