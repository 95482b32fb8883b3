import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { type DashboardSpec, dashboardJson, GRAFANA_DASHBOARD_LABEL } from "../estate/grafana-dashboards";

/** One dashboard and where it goes. */
export interface GrafanaDashboard {
  /** Namespace of its ConfigMap: the add-on's that ships it (the sidecar searches every namespace). */
  readonly namespace: string;
  /** The dashboard (estate/grafana-dashboards.ts). */
  readonly spec: DashboardSpec;
}

export interface GrafanaDashboardsProps {
  /** Dashboards by ConfigMap name. */
  readonly dashboards: Readonly<Record<string, GrafanaDashboard>>;
  /** Ownership labels of the platform's objects. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The namespaces' resources by name: each ConfigMap is created after its namespace.
   * @default - no dependency on namespaces
   */
  readonly namespaces?: ReadonlyMap<string, ITerraformDependable>;
}

/**
 * Grafana dashboards as plain ConfigMaps (a core type: no CRD, so they can sit in the stack that
 * installs kube-prometheus-stack), labelled `grafana_dashboard: "1"`, which the chart's Grafana
 * sidecar watches and loads. One ConfigMap per dashboard, its JSON under `<name>.json`.
 */
export class GrafanaDashboards extends Construct {
  /** The ConfigMaps by dashboard name. */
  public readonly configMaps: ReadonlyMap<string, ConfigMapV1>;

  constructor(scope: Construct, id: string, props: GrafanaDashboardsProps) {
    super(scope, id);
    const configMaps = new Map<string, ConfigMapV1>();
    for (const name of Object.keys(props.dashboards).sort()) {
      const { namespace, spec } = props.dashboards[name] as GrafanaDashboard;
      const dependency = props.namespaces?.get(namespace);
      configMaps.set(
        name,
        new ConfigMapV1(this, name, {
          metadata: {
            name: `dashboard-${name}`,
            namespace,
            labels: { ...props.labels, [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
          },
          // Keys in the fixed order dashboardJson writes them: the same bytes every time.
          data: { [`${name}.json`]: JSON.stringify(dashboardJson(spec)) },
          dependsOn: dependency === undefined ? [] : [dependency],
        }),
      );
    }
    this.configMaps = configMaps;
  }
}
