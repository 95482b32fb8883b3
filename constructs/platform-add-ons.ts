import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { Environment } from "../environments/schema";
import {
  ADD_ON_REQUIREMENTS,
  type AddOnName,
  clusterAddresses,
  installedAddOns,
  systemPlacement,
} from "../estate/add-ons";
import { AddOnNetworkPolicy, type NetworkAllow } from "./add-on-network-policy";
import { CertManager } from "./add-ons/cert-manager";
import { IngressNginx, type IngressNginxProps } from "./add-ons/ingress-nginx";
import { Kepler } from "./add-ons/kepler";
import { Kyverno } from "./add-ons/kyverno";
import { Monitoring, type MonitoringProps } from "./add-ons/monitoring";
import { GrafanaDashboards } from "./grafana-dashboards";
import type { MonitoredSchedule } from "../estate/backup";
import { dashboardSpecs } from "../estate/grafana-dashboards";
import { prometheusRules } from "../estate/monitoring-rules";
import { Velero, type VeleroProps } from "./add-ons/velero";
import type { HelmAddOn } from "./helm-add-on";
import { ownershipLabels } from "../estate/labels";

/** An add-on class: a construct on HelmAddOn with its network allow rules as static data. */
interface AddOnClass {
  new (scope: Construct, id: string, props: IngressNginxProps & VeleroProps & MonitoringProps): HelmAddOn;
  readonly NETWORK_ALLOWS: readonly NetworkAllow[];
}

const ADD_ON_CLASSES: Readonly<Record<AddOnName, AddOnClass>> = {
  "cert-manager": CertManager,
  "ingress-nginx": IngressNginx,
  kepler: Kepler,
  kyverno: Kyverno,
  monitoring: Monitoring,
  velero: Velero,
};

export interface PlatformAddOnsProps {
  /** The environment: which add-ons, their overrides (`platform.addOns`), the region's registries and node pools. */
  readonly environment: Environment;
  /** Region id, a key of `environment.regions`. */
  readonly regionId: string;
  /**
   * The baseline's namespace resources by name; each add-on's policies and release are created
   * after its namespace.
   * @default - no dependency on namespaces
   */
  readonly namespaces?: ReadonlyMap<string, ITerraformDependable>;
  /**
   * What every release needs first: the priority class its pods use, the storage class of
   * Prometheus's volume.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The region's tenant Velero Schedules with their RPO, watched by the monitoring add-on's
   * backup alerts (RegionBackup.schedules).
   * @default []
   */
  readonly backupSchedules?: readonly MonitoredSchedule[];
}

/**
 * The platform services of one region: one Helm release per add-on the environment installs
 * (`installedAddOns`: its namespace is declared and it is not disabled), pulled from the region's
 * in-country chart registry, with the environment's `platform.addOns.<name>` version and values,
 * and the NetworkPolicies each add-on needs in its default-deny namespace.
 *
 * Order within the stack: namespace, then the add-on's allow rules (its hook jobs need the API
 * from the first second), then the release. Monitoring comes first when installed: it brings the
 * CRDs of the ServiceMonitors the other add-ons then create.
 */
export class PlatformAddOns extends Construct {
  /** The releases by add-on name. */
  public readonly addOns: ReadonlyMap<AddOnName, HelmAddOn>;
  /** The allow rules by add-on name. */
  public readonly networkPolicies: ReadonlyMap<AddOnName, AddOnNetworkPolicy>;
  /** The runtime KPI dashboards, when monitoring is installed. */
  public readonly dashboards?: GrafanaDashboards;

  constructor(scope: Construct, id: string, props: PlatformAddOnsProps) {
    super(scope, id);
    const env = props.environment;
    const region = env.regions[props.regionId];
    if (region === undefined) throw new Error(`internal: unknown region '${props.regionId}'`);
    const labels = ownershipLabels(env.name, props.regionId);
    const placement = systemPlacement(region.cluster);
    const addresses = clusterAddresses(env.infrastructure, region.cluster);
    const names = installedAddOns(env.platform);
    const monitoring = names.includes("monitoring");
    const ordered = monitoring ? (["monitoring", ...names.filter((n) => n !== "monitoring")] as AddOnName[]) : names;

    const addOns = new Map<AddOnName, HelmAddOn>();
    const networkPolicies = new Map<AddOnName, AddOnNetworkPolicy>();
    for (const name of ordered) {
      const AddOn = ADD_ON_CLASSES[name];
      const namespace = props.namespaces?.get(ADD_ON_REQUIREMENTS[name].namespace);
      const afterNamespace = namespace === undefined ? [] : [namespace];
      const network = new AddOnNetworkPolicy(this, `${name}-network`, {
        namespace: ADD_ON_REQUIREMENTS[name].namespace,
        allows: AddOn.NETWORK_ALLOWS,
        addresses,
        labels,
        dependsOn: afterNamespace,
      });
      networkPolicies.set(name, network);

      const monitoringRelease = monitoring && name !== "monitoring" ? addOns.get("monitoring")?.release : undefined;
      const override = env.platform.addOns[name];
      addOns.set(
        name,
        new AddOn(this, name, {
          registries: region.registries,
          placement,
          ...(override?.version === undefined ? {} : { version: override.version }),
          values: override?.values ?? {},
          serviceMonitors: monitoringRelease !== undefined,
          ingressClass: env.tenancy.ingressClass,
          snapshotProviders: snapshotProviders(env, props.regionId),
          ...(name === "monitoring" ? { prometheusRules: prometheusRules({ environment: env, regionId: props.regionId, schedules: props.backupSchedules ?? [] }) } : {}),
          kubernetesVersion: region.cluster.kubernetesVersion,
          dependsOn: [
            ...afterNamespace,
            ...network.policies.values(),
            ...(props.dependsOn ?? []),
            ...(monitoringRelease === undefined ? [] : [monitoringRelease]),
          ],
        }),
      );
    }
    this.addOns = addOns;
    this.networkPolicies = networkPolicies;
    if (monitoring) {
      const namespace = ADD_ON_REQUIREMENTS.monitoring.namespace;
      const dependency = props.namespaces?.get(namespace);
      this.dashboards = new GrafanaDashboards(this, "dashboards", {
        namespace,
        dashboards: dashboardSpecs(props.regionId),
        labels,
        dependsOn: dependency === undefined ? [] : [dependency],
      });
    }
  }
}

/** Providers of the region's volume snapshot locations (Velero loads a plugin for each). */
function snapshotProviders(env: Environment, regionId: string): string[] {
  const snapshots = env.backup?.regions[regionId]?.volumeSnapshots;
  return snapshots === undefined ? [] : [snapshots.provider];
}
