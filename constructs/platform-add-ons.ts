import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { Environment } from "../environments/schema";
import {
  ADD_ONS,
  addOnContext,
  type AddOnName,
  clusterAddresses,
  installationOrder,
  installedAddOns,
  installedDependencies,
  labelValues,
} from "../estate/add-ons";
import type { MonitoredSchedule } from "../estate/backup";
import { ownershipLabels } from "../estate/labels";
import { AddOnNetworkPolicy } from "./add-on-network-policy";
import { type GrafanaDashboard, GrafanaDashboards } from "./grafana-dashboards";
import { HelmAddOn } from "./helm-add-on";

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
 * The platform services of one region, rendered from the add-on descriptors (estate/add-ons/),
 * the same way for each: one Helm release per add-on the environment installs (`installedAddOns`:
 * its namespace is declared and it is not disabled), pulled from the region's in-country chart
 * registry, with the descriptor's values and the environment's `platform.addOns.<name>` version
 * and values merged over them; the NetworkPolicies the descriptor lists, in its default-deny
 * namespace; and the Grafana dashboards it ships.
 *
 * Order within the stack: namespace, then the add-on's allow rules (its hook jobs need the API
 * from the first second), then the release, after the releases of the installed add-ons it
 * declares a dependency on (monitoring, for the CRDs of their ServiceMonitors).
 */
export class PlatformAddOns extends Construct {
  /** The releases by add-on name. */
  public readonly addOns: ReadonlyMap<AddOnName, HelmAddOn>;
  /** The allow rules by add-on name. */
  public readonly networkPolicies: ReadonlyMap<AddOnName, AddOnNetworkPolicy>;
  /** The dashboards the installed add-ons ship, if any does. */
  public readonly dashboards?: GrafanaDashboards;

  constructor(scope: Construct, id: string, props: PlatformAddOnsProps) {
    super(scope, id);
    const env = props.environment;
    const region = env.regions[props.regionId];
    if (region === undefined) throw new Error(`internal: unknown region '${props.regionId}'`);
    const labels = ownershipLabels(env.name, props.regionId);
    const addresses = clusterAddresses(env.infrastructure, region.cluster);
    const installed = installedAddOns(env.platform);

    const addOns = new Map<AddOnName, HelmAddOn>();
    const networkPolicies = new Map<AddOnName, AddOnNetworkPolicy>();
    const dashboards: Record<string, GrafanaDashboard> = {};
    for (const name of installationOrder(installed)) {
      const addOn = ADD_ONS[name];
      const namespace = props.namespaces?.get(addOn.namespace);
      const afterNamespace = namespace === undefined ? [] : [namespace];
      const network = new AddOnNetworkPolicy(this, `${name}-network`, {
        namespace: addOn.namespace,
        allows: addOn.networkAllows,
        addresses,
        labels,
        dependsOn: afterNamespace,
      });
      networkPolicies.set(name, network);

      const context = addOnContext({ addOn: name, environment: env, regionId: props.regionId, backupSchedules: props.backupSchedules ?? [] });
      const override = env.platform.addOns[name];
      addOns.set(
        name,
        new HelmAddOn(this, name, {
          releaseName: name,
          namespace: addOn.namespace,
          chart: addOn.chart,
          version: override?.version ?? addOn.version,
          chartRegistry: context.registries.charts,
          defaultValues: addOn.values(context),
          values: override?.values ?? {},
          ...(addOn.timeoutSeconds === undefined ? {} : { timeoutSeconds: addOn.timeoutSeconds }),
          // The chart's labels values, which the green policy reads from the descriptor too.
          ...(addOn.labelValuePaths.length === 0 ? {} : { commonLabelValues: (l: Readonly<Record<string, string>>) => labelValues(addOn.labelValuePaths, l) }),
          dependsOn: [
            ...afterNamespace,
            ...network.policies.values(),
            ...(props.dependsOn ?? []),
            ...installedDependencies(name, installed).map((dependency) => addOns.get(dependency)!.release),
          ],
        }),
      );
      for (const [dashboard, spec] of Object.entries(addOn.dashboards?.(context) ?? {})) {
        if (Object.hasOwn(dashboards, dashboard)) throw new Error(`internal: two add-ons ship the dashboard '${dashboard}'`);
        dashboards[dashboard] = { namespace: addOn.namespace, spec };
      }
    }
    this.addOns = addOns;
    this.networkPolicies = networkPolicies;
    if (Object.keys(dashboards).length > 0) {
      this.dashboards = new GrafanaDashboards(this, "dashboards", { dashboards, labels, ...(props.namespaces === undefined ? {} : { namespaces: props.namespaces }) });
    }
  }
}
