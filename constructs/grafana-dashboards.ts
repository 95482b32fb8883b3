import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { type DashboardSpec, dashboardJson, GRAFANA_DASHBOARD_LABEL } from "../estate/grafana-dashboards";

export interface GrafanaDashboardsProps {
  /** Namespace of the ConfigMaps (the monitoring add-on's; the sidecar searches every namespace). */
  readonly namespace: string;
  /** Dashboards by ConfigMap name (estate/grafana-dashboards.ts). */
  readonly dashboards: Readonly<Record<string, DashboardSpec>>;
  /** Ownership labels of the platform's objects. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * What must exist first: the namespace.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
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
      const spec = props.dashboards[name] as DashboardSpec;
      configMaps.set(
        name,
        new ConfigMapV1(this, name, {
          metadata: {
            name: `dashboard-${name}`,
            namespace: props.namespace,
            labels: { ...props.labels, [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
          },
          // Keys in the fixed order dashboardJson writes them: the same bytes every time.
          data: { [`${name}.json`]: JSON.stringify(dashboardJson(spec)) },
          dependsOn: props.dependsOn ?? [],
        }),
      );
    }
    this.configMaps = configMaps;
  }
}
