import { describe, expect, it } from "vitest";
import { PlatformSchema } from "../../../environments/schema";
import { ADD_ON_NAMES, ADD_ONS, addOnProblems, installationOrder, installedDependencies, clusterAddresses, installedAddOns, systemPlacement } from "../../../estate/add-ons";

const namespaces = {
  "cert-manager": {},
  "ingress-nginx": {},
  kyverno: {},
  monitoring: { podSecurity: "privileged", exemptionReason: "node-exporter reads the host" },
};
const priorityClasses = { "govcloud-platform-critical": { value: 1000000, description: "platform" } };

/** Problems of `platform` (valid for its schema) as the estate reports them: path below `platform` and message. */
function issues(platform: Record<string, unknown>): string[] {
  return addOnProblems(PlatformSchema.parse(platform)).map((p) => `${p.path.join(".")}: ${p.message}`);
}

describe("platform.addOns, checked by the estate", () => {
  it("accepts every known add-on, each with its namespace at the level it needs", () => {
    const addOns = Object.fromEntries(ADD_ON_NAMES.map((n) => [n, {}]));
    const all = Object.fromEntries(
      ADD_ON_NAMES.map((n) => [ADD_ONS[n].namespace, ADD_ONS[n].podSecurity === "restricted" ? {} : { podSecurity: ADD_ONS[n].podSecurity, exemptionReason: ADD_ONS[n].podSecurityReason }]),
    );
    expect(issues({ namespaces: all, priorityClasses, addOns })).toEqual([]);
  });

  it("rejects an unknown add-on and lists the known ones", () => {
    expect(issues({ namespaces, priorityClasses, addOns: { "ingress-ngnix": { enabled: false } } })).toEqual([
      `addOns.ingress-ngnix: unknown add-on 'ingress-ngnix'; known add-ons: ${ADD_ON_NAMES.join(", ")}`,
    ]);
  });

  it("rejects an enabled add-on whose namespace is not declared, but not a disabled one", () => {
    expect(issues({ namespaces, priorityClasses, addOns: { velero: { version: "10.0.13" }, kepler: { enabled: false } } })).toEqual([
      "addOns.velero: needs the platform namespace 'velero': declare it under platform.namespaces, or set enabled: false",
    ]);
  });

  it("rejects a namespace whose Pod Security level its add-on cannot run under", () => {
    expect(issues({ namespaces: { ...namespaces, monitoring: {} }, priorityClasses })).toEqual([
      "namespaces.monitoring.podSecurity: is 'restricted' but add-on 'monitoring' needs 'privileged' (node-exporter uses the host network, PID namespace and hostPath mounts); raise it with an exemptionReason, or disable the add-on with platform.addOns.monitoring.enabled: false",
    ]);
    expect(issues({ namespaces: { ...namespaces, monitoring: {} }, priorityClasses, addOns: { monitoring: { enabled: false } } })).toEqual([]);
  });

  it("requires the platform priority class when any add-on is installed", () => {
    expect(issues({ namespaces })).toEqual([
      "priorityClasses: must declare 'govcloud-platform-critical': the platform add-ons (cert-manager, ingress-nginx, kyverno, monitoring) run at that priority",
    ]);
    expect(issues({ namespaces: { "govcloud-system": {} } })).toEqual([]);
  });

  it("rejects credentials written into values", () => {
    expect(
      issues({
        namespaces: { ...namespaces, velero: { podSecurity: "privileged", exemptionReason: "node-agent reads hostPath" } },
        priorityClasses,
        addOns: {
          velero: { values: { credentials: { secretContents: { cloud: "[default]\naws_secret_access_key=x" } } } },
          monitoring: { values: { grafana: { adminPassword: "admin" } } },
        },
      }),
    ).toEqual([
      "addOns.velero.values.credentials.secretContents: must not hold a credential: create a Secret in the cluster and reference it (for example credentials.existingSecret)",
      "addOns.monitoring.values.grafana.adminPassword: must not hold a credential: create a Secret in the cluster and reference it (for example credentials.existingSecret)",
    ]);
  });

  it("reports every problem at once", () => {
    const problems = addOnProblems({
      namespaces: {},
      priorityClasses: {},
      addOns: { nope: { enabled: true, values: {} }, velero: { enabled: true, values: { credentials: { secretContents: { cloud: "x" } } } } },
    });
    expect(problems.map((p) => p.path.join("."))).toEqual(["addOns.nope", "addOns.velero", "addOns.velero.values.credentials.secretContents"]);
  });
});

describe("installedAddOns", () => {
  it("installs what has a namespace and is not disabled, in catalogue order", () => {
    const declared = PlatformSchema.parse({ namespaces, priorityClasses }).namespaces;
    expect(installedAddOns({ namespaces: declared, addOns: { kyverno: { enabled: false, values: {} } } })).toEqual([
      "cert-manager",
      "ingress-nginx",
      "monitoring",
    ]);
  });
});

describe("systemPlacement", () => {
  const pool = { count: 1, cpu: 8, memoryGiB: 32, diskGiB: 100, gpus: 0, labels: {} };

  it("selects system nodes and tolerates exactly the system pools' taints, once each", () => {
    const placement = systemPlacement({
      nodePools: {
        a: { ...pool, role: "system", taints: [{ key: "govcloud.gov.vn/system", effect: "NoSchedule" }] },
        b: { ...pool, role: "system", taints: [{ key: "govcloud.gov.vn/system", effect: "NoSchedule" }, { key: "dedicated", value: "platform", effect: "NoExecute" }] },
        gpu: { ...pool, role: "gpu", taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] },
      },
    });
    expect(placement).toEqual({
      nodeSelector: { "node-role.govcloud.gov.vn/role": "system" },
      tolerations: [
        { key: "dedicated", operator: "Equal", value: "platform", effect: "NoExecute" },
        { key: "govcloud.gov.vn/system", operator: "Exists", effect: "NoSchedule" },
      ],
    });
  });

  it("places anywhere when the cluster has no system pool", () => {
    expect(systemPlacement({ nodePools: { general: { ...pool, role: "general", taints: [] } } })).toEqual({ nodeSelector: {}, tolerations: [] });
  });
});

describe("clusterAddresses", () => {
  const network = { pods: "10.244.0.0/16", services: "10.96.0.0/12", nodes: "10.10.0.0/22", dnsServers: [] };

  it("knows the node subnet and service range of provisioned clusters", () => {
    expect(clusterAddresses({ provider: "openstack" }, { network })).toEqual({
      kubernetesApi: ["10.10.0.0/22", "10.96.0.0/12"],
      nodes: ["10.10.0.0/22"],
    });
  });

  it("falls back to anywhere for clusters that already exist", () => {
    expect(clusterAddresses({ provider: "existing" }, { network })).toEqual({ kubernetesApi: ["0.0.0.0/0"], nodes: ["0.0.0.0/0"] });
  });
});

describe("installationOrder", () => {
  it("puts every add-on after the installed add-ons it declares a dependency on, otherwise in name order", () => {
    const order = installationOrder(ADD_ON_NAMES);
    for (const name of ADD_ON_NAMES) {
      for (const dependency of installedDependencies(name, ADD_ON_NAMES)) expect(order.indexOf(dependency), `${name} after ${dependency}`).toBeLessThan(order.indexOf(name));
    }
    expect(installationOrder(["velero", "cert-manager"])).toEqual(["cert-manager", "velero"]);
    expect(installedDependencies("velero", ["velero", "cert-manager"])).toEqual([]);
  });
});
