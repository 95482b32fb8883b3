/** data-residency: endpoints-in-country, compliant and non-compliant for each kind of endpoint. */
import { describe, expect, it } from "vitest";
import { check, plain, summary } from "../support";

const rule = "endpoints-in-country";
const bsl = (s3Url: string) => ({
  manifest: { apiVersion: "velero.io/v1", kind: "BackupStorageLocation", metadata: { name: "default" }, spec: { provider: "aws", config: { s3Url } } },
});
const release = (repository: string, values: string[]) => ({ name: "velero", chart: "velero", repository, values });

describe(rule, () => {
  it("passes in-country backups, charts, Helm values and state", async () => {
    const doc = plain(
      {
        kubernetes_manifest: { bsl: bsl("https://s3.north.govcloud.gov.vn") },
        helm_release: { velero: release("oci://registry.north.govcloud.gov.vn/charts", ["url: https://grafana.north.govcloud.gov.vn/login\n"]) },
      },
      { backend: { s3: { bucket: "state", key: "x", endpoints: { s3: "https://s3.south.govcloud.gov.vn" } } } },
    );
    expect(await check(rule, doc)).toEqual([]);
  });
  it("flags every endpoint abroad", async () => {
    const doc = plain(
      {
        kubernetes_manifest: { bsl: bsl("https://s3.amazonaws.com") },
        helm_release: { velero: release("https://charts.example.com", ["a:\n  b: https://hooks.slack.com/services/x\n  c: https://grafana.north.govcloud.gov.vn\n"]) },
      },
      { backend: { s3: { bucket: "state", key: "x" } } },
    );
    expect(summary(await check(rule, doc))).toEqual([
      "helm_release.velero: chart repository https://charts.example.com is on charts.example.com, outside Vietnam (allowed domains: govcloud.gov.vn)",
      "helm_release.velero: Helm value https://hooks.slack.com/services/x is on hooks.slack.com, outside Vietnam (allowed domains: govcloud.gov.vn)",
      "kubernetes_manifest.bsl: backup storage location s3Url https://s3.amazonaws.com is on s3.amazonaws.com, outside Vietnam (allowed domains: govcloud.gov.vn)",
      "terraform.backend.s3: the s3 state backend names no endpoint, so state would go to AWS; set the in-country endpoint",
    ]);
  });
  it("flags state kept by a foreign service", async () => {
    expect(summary(await check(rule, plain({}, { cloud: { organization: "x" } })))).toEqual([
      "terraform.backend.cloud: the state backend 'cloud' keeps Terraform state with a provider outside Vietnam; use local, pg, kubernetes or an in-country s3 endpoint",
    ]);
  });
});
