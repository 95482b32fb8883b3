import {
  defineAddOn,
  placementValues,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../add-on-descriptor";
import { KUBERNETES_API_EGRESS, metricsIngress, webhookIngress } from "../network-allow";

const NAMESPACE = "kyverno";

/**
 * The admission policy engine (Kyverno): the in-cluster backstop of the policy packs, which
 * judge the Terraform before it is applied; Kyverno judges what reaches the API server anyway.
 *
 * Highly available: three admission controllers (Kyverno allows one or at least three), two of
 * each other controller. Policy exceptions are honoured only in Kyverno's own namespace, which
 * tenants cannot write to; an exception is a platform decision.
 *
 * Images: `global.image.registry` is the registry of every image of the chart; each image's own
 * `registry` (which would win over the global one) is set to the same host, keeping the chart's
 * repository paths (`kyverno/kyverno`, `bitnami/kubectl`, ...).
 */
export const kyverno = defineAddOn({
  name: "kyverno",
  chart: "kyverno",
  /** August 2025; Kyverno 1.15.1. */
  version: "3.5.1",
  imageTags: {},
  namespace: NAMESPACE,
  podSecurity: "restricted",
  credentialPaths: [],
  // customLabels: merged into kyverno.labels.common, on every object the chart renders.
  labelValuePaths: [["customLabels"]],
  networkAllows: [
    KUBERNETES_API_EGRESS,
    // Admission and cleanup controllers serve their webhooks on 9443.
    webhookIngress([9443]),
    metricsIngress([8000]),
    {
      name: "registry-egress",
      direction: "egress",
      // NetworkPolicy cannot name a host; the registry is reached by its DNS name over HTTPS.
      peers: [{ kind: "anywhere" }],
      ports: [{ port: 443 }],
      reason: "image verification policies read signatures and attestations from the in-country registry",
    },
  ],
  dependencies: [{ addOn: "monitoring", reason: "its ServiceMonitors need the Prometheus Operator CRDs" }],
  privilegedValues: {},
  nodeAgents: {},
  values: (context) => {
    const placement = placementValues(context.placement);
    const priorityClassName = context.priorityClassName;
    const image = { registry: context.registries.images };
    const controller = (replicas: number, resources: Record<string, unknown>) => ({
      replicas,
      image,
      ...placement,
      priorityClassName,
      podSecurityContext: restrictedPodSecurityContext(),
      securityContext: restrictedContainerSecurityContext(),
      resources,
      serviceMonitor: { enabled: context.serviceMonitors },
    });
    const hook = { image, ...placement };
    return {
      global: { image: { registry: context.registries.images } },
      admissionController: {
        replicas: 3,
        ...placement,
        priorityClassName,
        podSecurityContext: restrictedPodSecurityContext(),
        podDisruptionBudget: { enabled: true, minAvailable: 2 },
        initContainer: {
          image,
          securityContext: restrictedContainerSecurityContext(),
          resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "256Mi" } },
        },
        container: {
          image,
          securityContext: restrictedContainerSecurityContext(),
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "768Mi" } },
        },
        serviceMonitor: { enabled: context.serviceMonitors },
      },
      backgroundController: controller(2, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
      cleanupController: controller(2, { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } }),
      reportsController: controller(2, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
      webhooksCleanup: hook,
      test: { image },
      features: { policyExceptions: { enabled: true, namespace: NAMESPACE } },
    };
  },
});
