import { defineAddOn, placementValues } from "../add-on-descriptor";
import { KUBERNETES_API_EGRESS, metricsIngress, webhookIngress } from "../network-allow";

/**
 * The ingress controller (kubernetes/ingress-nginx), the only way into tenant services. Its
 * IngressClass is the one tenants' Ingresses use (`tenancy.ingressClass`).
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
export const ingressNginx = defineAddOn({
  name: "ingress-nginx",
  chart: "ingress-nginx",
  /** Controller v1.12.1 (March 2025), with the fixes for CVE-2025-1097, -1098, -1974, -24513, -24514. */
  version: "4.12.1",
  imageTags: {},
  namespace: "ingress-nginx",
  podSecurity: "restricted",
  credentialPaths: [],
  // commonLabels: every object the chart renders, through its ingress-nginx.labels helper.
  labelValuePaths: [["commonLabels"]],
  networkAllows: [
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
  ],
  dependencies: [{ addOn: "monitoring", reason: "its ServiceMonitor needs the Prometheus Operator CRDs" }],
  privilegedValues: {},
  nodeAgents: {},
  values: (context) => {
    const ingressClass = context.environment.tenancy.ingressClass;
    const placement = placementValues(context.placement);
    const priorityClassName = context.priorityClassName;
    return {
      global: { image: { registry: context.registries.images } },
      controller: {
        replicaCount: 2,
        ingressClass,
        ingressClassResource: { name: ingressClass, enabled: true, default: true },
        // Snippet annotations let a tenant write raw NGINX configuration into a shared proxy.
        allowSnippetAnnotations: false,
        image: { runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } },
        service: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
        metrics: { enabled: true, serviceMonitor: { enabled: context.serviceMonitors } },
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
    };
  },
});

function jobResources() {
  return { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } };
}
