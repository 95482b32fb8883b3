import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Aspects, Testing, TerraformIterator, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ForEachDataStack, forEachResource } from "../../constructs/for-each";
import { GreenLabelsAspect } from "../../constructs/green-labels-aspect";
import { HelmAddOn } from "../../constructs/helm-add-on";

// Synthesized JSON, looked into by path.
type Json = Record<string, any>;

const GREEN = { "green.govcloud.gov.vn/region": "north", "green.govcloud.gov.vn/pue": "1.35" };
const CENTRAL = { "green.govcloud.gov.vn/region": "central", "green.govcloud.gov.vn/pue": "1.30" };

function synth(build: (stack: TerraformStack) => void, StackClass: typeof TerraformStack = TerraformStack): Json {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-aspect-"));
  try {
    const stack = new StackClass(new App({ outdir, stackTraces: false }), "test");
    Aspects.of(stack).add(new GreenLabelsAspect({ labels: GREEN }));
    build(stack);
    return JSON.parse(Testing.synth(stack)) as Json;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const container = [{ name: "app", image: "registry.north.govcloud.gov.vn/a@sha256:" + "a".repeat(64) }];

describe("GreenLabelsAspect", () => {
  it("labels a resource's metadata and its pod template, keeping the labels it had", () => {
    const doc = synth((stack) => {
      new DeploymentV1(stack, "web", {
        metadata: { name: "web", labels: { app: "web" } },
        spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { container } } },
      });
    });
    const web = doc.resource.kubernetes_deployment_v1.web;
    expect(web.metadata.labels).toEqual({ app: "web", ...GREEN });
    expect(web.spec.template.metadata.labels).toEqual({ app: "web", ...GREEN });
    // Selectors are not labels: they stay as they were.
    expect(web.spec.selector.match_labels).toEqual({ app: "web" });
  });

  it("labels a CronJob's Job template and its pod template", () => {
    const doc = synth((stack) => {
      new CronJobV1(stack, "nightly", {
        metadata: { name: "nightly" },
        spec: { schedule: "0 2 * * *", jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { container } } } } },
      });
    });
    const job = doc.resource.kubernetes_cron_job_v1.nightly;
    expect(job.metadata.labels).toEqual(GREEN);
    expect(job.spec.job_template.metadata.labels).toEqual(GREEN);
    expect(job.spec.job_template.spec.template.metadata.labels).toEqual(GREEN);
  });

  it("wins over a key already set, so that nobody can spoof the labels", () => {
    const doc = synth((stack) => {
      new NetworkPolicyV1(stack, "p", {
        metadata: { name: "p", labels: { "green.govcloud.gov.vn/region": "elsewhere" } },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      });
    });
    expect(doc.resource.kubernetes_network_policy_v1.p.metadata.labels).toEqual(GREEN);
  });

  it("lets the aspect added nearest to an object win", () => {
    const doc = synth((stack) => {
      const region = new Construct(stack, "central");
      Aspects.of(region).add(new GreenLabelsAspect({ labels: CENTRAL }));
      new NetworkPolicyV1(region, "p", { metadata: { name: "p" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } });
      new NetworkPolicyV1(stack, "q", { metadata: { name: "q" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } });
    });
    const policies = Object.values(doc.resource.kubernetes_network_policy_v1) as Json[];
    expect(policies.map((p) => p.metadata.labels)).toEqual(expect.arrayContaining([CENTRAL, GREEN]));
  });

  it("labels manifests, and the pod templates and machine templates in them, without touching the input", () => {
    const labels = { "cluster.x-k8s.io/cluster-name": "national-north" };
    const machineDeployment = {
      apiVersion: "cluster.x-k8s.io/v1beta2",
      kind: "MachineDeployment",
      metadata: { name: "md", namespace: "ns", labels },
      spec: { clusterName: "c", template: { metadata: { labels }, spec: {} } },
    };
    const doc = synth((stack) => {
      new Manifest(stack, "md", { manifest: machineDeployment });
    });
    const manifest = doc.resource.kubernetes_manifest.md.manifest;
    expect(manifest.metadata.labels).toEqual({ ...labels, ...GREEN });
    expect(manifest.spec.template.metadata.labels).toEqual({ ...labels, ...GREEN });
    expect(labels).toEqual({ "cluster.x-k8s.io/cluster-name": "national-north" });
  });

  it("merges the labels into the for_each instances' label fields, and only those", () => {
    // Instances share labels objects, as an agency's do in the estate: each is merged once, and
    // every instance that holds it gets the labels.
    const shared = { app: "web" };
    const instances = new Map([
      ["a/web", { name: "web", labels: shared, pod_labels: { app: "web", ingress: "true" }, selector: { app: "web" } }],
      ["b/web", { name: "web", labels: shared, pod_labels: shared, selector: shared }],
      ["c/web", { name: "web", labels: shared, pod_labels: { app: "web" }, selector: { app: "web" } }],
    ]);
    const manifests = new Map([["a", { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", labels: { app: "x" } } } }]]);
    const doc = synth((stack) => {
      forEachResource(stack, instances, (it) =>
        new DeploymentV1(stack, "web", {
          forEach: it,
          metadata: { name: it.getString("name"), labels: it.getStringMap("labels") },
          spec: {
            selector: { matchLabels: it.getStringMap("selector") },
            template: { metadata: { labels: it.getStringMap("pod_labels") }, spec: { container } },
          },
        }),
      );
      forEachResource(stack, manifests, (it) => new Manifest(stack, "cm", { forEach: it, manifest: it.getAnyMap("manifest") }));
    }, ForEachDataStack);
    const web = doc.resource.kubernetes_deployment_v1.web;
    expect(web.metadata.labels).toBe("${each.value.labels}");
    expect(web.for_each["a/web"]).toEqual({
      name: "web",
      labels: { app: "web", ...GREEN },
      pod_labels: { app: "web", ingress: "true", ...GREEN },
      selector: { app: "web" },
    });
    expect(web.for_each["b/web"]).toEqual({ name: "web", labels: { app: "web", ...GREEN }, pod_labels: { app: "web", ...GREEN }, selector: { app: "web" } });
    expect(web.for_each["c/web"].labels).toEqual({ app: "web", ...GREEN });
    expect(shared).toEqual({ app: "web" });
    expect(doc.resource.kubernetes_manifest.cm.for_each.a.manifest.metadata.labels).toEqual({ app: "x", ...GREEN });
    // The estate's instances are labelled in copies: they stay as they were.
    expect(manifests.get("a")).toEqual({ manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", labels: { app: "x" } } } });
    expect(instances.get("a/web")).toEqual({ name: "web", labels: { app: "web" }, pod_labels: { app: "web", ingress: "true" }, selector: { app: "web" } });
  });

  it("refuses for_each labels it cannot reach: outside a ForEachDataStack", () => {
    expect(() =>
      synth((stack) => {
        const it = TerraformIterator.fromMap({ a: { labels: {} } });
        new NetworkPolicyV1(stack, "p", { forEach: it, metadata: { name: "p", labels: it.getStringMap("labels") }, spec: { podSelector: {}, policyTypes: ["Ingress"] } });
      }),
    ).toThrow(/outside a ForEachDataStack/);
  });

  it("gives a Helm release the labels through the chart's labels values", () => {
    const doc = synth((stack) => {
      new HelmAddOn(stack, "with", {
        releaseName: "with",
        namespace: "ns",
        chart: "chart",
        version: "1.0.0",
        chartRegistry: "oci://registry.north.govcloud.gov.vn/charts",
        defaultValues: { commonLabels: { team: "platform" } },
        commonLabelValues: (labels) => ({ commonLabels: labels, pods: { podLabels: labels } }),
      });
      new HelmAddOn(stack, "without", {
        releaseName: "without",
        namespace: "ns",
        chart: "chart",
        version: "1.0.0",
        chartRegistry: "oci://registry.north.govcloud.gov.vn/charts",
        defaultValues: { a: 1 },
      });
    });
    const releases = Object.values(doc.resource.helm_release) as Json[];
    const withLabels = YAML.parse(releases.find((r) => r.name === "with")!.values[0]);
    expect(withLabels).toEqual({ commonLabels: { team: "platform", ...GREEN }, pods: { podLabels: GREEN } });
    expect(YAML.parse(releases.find((r) => r.name === "without")!.values[0])).toEqual({ a: 1 });
  });

  it("rejects labels that are not valid Kubernetes labels", () => {
    expect(() => new GreenLabelsAspect({ labels: { "green.govcloud.gov.vn/site": "Hòa Lạc" } })).toThrow(/invalid green labels/);
    expect(() => new GreenLabelsAspect({ labels: { "green.govcloud.gov.vn/pue": "x".repeat(64) } })).toThrow(/invalid green labels/);
  });
});
