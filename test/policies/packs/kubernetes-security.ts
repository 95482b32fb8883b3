/**
 * kubernetes-security: every rule has a compliant and a non-compliant fixture. Workload
 * fixtures are one for_each block over two agencies where only `agency-b/web` violates, so each
 * finding must name that instance's address.
 */
import { describe, expect, it } from "vitest";
import { APPROVAL_ANNOTATION } from "../../../policies/kubernetes-security/services-not-exposed-without-approval";
import { at, check, COMPLIANT, IMAGE, plain, POD_KINDS, summary, typedPodSpec, workloadBody, workloads } from "../support";

const DEPLOYMENT = "kubernetes_deployment_v1";
const B = at(DEPLOYMENT, "b");

describe("containers-run-as-non-root", () => {
  const rule = "containers-run-as-non-root";
  it.each(POD_KINDS)("passes a compliant %s", async (kind) => {
    expect(await check(rule, workloads(kind))).toEqual([]);
  });
  it.each(POD_KINDS)("names the one instance of a %s that may run as root", async (kind) => {
    const findings = await check(rule, workloads(kind, { non_root: null, pod_non_root: false }));
    expect(summary(findings)).toEqual([
      `${at(kind, "b")}: container "web" does not set securityContext.runAsNonRoot to true (on the container or the pod; it is false)`,
    ]);
  });
  it("takes the pod's setting when the container has none, and rejects user 0", async () => {
    expect(await check(rule, workloads(DEPLOYMENT, { non_root: null }))).toEqual([]);
    expect(summary(await check(rule, workloads(DEPLOYMENT, { user: 0 })))).toEqual([
      `${B}: container "web" runs as user 0 (root): set securityContext.runAsUser to a non-zero id`,
    ]);
  });
});

describe("containers-disallow-privilege-escalation", () => {
  const rule = "containers-disallow-privilege-escalation";
  it("passes a compliant workload", async () => {
    expect(await check(rule, workloads(DEPLOYMENT))).toEqual([]);
  });
  it("flags an unset allowPrivilegeEscalation and a privileged container", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { allow_privilege_escalation: null, privileged: true })))).toEqual([
      `${B}: container "web" does not set securityContext.allowPrivilegeEscalation to false (it is null)`,
      `${B}: container "web" is privileged (securityContext.privileged: true)`,
    ]);
  });
});

describe("containers-drop-all-capabilities", () => {
  const rule = "containers-drop-all-capabilities";
  it("passes a container that drops ALL and adds NET_BIND_SERVICE only", async () => {
    expect(await check(rule, workloads(DEPLOYMENT, { cap_add: ["NET_BIND_SERVICE"] }))).toEqual([]);
  });
  it("flags a container that keeps capabilities or adds others", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { cap_drop: ["NET_RAW"], cap_add: ["SYS_ADMIN"] })))).toEqual([
      `${B}: container "web" does not drop ALL capabilities (securityContext.capabilities.drop)`,
      `${B}: container "web" adds capabilities "SYS_ADMIN"; only NET_BIND_SERVICE may be added`,
    ]);
  });
});

describe("containers-read-only-root-filesystem", () => {
  const rule = "containers-read-only-root-filesystem";
  it("passes a read-only root file system", async () => {
    expect(await check(rule, workloads(DEPLOYMENT))).toEqual([]);
  });
  it("flags a writable one", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { read_only: false })))).toEqual([
      `${B}: container "web" does not set securityContext.readOnlyRootFilesystem to true (it is false)`,
    ]);
  });
});

describe("pods-use-runtime-default-seccomp", () => {
  const rule = "pods-use-runtime-default-seccomp";
  it("passes RuntimeDefault on the pod when the container sets none", async () => {
    expect(await check(rule, workloads(DEPLOYMENT, { seccomp: null }))).toEqual([]);
  });
  it("flags an Unconfined container", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { seccomp: "Unconfined" })))).toEqual([
      `${B}: container "web" has no RuntimeDefault seccomp profile (securityContext.seccompProfile.type on the pod or the container is "Unconfined")`,
    ]);
  });
});

describe("containers-set-requests-and-limits", () => {
  const rule = "containers-set-requests-and-limits";
  it("passes cpu and memory requests and limits", async () => {
    expect(await check(rule, workloads(DEPLOYMENT))).toEqual([]);
  });
  it("flags what is missing", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { limits: { memory: "512Mi" } })))).toEqual([
      `${B}: container "web" does not set resources limits.cpu`,
    ]);
  });
});

describe("containers-have-probes", () => {
  const rule = "containers-have-probes";
  const withoutProbes = () => {
    const spec = typedPodSpec();
    const [container] = spec.container as Record<string, unknown>[];
    delete container!.liveness_probe;
    delete container!.readiness_probe;
    return spec;
  };
  it("passes a container with both probes", async () => {
    expect(await check(rule, workloads(DEPLOYMENT))).toEqual([]);
  });
  it("flags a long-running container without probes, but not a Job", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, {}, workloadBody(DEPLOYMENT, withoutProbes()))))).toEqual([
      `${at(DEPLOYMENT, "a")}: container "web" has no livenessProbe and no readinessProbe`,
      `${B}: container "web" has no livenessProbe and no readinessProbe`,
    ]);
    expect(await check(rule, workloads("kubernetes_cron_job_v1", {}, workloadBody("kubernetes_cron_job_v1", withoutProbes())))).toEqual([]);
  });
});

describe("images-from-in-country-registries-pinned", () => {
  const rule = "images-from-in-country-registries-pinned";
  it("passes a digest-pinned image from an allowed registry", async () => {
    expect(await check(rule, workloads(DEPLOYMENT))).toEqual([]);
  });
  it("flags a public, unpinned image on the one instance that uses it", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { image: "nginx:1.27" })))).toEqual([
      `${B}: container "web" pulls nginx:1.27 from docker.io, which is not an in-country registry (allowed: registry.north.govcloud.gov.vn)`,
      `${B}: container "web" image nginx:1.27 is not pinned by digest (@sha256:<64 hex digits>)`,
    ]);
  });
  it("flags a tag-pinned image from the allowed registry", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { image: IMAGE.replace(/@.*/, ":latest") })))).toEqual([
      `${B}: container "web" image registry.north.govcloud.gov.vn/agency-a/web:latest is not pinned by digest (@sha256:<64 hex digits>)`,
    ]);
  });
});

describe("no-host-namespaces-or-host-paths", () => {
  const rule = "no-host-namespaces-or-host-paths";
  it("passes a pod that shares nothing with the node", async () => {
    expect(await check(rule, workloads(DEPLOYMENT))).toEqual([]);
  });
  it("flags host namespaces and host ports on the instance that sets them", async () => {
    expect(summary(await check(rule, workloads(DEPLOYMENT, { host_network: true, host_pid: true, host_port: 8080 })))).toEqual([
      `${B}: the pod shares the node's namespace: hostNetwork is true`,
      `${B}: the pod shares the node's namespace: hostPID is true`,
      `${B}: container "web" binds host port 8080`,
    ]);
  });
  it("flags a hostPath volume", async () => {
    const spec = typedPodSpec();
    spec.volume = [{ name: "root", host_path: { path: "/" } }];
    expect(summary(await check(rule, workloads("kubernetes_pod_v1", {}, workloadBody("kubernetes_pod_v1", spec))))).toEqual([
      `${at("kubernetes_pod_v1", "a")}: volume "root" mounts a hostPath from the node`,
      `${at("kubernetes_pod_v1", "b")}: volume "root" mounts a hostPath from the node`,
    ]);
  });
});

describe("services-not-exposed-without-approval", () => {
  const rule = "services-not-exposed-without-approval";
  const service = (type: string, annotations: Record<string, string> = {}) => ({
    for_each: { "agency-a/web": { type: "ClusterIP" }, "agency-b/web": { type } },
    metadata: { name: "web", annotations },
    spec: { type: "${each.value.type}", port: [{ port: 80, target_port: "http" }] },
  });
  it("passes ClusterIP services and approved LoadBalancers", async () => {
    expect(await check(rule, plain({ kubernetes_service_v1: { web: service("ClusterIP") } }))).toEqual([]);
    expect(await check(rule, plain({ kubernetes_service_v1: { web: service("LoadBalancer", { [APPROVAL_ANNOTATION]: "123/QĐ-BTC" }) } }))).toEqual([]);
  });
  it("flags the instance exposed without approval", async () => {
    expect(summary(await check(rule, plain({ kubernetes_service_v1: { web: service("NodePort") } })))).toEqual([
      `kubernetes_service_v1.web["agency-b/web"]: the service is of type NodePort, reachable from outside the cluster, without an approval: record the decision in the ${APPROVAL_ANNOTATION} annotation`,
    ]);
  });
});

describe("helm-values-not-privileged", () => {
  const rule = "helm-values-not-privileged";
  const release = (name: string, values: string[], set: { name: string; value: string }[] = []) => ({ name, chart: name, values, ...(set.length > 0 ? { set } : {}) });
  it("passes restricted values and the exempted paths of the add-ons that need the node", async () => {
    const doc = plain({
      helm_release: {
        kepler: release("kepler", ["daemonset:\n  securityContext:\n    privileged: true\n"]),
        monitoring: release("monitoring", ["prometheus-node-exporter:\n  hostNetwork: true\n  hostPID: true\ngrafana:\n  containerSecurityContext:\n    allowPrivilegeEscalation: false\n"]),
        velero: release("velero", ["nodeAgent:\n  privileged: true\n"]),
      },
    });
    expect(await check(rule, doc)).toEqual([]);
  });
  it("flags every other privileged setting, in values documents, set entries and list items", async () => {
    const doc = plain({
      helm_release: {
        monitoring: release(
          "monitoring",
          ["grafana:\n  securityContext:\n    privileged: true\n", "prometheus-node-exporter:\n  hostIPC: true\nextraContainers:\n  - name: debug\n    securityContext:\n      allowPrivilegeEscalation: true\n"],
          [{ name: "kube-state-metrics.hostNetwork", value: "true" }],
        ),
        kepler: release("kepler", ["daemonset:\n  hostPID: true\n"]),
      },
    });
    expect(summary(await check(rule, doc))).toEqual([
      "helm_release.kepler: release kepler sets daemonset.hostPID: true in its values; no exemption allows it for this release and path",
      "helm_release.monitoring: release monitoring sets grafana.securityContext.privileged: true in its values; no exemption allows it for this release and path",
      "helm_release.monitoring: release monitoring sets prometheus-node-exporter.hostIPC: true in its values; no exemption allows it for this release and path",
      "helm_release.monitoring: release monitoring sets extraContainers[0].securityContext.allowPrivilegeEscalation: true in its values; no exemption allows it for this release and path",
      "helm_release.monitoring: release monitoring sets kube-state-metrics.hostNetwork=true (set); no exemption allows it for this release and path",
    ]);
  });
  it("refuses values it cannot read without YAML aliases, and takes exemptions from its configuration", async () => {
    const aliased = plain({ helm_release: { x: release("x", ["ctx: &ctx\n  privileged: true\npod:\n  securityContext: *ctx\n"]) } });
    expect(summary(await check(rule, aliased))).toEqual([
      expect.stringMatching(/^helm_release\.x: release x: values document 1 cannot be read without resolving YAML aliases/),
    ]);
    const listed = plain({ helm_release: { x: release("x", ["sidecars:\n  - securityContext:\n      privileged: true\n"]) } });
    const exemptions = { x: { "sidecars[*].securityContext.privileged": "the vendor's storage driver needs the host" } };
    expect(await check(rule, listed, { config: { [rule]: { exemptions } } })).toEqual([]);
  });
});

it("the compliant fixture really is compliant with every kubernetes-security rule", async () => {
  const rules = [
    "containers-run-as-non-root",
    "containers-disallow-privilege-escalation",
    "containers-drop-all-capabilities",
    "containers-read-only-root-filesystem",
    "pods-use-runtime-default-seccomp",
    "containers-set-requests-and-limits",
    "containers-have-probes",
    "images-from-in-country-registries-pinned",
    "no-host-namespaces-or-host-paths",
  ];
  for (const kind of POD_KINDS) expect(await check(rules, workloads(kind, COMPLIANT))).toEqual([]);
});
