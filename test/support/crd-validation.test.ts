import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as examples from "./crd-examples";
import { crdExamples, type Manifest } from "./crd-examples";
import { crdsDir, loadCrdValidators, type CrdValidators, type ManifestProblem } from "./crd-validation";

const dir = crdsDir();

// A missing folder is a failure, never a skip.
test("the CRD folder exists", () => {
  expect(fs.existsSync(dir), `CRDs expected in ${dir}`).toBe(true);
});

/** A deep copy of `base` changed by `edit`. */
function variant(base: Manifest, edit: (m: any) => void): Manifest {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

const byPath = (a: ManifestProblem, b: ManifestProblem): number =>
  a.path === b.path ? a.message.localeCompare(b.message) : a.path.localeCompare(b.path);

describe("CRD validation against the real CRDs", () => {
  let crds: CrdValidators;
  const problems = (obj: unknown): ManifestProblem[] => [...crds.validate(obj)].sort(byPath);

  beforeAll(() => {
    crds = loadCrdValidators(dir);
  });

  describe("valid examples pass", () => {
    test.each(Object.entries(crdExamples))("%s", (_name, manifest) => {
      expect(crds.validate(manifest)).toEqual([]);
    });
  });

  describe("lookup", () => {
    test("has() knows the kinds and served versions we use", () => {
      for (const m of Object.values(crdExamples)) expect(crds.has(m.apiVersion, m.kind), `${m.apiVersion} ${m.kind}`).toBe(true);
      expect(crds.has("cluster.x-k8s.io/v1beta1", "Cluster")).toBe(true);
      expect(crds.has("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackCluster")).toBe(true);
    });

    test("has() is false for unknown versions, kinds and core objects", () => {
      expect(crds.has("cluster.x-k8s.io/v1alpha4", "Cluster")).toBe(false);
      expect(crds.has("cluster.x-k8s.io/v1beta2", "MachineSet")).toBe(false);
      expect(crds.has("apps/v1", "Deployment")).toBe(false);
      expect(crds.has("v1", "Namespace")).toBe(false);
    });

    test("versionInfo() tells storage and deprecated versions", () => {
      expect(crds.versionInfo("cluster.x-k8s.io/v1beta2", "Cluster")).toMatchObject({ served: true, storage: true, deprecated: false, scope: "Namespaced" });
      expect(crds.versionInfo("cluster.x-k8s.io/v1beta1", "Cluster")).toMatchObject({ served: true, storage: false, deprecated: true });
      expect(crds.versionInfo("infrastructure.cluster.x-k8s.io/v1beta2", "OpenStackMachineTemplate")).toMatchObject({ storage: true });
      expect(crds.versionInfo("velero.io/v1", "Schedule")).toMatchObject({ storage: true, plural: "schedules" });
      expect(crds.versionInfo("velero.io/v2", "Schedule")).toBeUndefined();
    });

    test("objects without a CRD are reported", () => {
      expect(crds.validate({ apiVersion: "cluster.x-k8s.io/v1alpha4", kind: "Cluster", metadata: { name: "a" } })).toEqual([
        { path: "", message: "no CRD for cluster.x-k8s.io/v1alpha4 Cluster" },
      ]);
      expect(crds.validate({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" } })).toEqual([
        { path: "", message: "no CRD for apps/v1 Deployment" },
      ]);
      expect(crds.validate({ metadata: { name: "a" } })).toEqual([{ path: "", message: "no CRD for undefined undefined" }]);
      expect(crds.validate("Cluster")).toEqual([{ path: "", message: "must be an object" }]);
    });
  });

  describe("metadata", () => {
    test("name is required and a DNS-1123 subdomain", () => {
      expect(problems(variant(examples.cluster, (m) => delete m.metadata.name))).toEqual([
        { path: "metadata.name", message: "missing required field 'name'" },
      ]);
      expect(problems(variant(examples.cluster, (m) => (m.metadata.name = "Ha_Noi")))).toEqual([
        {
          path: "metadata.name",
          message: "'Ha_Noi' must be a DNS-1123 subdomain (at most 253 lower-case alphanumeric characters, '-' or '.', starting and ending alphanumeric)",
        },
      ]);
      expect(problems(variant(examples.cluster, (m) => delete m.metadata))).toEqual([
        { path: "metadata", message: "missing required field 'metadata'" },
      ]);
    });

    test("namespace is a DNS-1123 label; labels and annotations are string maps; no unknown fields", () => {
      const bad = variant(examples.schedule, (m) => {
        m.metadata.namespace = "velero.system";
        m.metadata.labels = { "app.kubernetes.io/name": "velero", replicas: 3 };
        m.metadata.annotations = { note: "ok", "bad key!": "x" };
        m.metadata.label = { a: "b" };
      });
      expect(problems(bad)).toEqual([
        { path: 'metadata.annotations["bad key!"]', message: expect.stringMatching(/^key 'bad key!' name part must be/) },
        { path: "metadata.label", message: "unknown field 'label'" },
        { path: "metadata.labels.replicas", message: "must be string" },
        {
          path: "metadata.namespace",
          message: "'velero.system' must be a DNS-1123 label (at most 63 lower-case alphanumeric characters or '-', starting and ending alphanumeric)",
        },
      ]);
    });
  });

  describe("Cluster (cluster.x-k8s.io/v1beta2)", () => {
    test("a v1beta1-style ref (apiVersion instead of apiGroup) is rejected", () => {
      const bad = variant(examples.cluster, (m) => {
        m.spec.controlPlaneRef = { apiVersion: "controlplane.cluster.x-k8s.io/v1beta2", kind: "KubeadmControlPlane", name: "hanoi-control-plane" };
      });
      expect(problems(bad)).toEqual([
        { path: "spec.controlPlaneRef.apiGroup", message: "missing required field 'apiGroup'" },
        { path: "spec.controlPlaneRef.apiVersion", message: "unknown field 'apiVersion'" },
      ]);
    });

    test("unknown field, wrong type, missing required, pattern", () => {
      expect(problems(variant(examples.cluster, (m) => (m.spec.clusterNetwork.podCidr = "10.0.0.0/8")))).toEqual([
        { path: "spec.clusterNetwork.podCidr", message: "unknown field 'podCidr'" },
      ]);
      expect(problems(variant(examples.cluster, (m) => (m.spec.clusterNetwork.pods.cidrBlocks = "192.168.0.0/16")))).toEqual([
        { path: "spec.clusterNetwork.pods.cidrBlocks", message: "must be array" },
      ]);
      expect(problems(variant(examples.cluster, (m) => delete m.spec))).toEqual([{ path: "spec", message: "missing required field 'spec'" }]);
      expect(problems(variant(examples.cluster, (m) => delete m.spec.infrastructureRef.name))).toEqual([
        { path: "spec.infrastructureRef.name", message: "missing required field 'name'" },
      ]);
      expect(problems(variant(examples.cluster, (m) => (m.spec.controlPlaneRef.kind = "Kubeadm Control Plane")))).toEqual([
        { path: "spec.controlPlaneRef.kind", message: "must match pattern ^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$" },
      ]);
      expect(problems(variant(examples.cluster, (m) => (m.extra = true)))).toEqual([{ path: "extra", message: "unknown field 'extra'" }]);
    });

    test("topology variable values preserve unknown fields", () => {
      const topo = variant(examples.cluster, (m) => {
        delete m.spec.controlPlaneRef;
        delete m.spec.infrastructureRef;
        m.spec.topology = {
          classRef: { name: "govcloud-openstack" },
          version: examples.EXAMPLE_KUBERNETES_VERSION,
          variables: [{ name: "nodeImage", value: { name: "ubuntu-2404", any: { nested: [1, "two"] } } }],
        };
      });
      expect(problems(topo)).toEqual([]);
    });
  });

  describe("KubeadmControlPlane (controlplane.cluster.x-k8s.io/v1beta2)", () => {
    test("infrastructureRef belongs under machineTemplate.spec", () => {
      const bad = variant(examples.kubeadmControlPlane, (m) => {
        m.spec.machineTemplate = { infrastructureRef: m.spec.machineTemplate.spec.infrastructureRef };
      });
      expect(problems(bad)).toEqual([
        { path: "spec.machineTemplate.infrastructureRef", message: "unknown field 'infrastructureRef'" },
        { path: "spec.machineTemplate.spec", message: "missing required field 'spec'" },
      ]);
    });

    test("wrong types, int32 range, missing version, enum", () => {
      expect(problems(variant(examples.kubeadmControlPlane, (m) => (m.spec.replicas = "3")))).toEqual([
        { path: "spec.replicas", message: "must be integer" },
      ]);
      expect(problems(variant(examples.kubeadmControlPlane, (m) => (m.spec.replicas = 2 ** 31)))).toEqual([
        { path: "spec.replicas", message: "must be a valid int32" },
      ]);
      expect(problems(variant(examples.kubeadmControlPlane, (m) => delete m.spec.version))).toEqual([
        { path: "spec.version", message: "missing required field 'version'" },
      ]);
      expect(problems(variant(examples.kubeadmControlPlane, (m) => (m.spec.rollout.strategy.type = "Recreate")))).toEqual([
        { path: "spec.rollout.strategy.type", message: "must be one of: RollingUpdate" },
      ]);
    });

    test("kubeletExtraArgs is a list of {name, value} in v1beta2, not a map", () => {
      const bad = variant(examples.kubeadmControlPlane, (m) => {
        m.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs = { "cloud-provider": "external" };
      });
      expect(problems(bad)).toEqual([
        { path: "spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs", message: "must be array" },
      ]);
      const missingValue = variant(examples.kubeadmControlPlane, (m) => {
        m.spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs = [{ name: "cloud-provider" }];
      });
      expect(problems(missingValue)).toEqual([
        { path: "spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs[0].value", message: "missing required field 'value'" },
      ]);
    });
  });

  describe("MachineDeployment (cluster.x-k8s.io/v1beta2)", () => {
    test("missing required fields", () => {
      expect(problems(variant(examples.machineDeployment, (m) => delete m.spec.clusterName))).toEqual([
        { path: "spec.clusterName", message: "missing required field 'clusterName'" },
      ]);
      expect(problems(variant(examples.machineDeployment, (m) => delete m.spec.template.spec.bootstrap.configRef.kind))).toEqual([
        { path: "spec.template.spec.bootstrap.configRef.kind", message: "missing required field 'kind'" },
      ]);
    });

    test("int-or-string accepts both and nothing else", () => {
      const strategy = (v: unknown): Manifest =>
        variant(examples.machineDeployment, (m) => (m.spec.rollout.strategy.rollingUpdate = { maxSurge: v, maxUnavailable: v }));
      expect(problems(strategy(1))).toEqual([]);
      expect(problems(strategy("25%"))).toEqual([]);
      expect(problems(strategy(true))).toEqual([
        { path: "spec.rollout.strategy.rollingUpdate.maxSurge", message: "must be integer or string" },
        { path: "spec.rollout.strategy.rollingUpdate.maxUnavailable", message: "must be integer or string" },
      ]);
      expect(problems(strategy(1.5))).toEqual([
        { path: "spec.rollout.strategy.rollingUpdate.maxSurge", message: "must be integer or string" },
        { path: "spec.rollout.strategy.rollingUpdate.maxUnavailable", message: "must be integer or string" },
      ]);
    });

    test("enum and unknown field", () => {
      expect(problems(variant(examples.machineDeployment, (m) => (m.spec.rollout.strategy.type = "Recreate")))).toEqual([
        { path: "spec.rollout.strategy.type", message: "must be one of: RollingUpdate, OnDelete" },
      ]);
      expect(problems(variant(examples.machineDeployment, (m) => (m.spec.template.spec.failureDomains = ["az-1"])))).toEqual([
        { path: "spec.template.spec.failureDomains", message: "unknown field 'failureDomains'" },
      ]);
    });
  });

  describe("KubeadmConfigTemplate (bootstrap.cluster.x-k8s.io/v1beta2)", () => {
    test("missing template, misplaced field", () => {
      expect(problems(variant(examples.kubeadmConfigTemplate, (m) => (m.spec = {})))).toEqual([
        { path: "spec.template", message: "missing required field 'template'" },
      ]);
      const bad = variant(examples.kubeadmConfigTemplate, (m) => (m.spec.template.spec.kubeletExtraArgs = []));
      expect(problems(bad)).toEqual([{ path: "spec.template.spec.kubeletExtraArgs", message: "unknown field 'kubeletExtraArgs'" }]);
      expect(problems(variant(examples.kubeadmConfigTemplate, (m) => (m.spec.template.spec.format = "yaml")))).toEqual([
        { path: "spec.template.spec.format", message: "must be one of: cloud-config, ignition" },
      ]);
    });
  });

  describe("OpenStackCluster (infrastructure.cluster.x-k8s.io)", () => {
    test("v1beta2: identityRef required, uuid format, v1beta1 fields rejected", () => {
      expect(problems(variant(examples.openStackCluster, (m) => delete m.spec.identityRef))).toEqual([
        { path: "spec.identityRef", message: "missing required field 'identityRef'" },
      ]);
      expect(problems(variant(examples.openStackCluster, (m) => delete m.spec.identityRef.cloudName))).toEqual([
        { path: "spec.identityRef.cloudName", message: "missing required field 'cloudName'" },
      ]);
      expect(problems(variant(examples.openStackCluster, (m) => (m.spec.identityRef.type = "Token")))).toEqual([
        { path: "spec.identityRef.type", message: "must be one of: Secret, ClusterIdentity" },
      ]);
      expect(problems(variant(examples.openStackCluster, (m) => (m.spec.externalNetwork = { id: "public" })))).toEqual([
        { path: "spec.externalNetwork.id", message: "must be a valid uuid" },
      ]);
      expect(problems(variant(examples.openStackCluster, (m) => (m.spec.disableAPIServerFloatingIP = true)))).toEqual([
        { path: "spec.disableAPIServerFloatingIP", message: "unknown field 'disableAPIServerFloatingIP'" },
      ]);
    });

    test("v1beta1 is still served with its own shape (identityRef.type is defaulted, so not required)", () => {
      const v1beta1 = {
        apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1",
        kind: "OpenStackCluster",
        metadata: { name: "hanoi", namespace: "capi-hanoi" },
        spec: {
          identityRef: { name: "hanoi-cloud-config", cloudName: "openstack" },
          disableAPIServerFloatingIP: true,
          apiServerLoadBalancer: { enabled: true },
          managedSubnets: [{ cidr: "10.6.0.0/24" }],
        },
      };
      expect(problems(v1beta1)).toEqual([]);
      expect(problems({ ...examples.openStackCluster, apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1" })).toEqual([
        { path: "spec.apiServer", message: "unknown field 'apiServer'" },
      ]);
    });
  });

  describe("OpenStackMachineTemplate (infrastructure.cluster.x-k8s.io)", () => {
    test("v1beta2: flavor and image are one-of objects and required", () => {
      expect(problems(variant(examples.openStackMachineTemplate, (m) => (m.spec.template.spec.flavor = "m1.large")))).toEqual([
        { path: "spec.template.spec.flavor", message: "must be object" },
      ]);
      expect(problems(variant(examples.openStackMachineTemplate, (m) => delete m.spec.template.spec.image))).toEqual([
        { path: "spec.template.spec.image", message: "missing required field 'image'" },
      ]);
      expect(
        problems(variant(examples.openStackMachineTemplate, (m) => (m.spec.template.spec.flavor = { id: "3", filter: { name: "m1.large" } }))),
      ).toEqual([{ path: "spec.template.spec.flavor", message: "must have at most 1 fields" }]);
      expect(problems(variant(examples.openStackMachineTemplate, (m) => (m.spec.template.spec.rootVolume.sizeGiB = 0)))).toEqual([
        { path: "spec.template.spec.rootVolume.sizeGiB", message: "must be >= 1" },
      ]);
      expect(problems(variant(examples.openStackMachineTemplate, (m) => (m.spec.template.spec.securityGroups[0].filter.nam = "x")))).toEqual([
        { path: "spec.template.spec.securityGroups[0].filter.nam", message: "unknown field 'nam'" },
      ]);
    });

    test("the schema follows apiVersion: a v1beta2 spec under v1beta1 fails", () => {
      expect(problems({ ...examples.openStackMachineTemplate, apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1" })).toEqual([
        { path: "spec.template.spec.flavor", message: "must be string" },
      ]);
    });
  });

  describe("Velero (velero.io/v1)", () => {
    test("BackupStorageLocation: required fields, string-only config, enum, credential selector", () => {
      expect(problems(variant(examples.backupStorageLocation, (m) => delete m.spec.provider))).toEqual([
        { path: "spec.provider", message: "missing required field 'provider'" },
      ]);
      expect(problems(variant(examples.backupStorageLocation, (m) => delete m.spec.objectStorage.bucket))).toEqual([
        { path: "spec.objectStorage.bucket", message: "missing required field 'bucket'" },
      ]);
      expect(problems(variant(examples.backupStorageLocation, (m) => (m.spec.config.s3ForcePathStyle = true)))).toEqual([
        { path: "spec.config.s3ForcePathStyle", message: "must be string" },
      ]);
      expect(problems(variant(examples.backupStorageLocation, (m) => (m.spec.accessMode = "ReadOnlyMany")))).toEqual([
        { path: "spec.accessMode", message: "must be one of: ReadOnly, ReadWrite" },
      ]);
      expect(problems(variant(examples.backupStorageLocation, (m) => (m.spec.credential = { secretName: "velero-s3-credentials" })))).toEqual([
        { path: "spec.credential.key", message: "missing required field 'key'" },
        { path: "spec.credential.secretName", message: "unknown field 'secretName'" },
      ]);
      expect(problems(variant(examples.backupStorageLocation, (m) => (m.spec.objectStorage.caCert = "not base64!")))).toEqual([
        { path: "spec.objectStorage.caCert", message: "must be a valid byte" },
      ]);
    });

    test("VolumeSnapshotLocation: provider required, unknown field", () => {
      expect(problems(variant(examples.volumeSnapshotLocation, (m) => delete m.spec.provider))).toEqual([
        { path: "spec.provider", message: "missing required field 'provider'" },
      ]);
      expect(problems(variant(examples.volumeSnapshotLocation, (m) => (m.spec.region = "hanoi")))).toEqual([
        { path: "spec.region", message: "unknown field 'region'" },
      ]);
    });

    test("Schedule: schedule and template required, template is a Backup spec", () => {
      expect(problems(variant(examples.schedule, (m) => delete m.spec.schedule))).toEqual([
        { path: "spec.schedule", message: "missing required field 'schedule'" },
      ]);
      expect(problems(variant(examples.schedule, (m) => (m.spec.template.ttl = 2592000)))).toEqual([
        { path: "spec.template.ttl", message: "must be string" },
      ]);
      expect(problems(variant(examples.schedule, (m) => (m.spec.template.includedNamespace = ["*"])))).toEqual([
        { path: "spec.template.includedNamespace", message: "unknown field 'includedNamespace'" },
      ]);
      // Velero marks many fields nullable.
      expect(problems(variant(examples.schedule, (m) => (m.spec.template.includedNamespaces = null)))).toEqual([]);
    });

    test("Restore and Backup: wrong types and unknown fields", () => {
      expect(problems(variant(examples.restore, (m) => (m.spec.restorePVs = "yes")))).toEqual([
        { path: "spec.restorePVs", message: "must be boolean" },
      ]);
      expect(problems(variant(examples.restore, (m) => (m.spec.backup = "daily")))).toEqual([
        { path: "spec.backup", message: "unknown field 'backup'" },
      ]);
      expect(problems(variant(examples.backup, (m) => (m.spec.includedNamespaces = "tenant-a")))).toEqual([
        { path: "spec.includedNamespaces", message: "must be array" },
      ]);
    });
  });
});

describe("CRD validation mechanics (synthetic CRDs)", () => {
  let tmp: string;
  let crds: CrdValidators;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-crds-"));
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.govcloud.test" },
      spec: {
        group: "example.govcloud.test",
        names: { kind: "Widget", plural: "widgets" },
        scope: "Cluster",
        versions: [
          { name: "v1alpha1", served: false, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  apiVersion: { type: "string" },
                  kind: { type: "string" },
                  metadata: { type: "object" },
                  spec: {
                    type: "object",
                    required: ["size", "mode"],
                    "x-kubernetes-validations": [{ rule: "self.size > 0" }],
                    properties: {
                      size: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
                      mode: { type: "string", enum: ["a", "b"], default: "a" },
                      window: { type: "string", format: "duration" },
                      checksum: { type: "string", format: "sha256-hex" },
                      template: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object" } } },
                      raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "string" } } },
                      tags: { type: "object", additionalProperties: { type: "string" } },
                      items: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", required: ["name"], properties: { name: { type: "string" } } } },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    fs.writeFileSync(path.join(tmp, "widgets.yaml"), `# comment\n---\n${JSON.stringify(crd)}\n---\nkind: ConfigMap\napiVersion: v1\n`);
    fs.writeFileSync(path.join(tmp, "README.md"), "not a CRD");
    crds = loadCrdValidators(tmp);
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const widget = (spec: unknown, metadata: unknown = { name: "w1" }): unknown => ({
    apiVersion: "example.govcloud.test/v1",
    kind: "Widget",
    metadata,
    spec,
  });

  test("served versions only", () => {
    expect(crds.has("example.govcloud.test/v1", "Widget")).toBe(true);
    expect(crds.has("example.govcloud.test/v1alpha1", "Widget")).toBe(false);
    expect(crds.validate({ apiVersion: "example.govcloud.test/v1alpha1", kind: "Widget", metadata: { name: "w" } })).toEqual([
      { path: "", message: "no CRD for example.govcloud.test/v1alpha1 Widget" },
    ]);
  });

  test("extensions: int-or-string, defaulted required, embedded resource, preserve-unknown-fields, CEL and list markers ignored", () => {
    expect(crds.validate(widget({ size: 3 }))).toEqual([]);
    expect(crds.validate(widget({ size: "3Gi", mode: "b", window: "1h30m", checksum: "anything" }))).toEqual([]);
    expect(crds.validate(widget({ size: 0, raw: { known: "x", unknown: { deep: [1] } } }))).toEqual([]);
    expect(crds.validate(widget({ size: 1, template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} } }))).toEqual([]);
    expect(crds.validate(widget({ size: 1, items: [{ name: "a" }], tags: { a: "b" } }))).toEqual([]);
  });

  test("problems", () => {
    const got = [
      ...crds.validate(
        widget({
          size: false,
          mode: "c",
          window: "soon",
          template: { spec: {}, status: {} },
          raw: { known: 1 },
          tags: { a: 1 },
          items: [{ name: "a" }, {}],
        }),
      ),
    ].sort(byPath);
    expect(got).toEqual([
      { path: "spec.items[1].name", message: "missing required field 'name'" },
      { path: "spec.mode", message: "must be one of: a, b" },
      { path: "spec.raw.known", message: "must be string" },
      { path: "spec.size", message: "must be integer or string" },
      { path: "spec.tags.a", message: "must be string" },
      { path: "spec.template.apiVersion", message: "missing required field 'apiVersion'" },
      { path: "spec.template.kind", message: "missing required field 'kind'" },
      { path: "spec.template.status", message: "unknown field 'status'" },
      { path: "spec.window", message: "must be a valid duration" },
    ]);
    expect(crds.validate(widget({ size: 1 }, { name: "w", namespace: "default" }))).toEqual([
      { path: "metadata.namespace", message: "must not be set on a cluster-scoped resource" },
    ]);
  });

  test("a missing folder or a folder without CRD files is an error", () => {
    expect(() => loadCrdValidators(path.join(tmp, "missing"))).toThrow(/does not exist/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-crds-empty-"));
    try {
      expect(() => loadCrdValidators(empty)).toThrow(/no \.yaml/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
