import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { BackupLocation, SnapshotLocation } from "../estate/backup";

export interface BackupLocationsProps {
  /** The region's BackupStorageLocations, from `planBackups` (local, to-<partner>, from-<source>). */
  readonly locations: readonly BackupLocation[];
  /**
   * The region's VolumeSnapshotLocations.
   * @default []
   */
  readonly snapshotLocations?: readonly SnapshotLocation[];
  /**
   * What must exist first, in the same stack. Never the Velero release that brings the CRDs:
   * on a new cluster these could not even be planned before it is applied, so they live in a
   * stack applied after it (stacks/backup-stack.ts, docs/backup.md).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Where one region's Velero keeps backups: one `kubernetes_manifest` per BackupStorageLocation
 * and VolumeSnapshotLocation in the `velero` namespace, addressed by kind and name
 * (`kubernetes_manifest.velero_backup_location_to_south`). Credentials are references to Secrets that
 * exist in the cluster (`spec.credential`), never values.
 *
 * Every location is protected from destruction: deleting a BSL makes Velero forget the backups
 * in it, and its Schedules fail until it is back.
 */
export class BackupLocations extends Construct {
  /** BackupStorageLocations by name. */
  public readonly storageLocations: ReadonlyMap<string, Manifest>;
  /** VolumeSnapshotLocations by name. */
  public readonly snapshotLocations: ReadonlyMap<string, Manifest>;

  constructor(scope: Construct, id: string, props: BackupLocationsProps) {
    super(scope, id);
    const problems = BackupLocations.validate(props);
    if (problems.length > 0) throw new Error(`BackupLocations '${id}' are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const dependsOn = props.dependsOn ?? [];
    const render = (construct: string, manifest: BackupLocation["manifest"]): Manifest => {
      const resource = new Manifest(this, construct, {
        manifest: manifest as unknown as Record<string, unknown>,
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
        lifecycle: { preventDestroy: true },
      });
      // Readable, stable addresses (kubernetes_manifest.velero_backup_location_to_south) that
      // plan reviews and estate/plan-protection.ts recognise, whatever the construct tree.
      resource.overrideLogicalId(`velero_${construct.replaceAll("-", "_")}`);
      return resource;
    };
    this.storageLocations = new Map(
      [...props.locations].sort((a, b) => (a.name < b.name ? -1 : 1)).map((l) => [l.name, render(`backup-location-${l.name}`, l.manifest)]),
    );
    this.snapshotLocations = new Map(
      [...(props.snapshotLocations ?? [])]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((l) => [l.name, render(`snapshot-location-${l.name}`, l.manifest)]),
    );
  }

  /** Every problem with the props, so that one error says all that is wrong. */
  public static validate(props: BackupLocationsProps): string[] {
    const problems: string[] = [];
    const names = new Set<string>();
    for (const location of props.locations) {
      if (names.has(location.name)) problems.push(`backup storage location '${location.name}' is defined twice`);
      names.add(location.name);
      const spec = location.manifest.spec as { config?: { s3Url?: unknown }; credential?: unknown } | undefined;
      if (typeof spec?.config?.s3Url !== "string" || !spec.config.s3Url.startsWith("https://")) {
        problems.push(`backup storage location '${location.name}' needs an https:// s3Url, or Velero's client falls back to AWS's public endpoints`);
      }
      if (spec?.credential === undefined) problems.push(`backup storage location '${location.name}' needs a credential Secret reference`);
    }
    const defaults = props.locations.filter((l) => (l.manifest.spec as { default?: boolean } | undefined)?.default === true);
    if (props.locations.length > 0 && defaults.length !== 1) {
      problems.push(`exactly one backup storage location must be the default, found ${defaults.length}`);
    }
    return problems;
  }
}
