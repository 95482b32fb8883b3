import {
  defineAddOn,
  mirrored,
  placementValues,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../add-on-descriptor";
import { KUBERNETES_API_EGRESS, metricsIngress, webhookIngress } from "../network-allow";

const NAMESPACE = "cert-manager";

/**
 * cert-manager (jetstack), which signs tenant TLS certificates through the environment's
 * ClusterIssuer (`tenancy.clusterIssuer`).
 *
 * Images: the chart's `<component>.image.repository` holds the whole reference (registry
 * included: `quay.io/jetstack/cert-manager-controller`), so each is set to the mirror's copy.
 * The chart's values schema rejects unknown keys; only keys it declares are set here.
 */
export const certManager = defineAddOn({
  name: "cert-manager",
  chart: "cert-manager",
  /** July 2025. cert-manager publishes its chart versions with a leading `v`. */
  version: "v1.18.2",
  imageTags: {},
  namespace: NAMESPACE,
  podSecurity: "restricted",
  credentialPaths: [],
  // global.commonLabels: every object the chart renders, pods included (not what the controllers create at run time).
  labelValuePaths: [["global", "commonLabels"]],
  networkAllows: [
    KUBERNETES_API_EGRESS,
    // The webhook's securePort.
    webhookIngress([10250]),
    // Controller, webhook and cainjector all serve metrics on 9402.
    metricsIngress([9402]),
  ],
  dependencies: [{ addOn: "monitoring", reason: "its ServiceMonitor needs the Prometheus Operator CRDs" }],
  privilegedValues: {},
  nodeAgents: {},
  values: (context) => {
    const image = (component: string) => ({ repository: mirrored(context.registries.images, `jetstack/cert-manager-${component}`) });
    const pod = {
      ...placementValues(context.placement),
      securityContext: restrictedPodSecurityContext(),
      containerSecurityContext: restrictedContainerSecurityContext(),
    };
    return {
      // Uninstalling the release must not delete every Certificate of every tenant with the CRDs.
      crds: { enabled: true, keep: true },
      // Leader-election leases stay in cert-manager's own namespace, not kube-system.
      global: { priorityClassName: context.priorityClassName, leaderElection: { namespace: NAMESPACE } },
      replicaCount: 2,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      image: image("controller"),
      ...pod,
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      prometheus: { enabled: true, servicemonitor: { enabled: context.serviceMonitors } },
      webhook: {
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        image: image("webhook"),
        ...pod,
        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
      },
      cainjector: {
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        image: image("cainjector"),
        ...pod,
        resources: { requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "200m", memory: "512Mi" } },
      },
      acmesolver: { image: image("acmesolver") },
      startupapicheck: {
        image: image("startupapicheck"),
        ...pod,
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
      },
    };
  },
});
