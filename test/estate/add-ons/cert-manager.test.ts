import { describe, expect, it } from "vitest";
import { certManager } from "../../../estate/add-ons/cert-manager";
import { addOnValues } from "../../support/add-ons";

describe("cert-manager", () => {
  const values = addOnValues("cert-manager", { regionId: "central" });

  it("pins chart cert-manager v1.18.2 (the chart's own v-prefixed version)", () => {
    expect([certManager.chart, certManager.version, certManager.namespace]).toEqual(["cert-manager", "v1.18.2", "cert-manager"]);
  });

  it("points each component's image.repository at the mirror's copy of quay.io/jetstack/<image>", () => {
    const repositories = {
      controller: values.image.repository,
      webhook: values.webhook.image.repository,
      cainjector: values.cainjector.image.repository,
      acmesolver: values.acmesolver.image.repository,
      startupapicheck: values.startupapicheck.image.repository,
    };
    for (const [component, repository] of Object.entries(repositories)) {
      expect(repository).toBe(`registry.central.govcloud.gov.vn/jetstack/cert-manager-${component}`);
    }
  });

  it("installs and keeps the CRDs", () => {
    expect(values.crds).toEqual({ enabled: true, keep: true });
  });

  it("runs every component restricted and on the platform priority class", () => {
    for (const component of [values, values.webhook, values.cainjector, values.startupapicheck]) {
      expect(component.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(component.containerSecurityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      expect(Object.keys(component.resources).sort()).toEqual(["limits", "requests"]);
    }
    expect(values.global.priorityClassName).toBe("govcloud-platform-critical");
  });
});
