import { describe, expect, it } from "vitest";
import { IngressNginx, type IngressNginxProps } from "../../../constructs/add-ons/ingress-nginx";
import { systemPlacement } from "../../../estate/add-ons";
import { synthConstructs } from "../../support/synth";

const registries = { images: "registry.north.govcloud.gov.vn", charts: "oci://registry.north.govcloud.gov.vn/charts" };
const placement = systemPlacement({
  nodePools: { system: { role: "system", count: 3, cpu: 8, memoryGiB: 32, diskGiB: 100, gpus: 0, labels: {}, taints: [{ key: "govcloud.gov.vn/system", effect: "NoSchedule" }] } },
});

function build(props: Partial<IngressNginxProps> = {}): IngressNginx {
  let addOn: IngressNginx | undefined;
  synthConstructs((stack) => {
    addOn = new IngressNginx(stack, "ingress-nginx", { registries, placement, ...props });
  });
  return addOn!;
}

describe("IngressNginx", () => {
  const addOn = build();
  const controller = addOn.values.controller as Record<string, any>;

  it("pins chart ingress-nginx 4.12.1 in the ingress-nginx namespace", () => {
    expect([addOn.chart, addOn.version, addOn.namespace, addOn.releaseName]).toEqual(["ingress-nginx", "4.12.1", "ingress-nginx", "ingress-nginx"]);
  });

  it("takes every image from the region's registry through global.image.registry, sets no per-image registry", () => {
    expect(addOn.values.global).toEqual({ image: { registry: "registry.north.govcloud.gov.vn" } });
    expect(controller.image.registry).toBeUndefined();
    expect(controller.admissionWebhooks.patch.image).toBeUndefined();
  });

  it("serves the default IngressClass through a LoadBalancer Service that keeps client addresses", () => {
    expect(controller.ingressClassResource).toEqual({ name: "nginx", enabled: true, default: true });
    expect(controller.service).toEqual({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(controller.hostNetwork).toBeUndefined();
  });

  it("keeps admission webhooks and metrics on, and snippet annotations off", () => {
    expect(controller.admissionWebhooks).toMatchObject({ enabled: true, failurePolicy: "Fail" });
    expect(controller.metrics).toEqual({ enabled: true, serviceMonitor: { enabled: false } });
    expect(controller.allowSnippetAnnotations).toBe(false);
  });

  it("runs restricted, with requests and limits", () => {
    expect(controller.image).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } });
    expect(Object.keys(controller.resources).sort()).toEqual(["limits", "requests"]);
  });

  it("names its IngressClass after the environment's", () => {
    expect((build({ ingressClass: "govcloud" }).values.controller as Record<string, any>).ingressClassResource.name).toBe("govcloud");
  });

  it("lets clients in on 80 and 443 and reaches tenant namespaces", () => {
    const names = IngressNginx.NETWORK_ALLOWS.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(["kubernetes-api-egress", "http-https-ingress", "tenant-backends-egress", "webhook-ingress"]));
    const http = IngressNginx.NETWORK_ALLOWS.find((a) => a.name === "http-https-ingress")!;
    expect(http).toMatchObject({ direction: "ingress", peers: [{ kind: "anywhere" }], ports: [{ port: 80 }, { port: 443 }] });
  });
});
