import { describe, expect, it } from "vitest";
import { velero } from "../../../estate/add-ons/velero";
import { NATIONAL } from "../../support/fixtures";
import { addOnValues } from "../../support/add-ons";

describe("velero", () => {
  const values = addOnValues("velero");

  it("pins chart velero 10.0.13 in the velero namespace", () => {
    expect([velero.chart, velero.version, velero.namespace]).toEqual(["velero", "10.0.13", "velero"]);
  });

  it("points the server, kubectl and plugin images at the mirror's copies", () => {
    expect(values.image.repository).toBe("registry.north.govcloud.gov.vn/velero/velero");
    expect(values.kubectl.image.repository).toBe("registry.north.govcloud.gov.vn/bitnami/kubectl");
    expect(values.kubectl.image.tag).toBe(NATIONAL.regions.north!.cluster.kubernetesVersion.replace(/^v/, ""));
    expect(values.initContainers.map((c: { image: string }) => c.image)).toEqual([
      "registry.north.govcloud.gov.vn/velero/velero-plugin-for-aws:v1.12.2",
      "registry.north.govcloud.gov.vn/lirt/velero-plugin-for-openstack:v0.8.0",
    ]);
  });

  it("creates no backup or snapshot location yet and holds no credential", () => {
    expect(values.backupsEnabled).toBe(false);
    expect(values.snapshotsEnabled).toBe(false);
    expect(values.configuration.backupStorageLocation).toEqual([]);
    expect(values.configuration.volumeSnapshotLocation).toEqual([]);
    expect(values.credentials).toEqual({ useSecret: false });
  });

  it("deploys the node-agent for file-system backup on every node", () => {
    expect(values.deployNodeAgent).toBe(true);
    expect(values.nodeAgent.tolerations).toEqual([{ operator: "Exists" }]);
    expect(values.configuration.uploaderType).toBe("kopia");
  });

  it("runs the server restricted, with a writable /tmp for its plugins' sockets", () => {
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.containerSecurityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(values.extraVolumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
  });

  it("reaches object storage on 443 only", () => {
    const storage = velero.networkAllows.find((a) => a.name === "object-storage-egress")!;
    expect(storage).toMatchObject({ direction: "egress", ports: [{ port: 443 }] });
  });

  it("takes backup locations from the environment's values when they come", () => {
    const location = { name: "default", provider: "aws", bucket: "velero-north", credential: { name: "velero-s3", key: "cloud" } };
    const merged = addOnValues("velero", { values: { backupsEnabled: true, configuration: { backupStorageLocation: [location] } } });
    expect(merged.configuration.backupStorageLocation).toEqual([location]);
    expect(merged.configuration.uploaderType).toBe("kopia");
  });

  it("adds a snapshot plugin only for a region with volume snapshots", () => {
    const withoutSnapshots = { ...NATIONAL, backup: undefined };
    expect(addOnValues("velero", { environment: withoutSnapshots }).initContainers.map((c: { name: string }) => c.name)).toEqual(["velero-plugin-for-aws"]);
  });
});
