import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { AUDIT_POLICY_FILE, AUDIT_WEBHOOK_CONFIG_FILE, clusterName, regionalClusterObjects } from "../../estate/cluster-api";
import { NATIONAL } from "../support/fixtures";

const national = NATIONAL;

function objectsOf(regionId: string) {
  const region = national.regions[regionId]!;
  return regionalClusterObjects({
    environment: "national",
    regionId,
    region,
    infrastructure: national.infrastructure,
    namespace: "govcloud-clusters",
  });
}

describe("regionalClusterObjects", () => {
  it("declares a Cluster, its control plane and one MachineDeployment per node pool", () => {
    const objects = objectsOf("north");
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toContain("Cluster/national-north");
    expect(kinds).toContain("OpenStackCluster/national-north");
    expect(kinds).toContain("KubeadmControlPlane/national-north-control-plane");
    const pools = Object.keys(national.regions.north!.cluster.nodePools).sort();
    expect(objects.filter((o) => o.kind === "MachineDeployment").map((o) => o.metadata.name)).toEqual(
      pools.map((p) => `national-north-${p}`),
    );
    expect(pools).toEqual(["general", "gpu", "storage", "system"]);
  });

  it("gives every reference a target that exists in the same namespace", () => {
    const objects = objectsOf("central");
    const exists = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    const refs: string[] = [];
    JSON.stringify(objects, (key, value) => {
      // Object references carry an apiGroup; identityRef names a Secret and is checked elsewhere.
      if (/Ref$/.test(key) && value?.apiGroup !== undefined) refs.push(`${value.kind}/${value.name}`);
      return value;
    });
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(exists.has(ref), ref).toBe(true);
    for (const o of objects) expect(o.metadata.namespace).toBe("govcloud-clusters");
  });

  it("sizes pools and pins versions from the environment", () => {
    const objects = objectsOf("south");
    const general = objects.find((o) => o.kind === "MachineDeployment" && o.metadata.name === "national-south-general");
    const spec = general?.spec as { replicas: number; template: { spec: { version: string } } };
    expect(spec.replicas).toBe(national.regions.south!.cluster.nodePools.general!.count);
    expect(spec.template.spec.version).toBe("v1.31.4");
  });

  it("pulls control plane images from the region's own registry mirror", () => {
    const kcp = objectsOf("north").find((o) => o.kind === "KubeadmControlPlane");
    expect(JSON.stringify(kcp)).toContain('"imageRepository":"registry.north.govcloud.gov.vn/kubernetes"');
  });

  it("references the OpenStack credentials Secret by name only", () => {
    const infra = objectsOf("north").find((o) => o.kind === "OpenStackCluster");
    expect((infra?.spec as { identityRef: unknown }).identityRef).toEqual({
      cloudName: "govcloud",
      name: "govcloud-openstack-clouds",
      type: "Secret",
    });
  });

  it("turns on API-server audit logging to the environment's store when it declares one", () => {
    expect(JSON.stringify(objectsOf("north"))).not.toContain("audit");
    const region = national.regions.north!;
    const auditLog = { endpoint: "https://audit.govcloud.gov.vn/k8s-audit", retentionDays: 400 };
    const kcp = regionalClusterObjects({ environment: "national", regionId: "north", region, infrastructure: national.infrastructure, namespace: "x", auditLog }).find(
      (o) => o.kind === "KubeadmControlPlane",
    )!;
    const spec = kcp.spec as { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs: { name: string; value: string }[]; extraVolumes: { mountPath: string }[] } }; files: { path: string; content: string }[] } };
    const { apiServer } = spec.kubeadmConfigSpec.clusterConfiguration;
    const args = Object.fromEntries(apiServer.extraArgs.map((a) => [a.name, a.value]));
    expect(args).toMatchObject({ "audit-policy-file": AUDIT_POLICY_FILE, "audit-webhook-config-file": AUDIT_WEBHOOK_CONFIG_FILE, "audit-log-path": expect.any(String) });
    const files = new Map(spec.kubeadmConfigSpec.files.map((f) => [f.path, YAML.parse(f.content)]));
    expect(files.get(AUDIT_POLICY_FILE)).toMatchObject({ apiVersion: "audit.k8s.io/v1", kind: "Policy" });
    expect(files.get(AUDIT_WEBHOOK_CONFIG_FILE).clusters).toEqual([{ name: "audit-store", cluster: { server: auditLog.endpoint } }]);
    // The API server runs in a static pod: the files must be mounted into it.
    for (const file of [AUDIT_POLICY_FILE, AUDIT_WEBHOOK_CONFIG_FILE, args["audit-log-path"]!]) {
      expect(apiServer.extraVolumes.some((v) => file.startsWith(`${v.mountPath}/`)), file).toBe(true);
    }
    expect(kcp.metadata.annotations).toEqual({ "govcloud.gov.vn/audit-log-retention-days": "400" });
  });

  it("declares nothing for clusters that already exist", () => {
    const region = national.regions.north!;
    expect(
      regionalClusterObjects({ environment: "dev", regionId: "north", region, infrastructure: { provider: "existing" }, namespace: "x" }),
    ).toEqual([]);
  });

  it("names clusters <environment>-<region>", () => {
    expect(clusterName("national", "north")).toBe("national-north");
  });
});
