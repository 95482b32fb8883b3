import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, labelValues } from "../../estate/add-ons";
import { KUBERNETES_API_EGRESS, metricsIngress, type NetworkAllow, webhookIngress } from "../add-on-network-policy";
import {
  type AddOnProps,
  HelmAddOn,
  placementValues,
  resolveAddOnProps,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../helm-add-on";

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
export class Kyverno extends HelmAddOn {
  public static readonly CHART = "kyverno";
  /** August 2025; Kyverno 1.15.1. */
  public static readonly VERSION = "3.5.1";
  public static readonly NETWORK_ALLOWS: readonly NetworkAllow[] = [
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
  ];

  public readonly networkAllows = Kyverno.NETWORK_ALLOWS;

  constructor(scope: Construct, id: string, props: AddOnProps) {
    const p = resolveAddOnProps(props);
    const placement = placementValues(p.placement);
    const priorityClassName = p.priorityClassName;
    const image = { registry: p.imagesHost };
    const controller = (replicas: number, resources: Record<string, unknown>) => ({
      replicas,
      image,
      ...placement,
      priorityClassName,
      podSecurityContext: restrictedPodSecurityContext(),
      securityContext: restrictedContainerSecurityContext(),
      resources,
      serviceMonitor: { enabled: p.serviceMonitors },
    });
    const hook = { image, ...placement };
    super(scope, id, {
      releaseName: "kyverno",
      namespace: ADD_ON_REQUIREMENTS.kyverno.namespace,
      chart: Kyverno.CHART,
      version: props.version ?? Kyverno.VERSION,
      chartRegistry: p.chartRegistry,
      values: p.values,
      dependsOn: p.dependsOn,
      // The chart's labels values (ADD_ON_REQUIREMENTS.labelValuePaths, which the green policy reads too).
      commonLabelValues: (labels) => labelValues(ADD_ON_REQUIREMENTS.kyverno.labelValuePaths, labels),
      defaultValues: {
        global: { image: { registry: p.imagesHost } },
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
          serviceMonitor: { enabled: p.serviceMonitors },
        },
        backgroundController: controller(2, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
        cleanupController: controller(2, { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } }),
        reportsController: controller(2, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
        webhooksCleanup: hook,
        test: { image },
        features: { policyExceptions: { enabled: true, namespace: ADD_ON_REQUIREMENTS.kyverno.namespace } },
      },
    });
  }
}
