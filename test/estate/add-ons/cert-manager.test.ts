import { describe, expect, it } from "vitest";
import { certManager } from "../../../estate/add-ons/cert-manager";
import { addOnValues } from "../../support/add-ons";

/**
 * Keys the cert-manager chart's values.schema.json declares for what we set; the schema has
 * `additionalProperties: false` at every level, so any other key fails the install.
 */
const SCHEMA_KEYS: Record<string, readonly string[]> = {
  "": [
    "acmesolver", "affinity", "approveSignerNames", "automountServiceAccountToken", "cainjector", "clusterResourceNamespace", "config",
    "containerSecurityContext", "crds", "creator", "deploymentAnnotations", "disableAutoApproval", "dns01RecursiveNameservers",
    "dns01RecursiveNameserversOnly", "enableCertificateOwnerRef", "enableServiceLinks", "enabled", "extraArgs", "extraEnv", "extraObjects",
    "featureGates", "fullnameOverride", "global", "hostAliases", "http_proxy", "https_proxy", "image", "ingressShim", "installCRDs",
    "livenessProbe", "maxConcurrentChallenges", "nameOverride", "namespace", "no_proxy", "nodeSelector", "podAnnotations",
    "podDisruptionBudget", "podDnsConfig", "podDnsPolicy", "podLabels", "prometheus", "replicaCount", "resources", "securityContext",
    "serviceAccount", "serviceAnnotations", "serviceIPFamilies", "serviceIPFamilyPolicy", "serviceLabels", "startupapicheck", "strategy",
    "tolerations", "topologySpreadConstraints", "volumeMounts", "volumes", "webhook",
  ],
  crds: ["enabled", "keep"],
  global: ["commonLabels", "imagePullSecrets", "leaderElection", "logLevel", "podSecurityPolicy", "priorityClassName", "rbac", "revisionHistoryLimit"],
  image: ["digest", "pullPolicy", "registry", "repository", "tag"],
  podDisruptionBudget: ["enabled", "maxUnavailable", "minAvailable"],
  prometheus: ["enabled", "podmonitor", "servicemonitor"],
  webhook: [
    "affinity", "containerSecurityContext", "image", "nodeSelector", "podDisruptionBudget", "replicaCount", "resources", "securityContext",
    "tolerations",
  ],
  cainjector: [
    "affinity", "containerSecurityContext", "image", "nodeSelector", "podDisruptionBudget", "replicaCount", "resources", "securityContext",
    "tolerations",
  ],
  startupapicheck: ["containerSecurityContext", "image", "nodeSelector", "resources", "securityContext", "tolerations"],
  acmesolver: ["image"],
};

describe("CertManager", () => {
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

  it("sets only keys the chart's values schema declares", () => {
    for (const [section, allowed] of Object.entries(SCHEMA_KEYS)) {
      const object = section === "" ? values : section === "image" ? values.image : values[section];
      for (const key of Object.keys(object ?? {})) expect(allowed, `${section || "(top)"}.${key}`).toContain(key);
    }
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
