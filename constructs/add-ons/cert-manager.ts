import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, labelValues } from "../../estate/add-ons";
import { KUBERNETES_API_EGRESS, metricsIngress, type NetworkAllow, webhookIngress } from "../add-on-network-policy";
import {
  type AddOnProps,
  HelmAddOn,
  mirrored,
  placementValues,
  resolveAddOnProps,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../helm-add-on";

/**
 * cert-manager (jetstack), which signs tenant TLS certificates through the environment's
 * ClusterIssuer (`tenancy.clusterIssuer`).
 *
 * Images: the chart's `<component>.image.repository` holds the whole reference (registry
 * included: `quay.io/jetstack/cert-manager-controller`), so each is set to the mirror's copy.
 * The chart's values schema rejects unknown keys; only keys it declares are set here.
 */
export class CertManager extends HelmAddOn {
  public static readonly CHART = "cert-manager";
  /** July 2025. cert-manager publishes its chart versions with a leading `v`. */
  public static readonly VERSION = "v1.18.2";
  public static readonly NETWORK_ALLOWS: readonly NetworkAllow[] = [
    KUBERNETES_API_EGRESS,
    // The webhook's securePort.
    webhookIngress([10250]),
    // Controller, webhook and cainjector all serve metrics on 9402.
    metricsIngress([9402]),
  ];

  public readonly networkAllows = CertManager.NETWORK_ALLOWS;

  constructor(scope: Construct, id: string, props: AddOnProps) {
    const p = resolveAddOnProps(props);
    const placement = placementValues(p.placement);
    const image = (component: string) => ({ repository: mirrored(p.imagesHost, `jetstack/cert-manager-${component}`) });
    const pod = {
      ...placement,
      securityContext: restrictedPodSecurityContext(),
      containerSecurityContext: restrictedContainerSecurityContext(),
    };
    super(scope, id, {
      releaseName: "cert-manager",
      namespace: ADD_ON_REQUIREMENTS["cert-manager"].namespace,
      chart: CertManager.CHART,
      version: props.version ?? CertManager.VERSION,
      chartRegistry: p.chartRegistry,
      values: p.values,
      dependsOn: p.dependsOn,
      // The chart's labels values (ADD_ON_REQUIREMENTS.labelValuePaths, which the green policy reads too).
      commonLabelValues: (labels) => labelValues(ADD_ON_REQUIREMENTS["cert-manager"].labelValuePaths, labels),
      defaultValues: {
        // Uninstalling the release must not delete every Certificate of every tenant with the CRDs.
        crds: { enabled: true, keep: true },
        // Leader-election leases stay in cert-manager's own namespace, not kube-system.
        global: { priorityClassName: p.priorityClassName, leaderElection: { namespace: ADD_ON_REQUIREMENTS["cert-manager"].namespace } },
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        image: image("controller"),
        ...pod,
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        prometheus: { enabled: true, servicemonitor: { enabled: p.serviceMonitors } },
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
      },
    });
  }
}
