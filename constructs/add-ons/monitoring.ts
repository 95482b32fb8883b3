import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, EVERY_NODE_TOLERATIONS, labelValues, nodeAgentResources } from "../../estate/add-ons";
import { KUBERNETES_API_EGRESS, type NetworkAllow, webhookIngress } from "../add-on-network-policy";
import type { Values } from "../../estate/deep-merge";
import type { PrometheusRuleSpec } from "../../estate/monitoring-rules";
import {
  type AddOnProps,
  HelmAddOn,
  placementValues,
  resolveAddOnProps,
  restrictedContainerSecurityContext,
} from "../helm-add-on";

export interface MonitoringProps extends AddOnProps {
  /**
   * Prometheus rules by PrometheusRule name (estate/monitoring-rules.ts), created by the chart
   * itself through `additionalPrometheusRulesMap`: the chart installs the PrometheusRule CRD, so
   * rule objects in this stack's own kubernetes_manifest resources would need the CRD before the
   * release exists.
   * @default {}
   */
  readonly prometheusRules?: Readonly<Record<string, PrometheusRuleSpec>>;
}

/**
 * Cluster monitoring: kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager,
 * Grafana, kube-state-metrics, node-exporter). It also brings the monitoring.coreos.com CRDs that
 * the other add-ons' ServiceMonitors need, so they are installed after it.
 *
 * Images: `global.imageRegistry` replaces the registry of every image of the chart and of its
 * subcharts (grafana, kube-state-metrics, prometheus-node-exporter all read it); the subcharts'
 * own `image.registry` keys are set to the same host too, so a subchart that stopped reading the
 * global value would still not reach a public registry.
 *
 * Prometheus selects every ServiceMonitor, PodMonitor, rule and probe in the cluster, not only
 * those labelled for this release: the other add-ons' monitors must be picked up.
 */
export class Monitoring extends HelmAddOn {
  public static readonly CHART = "kube-prometheus-stack";
  /** May 2025; Prometheus Operator v0.82.2. */
  public static readonly VERSION = "72.6.2";
  public static readonly NETWORK_ALLOWS: readonly NetworkAllow[] = [
    KUBERNETES_API_EGRESS,
    // The operator's admission webhook validates PrometheusRules.
    webhookIngress([10250]),
    {
      name: "scrape-egress",
      direction: "egress",
      peers: [{ kind: "all-namespaces" }],
      reason: "Prometheus scrapes metrics in every namespace, on whatever port each target serves",
    },
    {
      name: "nodes-egress",
      direction: "egress",
      peers: [{ kind: "nodes" }],
      // kubelet and cAdvisor, node-exporter (host network), kube-proxy, etcd metrics,
      // kube-controller-manager, kube-scheduler.
      ports: [{ port: 10250 }, { port: 9100 }, { port: 10249 }, { port: 2381 }, { port: 10257 }, { port: 10259 }],
      reason: "Prometheus scrapes kubelets, node-exporter and the control plane on the nodes",
    },
    {
      name: "monitoring-ingress",
      direction: "ingress",
      peers: [{ kind: "namespace", name: "monitoring" }],
      reason: "Prometheus, Alertmanager, Grafana and the exporters talk to each other",
    },
  ];

  public readonly networkAllows = Monitoring.NETWORK_ALLOWS;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    const p = resolveAddOnProps(props);
    const placement = placementValues(p.placement);
    const priorityClassName = p.priorityClassName;
    const registry = { registry: p.imagesHost };
    super(scope, id, {
      releaseName: "monitoring",
      namespace: ADD_ON_REQUIREMENTS.monitoring.namespace,
      chart: Monitoring.CHART,
      version: props.version ?? Monitoring.VERSION,
      chartRegistry: p.chartRegistry,
      values: p.values,
      dependsOn: p.dependsOn,
      // The chart's labels values (ADD_ON_REQUIREMENTS.labelValuePaths, which the green policy reads too).
      commonLabelValues: (labels) => labelValues(ADD_ON_REQUIREMENTS.monitoring.labelValuePaths, labels),
      // The CRDs, the operator and a Prometheus with a volume take longer than the default.
      timeoutSeconds: 900,
      defaultValues: {
        global: { imageRegistry: p.imagesHost },
        crds: { enabled: true },
        additionalPrometheusRulesMap: JSON.parse(JSON.stringify(props.prometheusRules ?? {})) as Values,
        prometheusOperator: {
          ...placement,
          priorityClassName,
          containerSecurityContext: restrictedContainerSecurityContext(),
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
          admissionWebhooks: { patch: { ...placement, priorityClassName, resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } } } },
        },
        prometheus: {
          prometheusSpec: {
            ...placement,
            priorityClassName,
            retention: "15d",
            retentionSize: "45GB",
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
            // The environment's default StorageClass; 50Gi holds the retention above with headroom.
            storageSpec: {
              volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } },
            },
            resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "8Gi" } },
          },
        },
        alertmanager: {
          alertmanagerSpec: {
            ...placement,
            priorityClassName,
            resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
          },
        },
        grafana: {
          // The chart's default is the well-known `prom-operator`; without it Grafana's chart
          // generates a random password into a Secret in the namespace.
          adminPassword: null,
          // The test pod exists only for `helm test` and pulls one more image.
          testFramework: { enabled: false },
          image: registry,
          sidecar: { image: registry },
          initChownData: { image: registry },
          downloadDashboardsImage: registry,
          ...placement,
          priorityClassName,
          resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        },
        "kube-state-metrics": {
          image: registry,
          ...placement,
          priorityClassName,
          resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        },
        "prometheus-node-exporter": {
          image: registry,
          priorityClassName,
          tolerations: EVERY_NODE_TOLERATIONS.map((t) => ({ ...t })),
          resources: nodeAgentResources("prometheus-node-exporter"),
        },
      },
    });
  }
}
