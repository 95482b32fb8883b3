import {
  defineAddOn,
  everyNodeTolerations,
  placementValues,
  resourceValues,
  restrictedContainerSecurityContext,
} from "../add-on-descriptor";
import type { Values } from "../deep-merge";
import { dashboardSpecs } from "../grafana-dashboards";
import { prometheusRules } from "../monitoring-rules";
import { KUBERNETES_API_EGRESS, webhookIngress } from "../network-allow";

const NODE_EXPORTER = { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } };

/**
 * Cluster monitoring: kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager,
 * Grafana, kube-state-metrics, node-exporter). It also brings the monitoring.coreos.com CRDs that
 * the other add-ons' ServiceMonitors need: they declare a dependency on it.
 *
 * Images: `global.imageRegistry` replaces the registry of every image of the chart and of its
 * subcharts (grafana, kube-state-metrics, prometheus-node-exporter all read it); the subcharts'
 * own `image.registry` keys are set to the same host too, so a subchart that stopped reading the
 * global value would still not reach a public registry.
 *
 * Prometheus selects every ServiceMonitor, PodMonitor, rule and probe in the cluster, not only
 * those labelled for this release: the other add-ons' monitors must be picked up.
 *
 * The region's Prometheus rules (estate/monitoring-rules.ts) are created by the chart itself
 * through `additionalPrometheusRulesMap`: the chart installs the PrometheusRule CRD, so rule
 * objects in the stack's own kubernetes_manifest resources would need the CRD before the release
 * exists. The runtime KPI dashboards (estate/grafana-dashboards.ts) come with it.
 */
export const monitoring = defineAddOn({
  name: "monitoring",
  chart: "kube-prometheus-stack",
  /** May 2025; Prometheus Operator v0.82.2. */
  version: "72.6.2",
  imageTags: {},
  namespace: "monitoring",
  podSecurity: "privileged",
  podSecurityReason: "node-exporter uses the host network, PID namespace and hostPath mounts",
  credentialPaths: [["grafana", "adminPassword"], ["grafana", "admin", "password"]],
  // commonLabels covers this chart's own objects; the subcharts and the operator-made pods
  // each take their own key.
  labelValuePaths: [
    ["commonLabels"],
    ["prometheus", "prometheusSpec", "podMetadata", "labels"],
    ["alertmanager", "alertmanagerSpec", "podMetadata", "labels"],
    ["grafana", "extraLabels"],
    ["grafana", "podLabels"],
    ["kube-state-metrics", "customLabels"],
    ["prometheus-node-exporter", "commonLabels"],
  ],
  networkAllows: [
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
  ],
  dependencies: [],
  privilegedValues: {
    "prometheus-node-exporter.hostNetwork": "node-exporter reports the node's own network interfaces, visible only from the host network namespace",
    "prometheus-node-exporter.hostPID": "node-exporter reads the host's processes and their resource use from the host PID namespace",
  },
  nodeAgents: { "prometheus-node-exporter": NODE_EXPORTER },
  // The CRDs, the operator and a Prometheus with a volume take longer than the default.
  timeoutSeconds: 900,
  dashboards: (context) => dashboardSpecs(context.regionId),
  values: (context) => {
    const placement = placementValues(context.placement);
    const priorityClassName = context.priorityClassName;
    const registry = { registry: context.registries.images };
    const rules = prometheusRules({ environment: context.environment, regionId: context.regionId, schedules: context.backupSchedules });
    return {
      global: { imageRegistry: context.registries.images },
      crds: { enabled: true },
      additionalPrometheusRulesMap: JSON.parse(JSON.stringify(rules)) as Values,
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
        tolerations: everyNodeTolerations(),
        resources: resourceValues(NODE_EXPORTER),
      },
    };
  },
});
