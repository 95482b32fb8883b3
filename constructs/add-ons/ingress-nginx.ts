import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, labelValues } from "../../estate/add-ons";
import { KUBERNETES_API_EGRESS, metricsIngress, type NetworkAllow, webhookIngress } from "../add-on-network-policy";
import { type AddOnProps, HelmAddOn, placementValues, resolveAddOnProps } from "../helm-add-on";

export interface IngressNginxProps extends AddOnProps {
  /**
   * Name of the IngressClass, the one tenants' Ingresses use (`tenancy.ingressClass`).
   * @default "nginx"
   */
  readonly ingressClass?: string;
}

/**
 * The ingress controller (kubernetes/ingress-nginx), the only way into tenant services.
 *
 * Exposed as a Service of type LoadBalancer: on the OpenStack regions the cloud controller turns
 * it into an Octavia load balancer in the datacenter network, managed with the cluster, so no
 * host network (which would need a privileged namespace), no hand-kept NodePort list on an
 * external balancer. `externalTrafficPolicy: Local` keeps client addresses for the access logs
 * that government services must keep. A laptop needs a LoadBalancer implementation too (k3d has
 * one; kind needs cloud-provider-kind), or Helm waits for an address until it times out.
 *
 * Images: `global.image.registry` is the registry of every image of the chart (controller,
 * admission webhook certgen, default backend); none of them sets its own in 4.12. Digests stay:
 * the mirror copies images by digest.
 */
export class IngressNginx extends HelmAddOn {
  public static readonly CHART = "ingress-nginx";
  /** Controller v1.12.1 (March 2025), with the fixes for CVE-2025-1097, -1098, -1974, -24513, -24514. */
  public static readonly VERSION = "4.12.1";
  public static readonly NETWORK_ALLOWS: readonly NetworkAllow[] = [
    KUBERNETES_API_EGRESS,
    {
      name: "http-https-ingress",
      direction: "ingress",
      peers: [{ kind: "anywhere" }],
      ports: [{ port: 80 }, { port: 443 }],
      reason: "clients reach tenant services through the datacenter load balancer",
    },
    webhookIngress([8443]),
    metricsIngress([10254]),
    {
      name: "tenant-backends-egress",
      direction: "egress",
      peers: [{ kind: "tenant-namespaces" }],
      reason: "the controller proxies requests to tenant services on whatever port they listen",
    },
  ];

  public readonly networkAllows = IngressNginx.NETWORK_ALLOWS;
  public readonly ingressClass: string;

  constructor(scope: Construct, id: string, props: IngressNginxProps) {
    const p = resolveAddOnProps(props);
    const ingressClass = props.ingressClass ?? "nginx";
    const placement = placementValues(p.placement);
    const priorityClassName = p.priorityClassName;
    super(scope, id, {
      releaseName: "ingress-nginx",
      namespace: ADD_ON_REQUIREMENTS["ingress-nginx"].namespace,
      chart: IngressNginx.CHART,
      version: props.version ?? IngressNginx.VERSION,
      chartRegistry: p.chartRegistry,
      values: p.values,
      dependsOn: p.dependsOn,
      // The chart's labels values (ADD_ON_REQUIREMENTS.labelValuePaths, which the green policy reads too).
      commonLabelValues: (labels) => labelValues(ADD_ON_REQUIREMENTS["ingress-nginx"].labelValuePaths, labels),
      defaultValues: {
        global: { image: { registry: p.imagesHost } },
        controller: {
          replicaCount: 2,
          ingressClass,
          ingressClassResource: { name: ingressClass, enabled: true, default: true },
          // Snippet annotations let a tenant write raw NGINX configuration into a shared proxy.
          allowSnippetAnnotations: false,
          image: { runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } },
          service: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
          metrics: { enabled: true, serviceMonitor: { enabled: p.serviceMonitors } },
          admissionWebhooks: {
            enabled: true,
            failurePolicy: "Fail",
            patch: { ...placement, priorityClassName, securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } },
            createSecretJob: { resources: jobResources() },
            patchWebhookJob: { resources: jobResources() },
          },
          ...placement,
          priorityClassName,
          resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "2", memory: "1Gi" } },
        },
        defaultBackend: {
          enabled: false,
          ...placement,
          priorityClassName,
          resources: { requests: { cpu: "10m", memory: "20Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        },
      },
    });
    this.ingressClass = ingressClass;
  }
}

function jobResources() {
  return { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } };
}
