/**
 * The Grafana dashboards of a region's monitoring add-on, as plain data (Grafana dashboard JSON,
 * schemaVersion 39): what the runtime KPIs look like. constructs/grafana-dashboards.ts puts each
 * in a ConfigMap with the label kube-prometheus-stack's Grafana sidecar watches. Panels read the
 * recording rules of estate/monitoring-rules.ts where one exists, so that a dashboard and an
 * alert never disagree on what a figure means.
 */
import { ENERGY_ZONES, METRICS, RECORDS } from "./monitoring-rules";

/**
 * The Grafana sidecar's dashboard label in the pinned kube-prometheus-stack 72.6.2
 * (values `grafana.sidecar.dashboards.label` / `labelValue`; a test reads them from the chart).
 */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/** The Prometheus data source kube-prometheus-stack provisions (`grafana.sidecar.datasources.uid`). */
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

export interface DashboardPanel {
  readonly title: string;
  readonly type: "timeseries" | "table" | "stat" | "bargauge";
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly panels: readonly DashboardPanel[];
}

/** Every dashboard of one region, by ConfigMap name. */
export function dashboardSpecs(regionId: string): Record<string, DashboardSpec> {
  const { velero, certManager, kepler } = METRICS;
  return {
    "govcloud-backups": {
      uid: `govcloud-backups-${regionId}`,
      title: `govcloud · backups (${regionId})`,
      description: "Age of each tenant Schedule's last successful Velero backup against its RPO, and success over a day (docs/kpis.md).",
      panels: [
        {
          title: "Backup age / RPO (over 1 is late)",
          type: "bargauge",
          unit: "percentunit",
          targets: [{ expr: `sort_desc(${RECORDS.backupAgeRpoRatio})`, legendFormat: "{{schedule}}" }],
        },
        { title: "Backup age", type: "table", unit: "s", targets: [{ expr: `sort_desc(${RECORDS.backupAge})`, legendFormat: "{{schedule}} (RPO {{rpo_hours}} h)" }] },
        { title: "Backups succeeded over 1 day", type: "timeseries", unit: "percentunit", targets: [{ expr: RECORDS.backupSuccessRatio, legendFormat: "{{schedule}}" }] },
        { title: "Failed backups per hour", type: "timeseries", unit: "short", targets: [{ expr: `sum by (schedule) (increase(${velero.failures}[1h]))`, legendFormat: "{{schedule}}" }] },
      ],
    },
    "govcloud-certificates": {
      uid: `govcloud-certificates-${regionId}`,
      title: `govcloud · certificates (${regionId})`,
      description: "Time left before each cert-manager certificate expires.",
      panels: [
        { title: "Time to expiry", type: "table", unit: "s", targets: [{ expr: `sort(${certManager.expiry} - time())`, legendFormat: "{{namespace}}/{{name}}" }] },
        { title: "Certificates not ready", type: "stat", unit: "short", targets: [{ expr: `sum(${certManager.ready}{condition="False"}) or vector(0)`, legendFormat: "not ready" }] },
      ],
    },
    "govcloud-energy": {
      uid: `govcloud-energy-${regionId}`,
      title: `govcloud · energy (${regionId})`,
      description: "Power measured by Kepler per tenant namespace and for the region, facility power with the site's PUE, and the market-based carbon rate.",
      panels: [
        { title: "Region IT and facility power", type: "timeseries", unit: "watt", targets: [
          { expr: RECORDS.regionItWatts, legendFormat: "IT" },
          { expr: RECORDS.regionFacilityWatts, legendFormat: "facility (× PUE)" },
        ] },
        { title: "Market-based carbon", type: "stat", unit: "short", targets: [{ expr: RECORDS.regionMarketCarbon, legendFormat: "gCO2e per hour" }] },
        { title: "Power per tenant namespace", type: "timeseries", unit: "watt", targets: [{ expr: `topk(20, ${RECORDS.namespaceWatts}{pod_namespace=~"tenant-.+"})`, legendFormat: "{{pod_namespace}}" }] },
        { title: "Power per container (top 10)", type: "table", unit: "watt", targets: [{ expr: `topk(10, sum by (container_name) (rate(${kepler.container}{${ENERGY_ZONES}}[5m])))`, legendFormat: "{{container_name}}" }] },
      ],
    },
    "govcloud-quotas": {
      uid: `govcloud-quotas-${regionId}`,
      title: `govcloud · tenant quotas (${regionId})`,
      description: "Each tenant namespace's ResourceQuota used against hard.",
      panels: [
        { title: "Quota used (top 20)", type: "bargauge", unit: "percentunit", targets: [{ expr: `topk(20, ${RECORDS.quotaUsage})`, legendFormat: "{{namespace}} {{resource}}" }] },
        { title: "Tenants over 90% of a quota", type: "stat", unit: "short", targets: [{ expr: `count(${RECORDS.quotaUsage} > 0.9) or vector(0)`, legendFormat: "tenants" }] },
      ],
    },
  };
}

/** A spec as Grafana dashboard JSON (keys in a fixed order; no ids, which Grafana assigns). */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ["govcloud"],
    timezone: "browser",
    schemaVersion: 39,
    editable: false,
    refresh: "1m",
    time: { from: "now-24h", to: "now" },
    panels: spec.panels.map((panel, i) => ({
      id: i + 1,
      title: panel.title,
      type: panel.type,
      datasource: PROMETHEUS_DATASOURCE,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      targets: panel.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: PROMETHEUS_DATASOURCE, expr: t.expr, legendFormat: t.legendFormat })),
    })),
  };
}
