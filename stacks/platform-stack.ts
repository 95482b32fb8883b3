import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import type { Environment } from "../environments/schema";
import { ClusterBaseline } from "../constructs/cluster-baseline";
import { ownershipLabels } from "../estate/labels";
import { PlatformAddOns } from "../constructs/platform-add-ons";
import { RestoreDrill } from "../constructs/restore-drill";
import { TenantClusterRoles } from "../constructs/tenant-cluster-roles";
import { PLATFORM_PRIORITY_CLASS, systemPlacement } from "../estate/add-ons";
import type { RegionBackup } from "../estate/backup";
import { startRegionalStack } from "./regional-stack";
import type { StateBackendContext } from "./state-backend";

export interface PlatformStackProps {
  readonly environment: Environment;
  /** Region id, a key of `environment.regions`. */
  readonly regionId: string;
  readonly backend: StateBackendContext;
  /**
   * The region's restore drill (estate/backup.ts); its backup locations are in the region's
   * backup stack (stacks/backup-stack.ts).
   * @default - none (the environment has no `backup` section)
   */
  readonly backup?: RegionBackup;
}

/**
 * The platform of one region, applied to that region's cluster through its kube context: the
 * cluster baseline (platform namespaces, default-deny networking, priority and storage classes),
 * the roles tenants are bound to, and the platform add-ons as Helm releases.
 */
export class PlatformStack extends TerraformStack {
  public readonly baseline: ClusterBaseline;
  public readonly tenantRoles: TenantClusterRoles;
  public readonly addOns: PlatformAddOns;
  public readonly restoreDrill?: RestoreDrill;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const env = props.environment;
    const region = startRegionalStack(this, props);
    new HelmProvider(this, "helm", { kubernetes: { configContext: region.kubeContext } });

    const labels = ownershipLabels(env.name, props.regionId);
    this.baseline = new ClusterBaseline(this, "baseline", {
      platform: env.platform,
      kubernetesVersion: region.cluster.kubernetesVersion,
      labels,
    });

    this.tenantRoles = new TenantClusterRoles(this, "tenant-roles", { labels, extraRules: env.tenancy.extraRoleRules });

    this.addOns = new PlatformAddOns(this, "add-ons", {
      environment: env,
      regionId: props.regionId,
      namespaces: new Map([...this.baseline.namespaces].map(([name, ns]) => [name, ns.namespace])),
      backupSchedules: props.backup?.schedules ?? [],
      // Add-on pods run at the platform priority class, and Prometheus claims a volume of the
      // default storage class.
      dependsOn: [
        ...[...this.baseline.priorityClasses].filter(([name]) => name === PLATFORM_PRIORITY_CLASS).map(([, pc]) => pc),
        ...[...this.baseline.storageClasses].filter(([name]) => env.platform.storageClasses[name]?.isDefault).map(([, sc]) => sc),
      ],
    });

    if (props.backup !== undefined) {
      // Velero's release brings the CRDs of the Backups and Restores the drill works with. Its
      // backup locations are in the backup stack, applied after this one: no resource here is of
      // a CRD that a release of this stack installs (a new cluster could not plan it).
      const velero = this.addOns.addOns.get("velero")?.release;
      this.restoreDrill = new RestoreDrill(this, "restore-drill", {
        environment: env.name,
        regionId: props.regionId,
        plan: props.backup.drill,
        labels,
        placement: systemPlacement(region.cluster),
        dependsOn: velero === undefined ? [] : [velero],
      });
    }
  }
}
