import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ClusterBaseline } from "../../constructs/cluster-baseline";
import { ownershipLabels } from "../../estate/labels";
import { PlatformAddOns } from "../../constructs/platform-add-ons";
import { loadEnvironment } from "../../environments";
import { AddOnOverrideSchema, type Environment } from "../../environments/schema";
import { ADD_ONS, type AddOnName, EVERY_NODE_TOLERATIONS, installedAddOns, NODE_ROLE_LABEL, PLATFORM_PRIORITY_CLASS } from "../../estate/add-ons";
import { stringsIn } from "../../estate/deep-merge";
import { isPlainObject } from "../../core/plain-object";
import { contextFor } from "../support/add-ons";
import { REPO_ROOT, resourcesOf, synthConstructs, type TerraformJson } from "../support/synth";

const national = loadEnvironment(REPO_ROOT, "national").value;
const dev = loadEnvironment(REPO_ROOT, "dev").value;

/** Registries nothing in a datacenter may pull from. */
const PUBLIC_REGISTRIES = [
  "docker.io",
  "quay.io",
  "ghcr.io",
  "gcr.io",
  "registry.k8s.io",
  "public.ecr.aws",
  "k8s.gcr.io",
  "reg.kyverno.io",
  "mcr.microsoft.com",
];

const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;

interface Release {
  name: string;
  namespace: string;
  repository: string;
  chart: string;
  version: string;
  values: string[];
  depends_on: string[];
}

interface Policy {
  metadata: { name: string; namespace: string };
  spec: { policy_types: string[]; egress?: { to?: unknown[]; ports?: { port: string }[] }[]; ingress?: unknown[] };
  depends_on: string[];
}

/** An environment with `platform.addOns` replaced, defaults applied as the schema would. */
function withAddOns(env: Environment, addOns: Record<string, unknown>): Environment {
  const parsed = Object.fromEntries(Object.entries(addOns).map(([name, o]) => [name, AddOnOverrideSchema.parse(o)]));
  return { ...env, platform: { ...env.platform, addOns: parsed } };
}

/** The region's baseline and add-ons, as the platform stack builds them. */
function synth(env: Environment, regionId: string): TerraformJson {
  return synthConstructs((stack) => {
    const baseline = new ClusterBaseline(stack, "baseline", {
      platform: env.platform,
      kubernetesVersion: env.regions[regionId]!.cluster.kubernetesVersion,
      labels: ownershipLabels(env.name, regionId),
    });
    new PlatformAddOns(stack, "add-ons", {
      environment: env,
      regionId,
      namespaces: new Map([...baseline.namespaces].map(([name, ns]) => [name, ns.namespace])),
    });
  });
}

function releasesOf(doc: TerraformJson): Map<string, { address: string; body: Release; values: Record<string, unknown> }> {
  return new Map(
    Object.entries(resourcesOf(doc, "helm_release")).map(([id, body]) => {
      const release = body as unknown as Release;
      expect(release.values).toHaveLength(1);
      return [release.name, { address: `helm_release.${id}`, body: release, values: parse(release.values[0]!) as Record<string, unknown> }];
    }),
  );
}

function policiesOf(doc: TerraformJson): { address: string; body: Policy }[] {
  return Object.entries(resourcesOf(doc, "kubernetes_network_policy_v1")).map(([id, body]) => ({
    address: `kubernetes_network_policy_v1.${id}`,
    body: body as unknown as Policy,
  }));
}

/** Every object anywhere in a value, with its path. */
function* objectsIn(value: unknown, path = ""): Generator<{ path: string; value: Record<string, unknown> }> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* objectsIn(item, `${path}[${i}]`);
  } else if (isPlainObject(value)) {
    yield { path, value };
    for (const [key, item] of Object.entries(value)) yield* objectsIn(item, path === "" ? key : `${path}.${key}`);
  }
}

const nationalRegions = Object.keys(national.regions).sort();
/** The add-ons national installs: those whose namespace it declares. */
const installed = installedAddOns(national.platform);
const nationalDocs = new Map(nationalRegions.map((id) => [id, synth(national, id)]));

describe.each(nationalRegions)("PlatformAddOns in %s", (regionId) => {
  const region = national.regions[regionId]!;
  const doc = nationalDocs.get(regionId)!;
  const releases = releasesOf(doc);

  it("installs every add-on national declares a namespace for (today all of the catalogue), each in its own namespace", () => {
    expect([...releases.keys()].sort()).toEqual([...installed].sort());
    expect(installed.length).toBeGreaterThanOrEqual(6);
    for (const [name, { body }] of releases) expect(body.namespace).toBe(ADD_ONS[name as AddOnName].namespace);
  });

  it("pulls every chart from the region's OCI registry at its exact pinned version", () => {
    for (const [name, { body }] of releases) {
      expect(body.repository, name).toBe(region.registries.charts);
      expect(body.repository, name).toMatch(/^oci:\/\//);
      expect(body.chart, name).toBe(ADD_ONS[name as AddOnName].chart);
      expect(body.version, name).toBe(ADD_ONS[name as AddOnName].version);
      expect(body.version, name).toMatch(EXACT_VERSION);
    }
  });

  it("never references a public registry in any value of any add-on", () => {
    for (const [name, { values }] of releases) {
      for (const { path, value } of stringsIn(values)) {
        for (const host of PUBLIC_REGISTRIES) expect(value.includes(host), `${name}: ${path} = ${value}`).toBe(false);
      }
    }
  });

  it("points every image registry and every fully qualified image at the region's registry", () => {
    const host = region.registries.images;
    let checked = 0;
    for (const [name, { values }] of releases) {
      for (const { path, value } of stringsIn(values)) {
        const key = path.replace(/\[\d+\]$/, "").split(".").pop()!;
        if (key === "registry" || key === "imageRegistry") {
          expect(value, `${name}: ${path}`).toBe(host);
          checked++;
        } else if ((key === "repository" || key === "image") && value.split("/")[0]!.includes(".")) {
          expect(value.startsWith(`${host}/`), `${name}: ${path} = ${value}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(installed.length);
  });

  it("runs controllers on system nodes and node agents on every node, at the platform priority", () => {
    const system = region.cluster.nodePools.system!;
    for (const [name, { values }] of releases) {
      let priorities = 0;
      for (const { path, value } of objectsIn(values)) {
        if ("nodeSelector" in value) expect(value.nodeSelector, `${name}: ${path}`).toEqual({ [NODE_ROLE_LABEL]: "system" });
        if ("tolerations" in value) {
          const tolerations = value.tolerations as Record<string, unknown>[];
          const everyNode = tolerations.some((t) => t.operator === "Exists" && t.key === undefined);
          const systemTaints = system.taints.every((taint) =>
            tolerations.some((t) => t.key === taint.key && t.effect === taint.effect && t.operator === "Exists"),
          );
          expect(everyNode || systemTaints, `${name}: ${path}`).toBe(true);
        }
        if ("priorityClassName" in value) {
          expect(value.priorityClassName, `${name}: ${path}`).toBe(PLATFORM_PRIORITY_CLASS);
          priorities++;
        }
      }
      // Kepler's chart has no priorityClassName value.
      if (name !== "kepler") expect(priorities, name).toBeGreaterThan(0);
    }
  });

  it("gives every add-on namespace its allow rules, including the Kubernetes API on 443 and 6443", () => {
    const policies = policiesOf(doc);
    for (const name of installed) {
      const namespace = ADD_ONS[name].namespace;
      const names = policies.filter((p) => p.body.metadata.namespace === namespace).map((p) => p.body.metadata.name);
      expect(names, name).toContain("allow-kubernetes-api-egress");
      expect(names.filter((n) => n.startsWith("allow-") && n !== "allow-dns-egress").length, name).toBeGreaterThanOrEqual(2);
      const api = policies.find((p) => p.body.metadata.namespace === namespace && p.body.metadata.name === "allow-kubernetes-api-egress")!;
      expect(api.body.spec.egress?.[0]?.ports?.map((p) => p.port)).toEqual(["443", "6443"]);
      expect(api.body.spec.egress?.[0]?.to).toEqual([
        { ip_block: { cidr: region.cluster.network.nodes } },
        { ip_block: { cidr: region.cluster.network.services } },
      ]);
    }
  });

  it("creates each release after its namespace and every allow rule of it, and the rules after the namespace", () => {
    const policies = policiesOf(doc).filter((p) => p.address.includes("add-ons_"));
    for (const [name, { body }] of releases) {
      const namespace = ADD_ONS[name as AddOnName].namespace;
      const own = policies.filter((p) => p.body.metadata.namespace === namespace);
      expect(own.length, name).toBeGreaterThan(0);
      const nsAddress = body.depends_on.find((d) => d.startsWith("kubernetes_namespace_v1."));
      expect(nsAddress, name).toContain(`namespace-${namespace}`);
      for (const policy of own) {
        expect(body.depends_on, `${name} after ${policy.body.metadata.name}`).toContain(policy.address);
        expect(policy.body.depends_on).toEqual([nsAddress]);
      }
    }
  });

  it("creates each release after the releases of the add-ons it declares a dependency on, and turns on ServiceMonitors with monitoring", () => {
    for (const [name, { body }] of releases) {
      const after = ADD_ONS[name as AddOnName].dependencies.map((d) => releases.get(d.addOn)!.address);
      expect(body.depends_on.filter((d) => d.startsWith("helm_release.")), name).toEqual(after);
    }
    expect(releases.get("monitoring")!.body.depends_on.some((d) => d.startsWith("helm_release."))).toBe(false);
    expect((releases.get("ingress-nginx")!.values.controller as { metrics: unknown }).metrics).toEqual({
      enabled: true,
      serviceMonitor: { enabled: true },
    });
  });

  it("puts the dashboards each add-on ships in its namespace, after the namespace", () => {
    const configMaps = Object.values(resourcesOf(doc, "kubernetes_config_map_v1")) as unknown as { metadata: { name: string; namespace: string }; depends_on: string[] }[];
    const shipped = installed.flatMap((name) => Object.keys(ADD_ONS[name].dashboards?.(contextFor(name, { regionId })) ?? {}).map((d) => [`dashboard-${d}`, ADD_ONS[name].namespace]));
    expect(shipped.length).toBeGreaterThan(0);
    expect(configMaps.map((c) => [c.metadata.name, c.metadata.namespace]).sort()).toEqual(shipped.sort());
    for (const configMap of configMaps) expect(configMap.depends_on).toHaveLength(1);
  });
});

describe("PlatformAddOns with the environment's overrides", () => {
  it("deep-merges platform.addOns values over the defaults and installs the given version", () => {
    const env = withAddOns(national, {
      "ingress-nginx": {
        version: "4.13.0",
        values: { controller: { replicaCount: 4, service: { type: "ClusterIP" }, config: { "use-gzip": "true" } }, defaultBackend: null },
      },
    });
    const release = releasesOf(synth(env, "north")).get("ingress-nginx")!;
    expect(release.body.version).toBe("4.13.0");
    const controller = release.values.controller as Record<string, unknown>;
    expect(controller.replicaCount).toBe(4);
    expect(controller.service).toEqual({ type: "ClusterIP", externalTrafficPolicy: "Local" });
    expect(controller.config).toEqual({ "use-gzip": "true" });
    expect(controller.allowSnippetAnnotations).toBe(false);
    expect(release.values).not.toHaveProperty("defaultBackend");
    expect(release.values.global).toEqual({ image: { registry: "registry.north.govcloud.gov.vn" } });
  });

  it("creates nothing for a disabled add-on: no release, no policy in its namespace", () => {
    const doc = synth(withAddOns(national, { velero: { enabled: false } }), "north");
    const releases = releasesOf(doc);
    expect(releases.has("velero")).toBe(false);
    expect(releases.size).toBe(installed.length - 1);
    const veleroPolicies = policiesOf(doc).filter((p) => p.body.metadata.namespace === "velero").map((p) => p.body.metadata.name);
    expect(veleroPolicies.sort()).toEqual(["allow-dns-egress", "default-deny-all"]);
  });

  it("leaves ServiceMonitors off and orders nothing after monitoring when monitoring is disabled", () => {
    const releases = releasesOf(synth(withAddOns(national, { monitoring: { enabled: false } }), "north"));
    expect(releases.has("monitoring")).toBe(false);
    for (const [name, { body, values }] of releases) {
      expect(body.depends_on.some((d) => d.startsWith("helm_release.")), name).toBe(false);
      const monitors = [...objectsIn(values)].filter(({ path }) => /service[mM]onitor$|PodMonitor$/.test(path));
      for (const { path, value } of monitors) expect(value.enabled, `${name}: ${path}`).toBe(false);
    }
  });

  it("installs only the add-ons whose namespace a small environment declares, placed anywhere", () => {
    const doc = synth(dev, "north");
    const releases = releasesOf(doc);
    // dev declares the velero namespace: its backups go to the other laptop cluster (docs/backup.md).
    expect([...releases.keys()].sort()).toEqual(["cert-manager", "ingress-nginx", "kyverno", "velero"]);
    for (const [name, { body, values }] of releases) {
      expect(body.repository).toBe(dev.regions.north!.registries.charts);
      // No system pool on a laptop: nothing may wait for a node that does not exist. (Node
      // agents tolerate every taint, to run on every node.)
      for (const { path, value } of objectsIn(values)) {
        if ("nodeSelector" in value) expect(value.nodeSelector, `${name}: ${path}`).toEqual({});
        if ("tolerations" in value) expect(value.tolerations, `${name}: ${path}`).toEqual(path === "nodeAgent" ? EVERY_NODE_TOLERATIONS : []);
      }
    }
    const api = policiesOf(doc).find((p) => p.body.metadata.name === "allow-kubernetes-api-egress")!;
    expect(api.body.spec.egress?.[0]?.to).toEqual([{ ip_block: { cidr: "0.0.0.0/0" } }]);
  });

  it("uses the environment's ingress class", () => {
    const env = { ...national, tenancy: { ...national.tenancy, ingressClass: "govcloud" } };
    const controller = releasesOf(synth(env, "south")).get("ingress-nginx")!.values.controller as Record<string, unknown>;
    expect(controller.ingressClassResource).toMatchObject({ name: "govcloud", default: true });
  });

  it("writes the same bytes on every run", () => {
    expect(JSON.stringify(synth(national, "central"))).toBe(JSON.stringify(nationalDocs.get("central")));
  });
});
