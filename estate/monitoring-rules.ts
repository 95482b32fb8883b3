/**
 * The Prometheus rules of a region's monitoring add-on, as plain data: the KPIs that only the
 * running platform knows (docs/kpis.md, "Runtime KPIs"). They go into kube-prometheus-stack's
 * own `additionalPrometheusRulesMap` value, so that the chart that installs the PrometheusRule
 * CRD also creates the rule objects: a kubernetes_manifest in the same stack would need the CRD
 * at plan time, before the release has installed it.
 *
 * - Backups: per tenant Schedule of the region, the age of its last successful Velero backup
 *   against the RPO of its namespace, failures, and Schedules that never succeeded. Velero's
 *   metrics carry only the Schedule's name (`<agency>-<region>-to-<store>`), so one recording
 *   rule per RPO lists the exact names of its Schedules, from the backup plan, and gives each a
 *   series with its RPO; the other rules join on it.
 * - Certificates: cert-manager's expiry timestamps and ready condition.
 * - Energy: Kepler's joule counters (0.10 and later, the metric names of the pinned chart's
 *   appVersion v0.11.1) per tenant namespace and for the region, with the facility power
 *   (× PUE) and the market-based carbon rate (× grid intensity × (1 − renewable share)).
 * - Quotas: kube-state-metrics' ResourceQuota used against hard, per tenant namespace.
 */
import type { Environment } from "../environments/schema";
import type { MonitoredSchedule } from "./backup";

/** One Prometheus recording or alerting rule (prometheus-operator's Rule). */
export type PrometheusRule =
  | { readonly record: string; readonly expr: string; readonly labels?: Readonly<Record<string, string>> }
  | {
      readonly alert: string;
      readonly expr: string;
      readonly for?: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly annotations: Readonly<Record<string, string>>;
    };

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRule[];
}

/** The spec of one PrometheusRule object: what a key of `additionalPrometheusRulesMap` holds. */
export interface PrometheusRuleSpec {
  readonly groups: readonly PrometheusRuleGroup[];
}

/** Metric names the rules and dashboards read, by exporter. A test checks the Kepler names against the pinned chart's version. */
export const METRICS = {
  velero: {
    lastSuccess: "velero_backup_last_successful_timestamp",
    failures: "velero_backup_failure_total",
    attempts: "velero_backup_attempt_total",
    successes: "velero_backup_success_total",
  },
  certManager: { expiry: "certmanager_certificate_expiration_timestamp_seconds", ready: "certmanager_certificate_ready_status" },
  /** Kepler 0.10+ (the rewrite): joule counters per zone (package, core, uncore, dram). */
  kepler: { container: "kepler_container_cpu_joules_total", pod: "kepler_pod_cpu_joules_total", node: "kepler_node_cpu_joules_total" },
  kubeStateMetrics: { quota: "kube_resourcequota" },
} as const;

/**
 * The RAPL zones counted: package (cores and uncore) and dram. `core` and `uncore` are parts of
 * `package`; counting them too would count that energy twice.
 */
export const ENERGY_ZONES = 'zone=~"package|dram"';

/** Tenant namespaces (estate/tenant-model.ts names them `tenant-<agency>`). */
const TENANT_NAMESPACES = 'namespace=~"tenant-.+"';

/** Recording rule names, shared with the dashboards. */
export const RECORDS = {
  /** One series per watched tenant Schedule: its namespace's RPO, seconds (label rpo_hours). */
  scheduleRpo: "govcloud:velero_schedule_rpo_seconds",
  backupAge: "govcloud:velero_backup_age_seconds",
  /** Backup age over the RPO of the Schedule's namespace: over 1 is late. */
  backupAgeRpoRatio: "govcloud:velero_backup_age_rpo_ratio",
  backupSuccessRatio: "govcloud:velero_backup_success_ratio_1d",
  namespaceWatts: "govcloud:kepler_namespace_watts",
  regionItWatts: "govcloud:kepler_region_it_watts",
  regionFacilityWatts: "govcloud:region_facility_watts",
  regionMarketCarbon: "govcloud:region_market_gco2e_per_hour",
  quotaUsage: "govcloud:tenant_quota_usage_ratio",
} as const;

export interface MonitoringRulesInput {
  readonly environment: Environment;
  readonly regionId: string;
  /** The region's tenant Schedules with their RPO (RegionBackup.schedules). */
  readonly schedules: readonly MonitoredSchedule[];
}

/** The rules of one region, by PrometheusRule name (sorted keys: the same input gives the same values). */
export function prometheusRules(input: MonitoringRulesInput): Record<string, PrometheusRuleSpec> {
  return {
    "govcloud-backups": { groups: backupGroups(input) },
    "govcloud-certificates": { groups: [certificateGroup()] },
    "govcloud-energy": { groups: [energyGroup(input)] },
    "govcloud-quotas": { groups: [quotaGroup()] },
  };
}

function backupGroups({ schedules }: MonitoringRulesInput): PrometheusRuleGroup[] {
  const byRpo = new Map<number, Set<string>>();
  for (const s of schedules) byRpo.set(s.rpoHours, (byRpo.get(s.rpoHours) ?? new Set()).add(s.schedule));
  const { lastSuccess, failures, attempts, successes } = METRICS.velero;
  // The Schedule names appear once, in the RPO series of their class: with thousands of tenants
  // they are most of the rules' size (Helm keeps the values in the release Secret).
  const rpoGroups = [...byRpo]
    .sort(([a], [b]) => a - b)
    .map(([rpoHours, names]): PrometheusRuleGroup => ({
      name: `govcloud-backup-rpo-${rpoHours}h`,
      rules: [
        {
          // Velero creates the attempt counter of a Schedule when it loads it, before any backup.
          record: RECORDS.scheduleRpo,
          expr: `max by (schedule) (${attempts}{schedule=~"${[...names].sort().map(escapeRegex).join("|")}"}) * 0 + ${rpoHours * 3600}`,
          labels: { rpo_hours: String(rpoHours) },
        },
        {
          alert: "GovcloudBackupNeverSucceeded",
          expr: `${RECORDS.scheduleRpo}{rpo_hours="${rpoHours}"} unless on (schedule) (${lastSuccess} > 0)`,
          for: `${rpoHours}h`,
          labels: { severity: "critical" },
          annotations: {
            summary: `A tenant Schedule has had no successful backup for its RPO of ${rpoHours} h`,
            description: `Velero Schedule {{ $labels.schedule }} has existed for ${rpoHours} h without completing a backup.`,
          },
        },
      ],
    }));
  const watched = `on (schedule) group_left (rpo_hours) (0 * ${RECORDS.scheduleRpo})`;
  const judged: PrometheusRuleGroup = {
    name: "govcloud-backups",
    rules: [
      { record: RECORDS.backupAge, expr: `(time() - max by (schedule) (${lastSuccess} > 0)) + ${watched}` },
      { record: RECORDS.backupAgeRpoRatio, expr: `${RECORDS.backupAge} / on (schedule) ${RECORDS.scheduleRpo}` },
      {
        record: RECORDS.backupSuccessRatio,
        expr: `sum by (schedule) (increase(${successes}[1d])) / clamp_min(sum by (schedule) (increase(${attempts}[1d])), 1) + ${watched}`,
      },
      {
        alert: "GovcloudBackupOlderThanRpo",
        expr: `${RECORDS.backupAgeRpoRatio} > 1`,
        for: "10m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A tenant backup is older than its RPO",
          description: "The last successful backup of Velero Schedule {{ $labels.schedule }} is older than the RPO of its tenant namespace ({{ $labels.rpo_hours }} h; docs/backup.md).",
        },
      },
      {
        alert: "GovcloudBackupFailed",
        expr: `sum by (schedule) (increase(${failures}[1h])) + ${watched} > 0`,
        labels: { severity: "warning" },
        annotations: {
          summary: "A tenant backup failed",
          description: "Velero Schedule {{ $labels.schedule }} had {{ $value }} failed backup(s) in the last hour (RPO {{ $labels.rpo_hours }} h).",
        },
      },
    ],
  };
  return byRpo.size === 0 ? [] : [...rpoGroups, judged];
}

function certificateGroup(): PrometheusRuleGroup {
  const { expiry, ready } = METRICS.certManager;
  return {
    name: "govcloud-certificates",
    rules: [
      {
        alert: "GovcloudCertificateExpiresSoon",
        expr: `${expiry} - time() < 14 * 86400`,
        for: "1h",
        labels: { severity: "warning" },
        annotations: {
          summary: "A certificate expires within 14 days",
          description: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}; cert-manager renews at two thirds of the lifetime, so renewal is failing.",
        },
      },
      {
        alert: "GovcloudCertificateExpiresVerySoon",
        expr: `${expiry} - time() < 3 * 86400`,
        for: "10m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A certificate expires within 3 days",
          description: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}.",
        },
      },
      {
        alert: "GovcloudCertificateNotReady",
        expr: `max by (namespace, name) (${ready}{condition="False"}) == 1`,
        for: "30m",
        labels: { severity: "warning" },
        annotations: { summary: "A certificate is not ready", description: "Certificate {{ $labels.namespace }}/{{ $labels.name }} has been not ready for 30 minutes." },
      },
    ],
  };
}

function energyGroup({ environment, regionId }: MonitoringRulesInput): PrometheusRuleGroup {
  const region = environment.regions[regionId];
  if (region === undefined) throw new Error(`internal: unknown region '${regionId}'`);
  const { pue, renewableShare, gridIntensityGCO2ePerKWh } = region.energy;
  const { pod, node } = METRICS.kepler;
  const labels = { region: regionId };
  // W × gCO2e/kWh / 1000 = gCO2e per hour.
  const carbonFactor = round((gridIntensityGCO2ePerKWh * (1 - renewableShare)) / 1000, 6);
  return {
    name: "govcloud-energy",
    interval: "1m",
    rules: [
      { record: RECORDS.namespaceWatts, expr: `sum by (pod_namespace) (rate(${pod}{${ENERGY_ZONES}}[5m]))`, labels },
      { record: RECORDS.regionItWatts, expr: `sum(rate(${node}{${ENERGY_ZONES}}[5m]))`, labels },
      { record: RECORDS.regionFacilityWatts, expr: `${RECORDS.regionItWatts} * ${pue}`, labels },
      { record: RECORDS.regionMarketCarbon, expr: `${RECORDS.regionFacilityWatts} * ${carbonFactor}`, labels },
    ],
  };
}

function quotaGroup(): PrometheusRuleGroup {
  const q = METRICS.kubeStateMetrics.quota;
  return {
    name: "govcloud-quotas",
    rules: [
      {
        record: RECORDS.quotaUsage,
        expr: `max by (namespace, resource) (${q}{${TENANT_NAMESPACES}, type="used"}) / on (namespace, resource) (max by (namespace, resource) (${q}{${TENANT_NAMESPACES}, type="hard"}) > 0)`,
      },
      {
        alert: "GovcloudTenantQuotaNearlyFull",
        expr: `${RECORDS.quotaUsage} > 0.9`,
        for: "30m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A tenant uses more than 90% of a quota",
          description: "Tenant namespace {{ $labels.namespace }} uses {{ $value | humanizePercentage }} of its {{ $labels.resource }} quota; the agency's quota is in its agency file.",
        },
      },
    ],
  };
}

/**
 * A string as an RE2 literal inside a PromQL double-quoted string: each metacharacter gets a
 * backslash, itself escaped for the string (Schedule names are DNS labels; escaped all the same).
 */
function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\\\$&");
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
