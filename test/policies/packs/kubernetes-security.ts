/**
 * kubernetes-security: every rule has a compliant and a non-compliant fixture. Workload
 * fixtures are one for_each block over two agencies where only `agency-b/web` violates, so each
 * finding must name that instance's address.
 */
import { describe, expect, it } from "vitest";
import { APPROVAL_ANNOTATION } from "../../../policies/kubernetes-security/services-not-exposed-without-approval";
import { NAMESPACED_TYPES } from "../../../policies/kubernetes-security/workloads-not-in-default-namespace";
import type { TerraformJsonDocument } from "../../../policies/engine/expand";
import { at, check, COMPLIANT, DIGEST, IMAGE, plain, POD_KINDS, type PodKind, podWith, REGISTRY, summary, typedPodSpec, workloadBody, workloads } from "../support";

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

// --- every pod rule over every resource type with a pod template ------------------------------

interface PodCase {
  readonly rule: string;
  /** The failing fixture for a resource type. */
  readonly bad: (kind: PodKind) => Record<string, TerraformJsonDocument>;
  /** The findings it must give, as `address: message`. */
  readonly expected: (kind: PodKind) => string[];
}

const onB = (...messages: string[]) => (kind: PodKind) => messages.map((m) => `${at(kind, "b")}: ${m}`);
const onBoth = (...messages: string[]) => (kind: PodKind) => (["a", "b"] as const).flatMap((x) => messages.map((m) => `${at(kind, x)}: ${m}`));
const container = (spec: Record<string, any>, m: boolean): Record<string, any> => (m ? spec.containers[0] : spec.container[0]);

const POD_CASES: readonly PodCase[] = [
  {
    rule: "containers-run-as-non-root",
    bad: (kind) => workloads(kind, { non_root: null, pod_non_root: false }),
    expected: onB('container "web" does not set securityContext.runAsNonRoot to true (on the container or the pod; it is false)'),
  },
  {
    rule: "containers-disallow-privilege-escalation",
    bad: (kind) => workloads(kind, { allow_privilege_escalation: null, privileged: true }),
    expected: onB('container "web" does not set securityContext.allowPrivilegeEscalation to false (it is null)', 'container "web" is privileged (securityContext.privileged: true)'),
  },
  {
    rule: "containers-drop-all-capabilities",
    bad: (kind) => workloads(kind, { cap_drop: ["NET_RAW"], cap_add: ["SYS_ADMIN", "NET_RAW"] }),
    expected: onB('container "web" does not drop ALL capabilities (securityContext.capabilities.drop)', 'container "web" adds capabilities "SYS_ADMIN", "NET_RAW"; only NET_BIND_SERVICE may be added'),
  },
  {
    rule: "containers-read-only-root-filesystem",
    bad: (kind) => workloads(kind, { read_only: false }),
    expected: onB('container "web" does not set securityContext.readOnlyRootFilesystem to true (it is false)'),
  },
  {
    rule: "pods-use-runtime-default-seccomp",
    bad: (kind) => workloads(kind, { seccomp: "Unconfined" }),
    expected: onB('container "web" has no RuntimeDefault seccomp profile (securityContext.seccompProfile.type on the pod or the container is "Unconfined")'),
  },
  {
    // A pod with no resources at all fails on every one of them.
    rule: "containers-set-requests-and-limits",
    bad: (kind) => podWith(kind, (spec, m) => void delete container(spec, m).resources),
    expected: onBoth('container "web" does not set resources requests.cpu, requests.memory, limits.cpu, limits.memory'),
  },
  {
    rule: "images-from-in-country-registries-pinned",
    bad: (kind) => workloads(kind, { image: "nginx:latest" }),
    expected: onB(
      'container "web" pulls nginx:latest from docker.io, which is not an in-country registry (allowed: registry.north.govcloud.gov.vn)',
      'container "web" image nginx:latest is not pinned by digest (@sha256:<64 hex digits>)',
    ),
  },
  {
    rule: "no-host-namespaces-or-host-paths",
    bad: (kind) => workloads(kind, { host_network: true, host_pid: true, host_port: 8080 }),
    expected: onB("the pod shares the node's namespace: hostNetwork is true", "the pod shares the node's namespace: hostPID is true", 'container "web" binds host port 8080'),
  },
  {
    rule: "pods-and-containers-set-security-context",
    bad: (kind) =>
      podWith(kind, (spec, m) => {
        delete spec[m ? "securityContext" : "security_context"];
        delete container(spec, m)[m ? "securityContext" : "security_context"];
      }),
    expected: onBoth("the pod sets no securityContext (spec.securityContext)", 'container "web" sets no securityContext'),
  },
  {
    rule: "pods-set-no-unsafe-security-options",
    bad: (kind) =>
      workloads(kind, {
        sysctls: [{ name: "kernel.msgmax", value: "65536" }],
        pod_annotations: { "container.apparmor.security.beta.kubernetes.io/web": "unconfined" },
        se_linux: { type: "spc_t", user: "system_u" },
      }),
    expected: onB(
      'the pod sets sysctl "kernel.msgmax", which is not one of the safe, pod-namespaced sysctls',
      'annotation container.apparmor.security.beta.kubernetes.io/web sets AppArmor profile "unconfined"; use runtime/default or a localhost/ profile',
      'the pod sets seLinuxOptions.type to "spc_t"; only container_t, container_init_t, container_kvm_t or container_engine_t are allowed',
      'the pod sets seLinuxOptions.user to "system_u"; a custom SELinux user is not allowed',
    ),
  },
  {
    rule: "pods-use-restricted-volume-types",
    bad: (kind) => podWith(kind, (spec, m) => (m ? spec.volumes : spec.volume).push({ name: "shared", nfs: { server: "nfs.example", path: "/export" } })),
    expected: onBoth('volume "shared" is a nfs volume; the restricted profile allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret'),
  },
  {
    rule: "workloads-not-in-default-namespace",
    bad: (kind) => workloads(kind, { namespace: "default" }),
    expected: (kind) => onB(kind === "kubernetes_manifest" ? "the Deployment is in the default namespace" : "the object is in the default namespace")(kind),
  },
  {
    rule: "default-service-accounts-not-used",
    bad: (kind) => workloads(kind, { service_account: null, automount: null }),
    expected: onB("the pod runs as the default service account and mounts its token (automount_service_account_token is null); name a dedicated service account or set it to false"),
  },
  {
    rule: "containers-always-pull-images",
    bad: (kind) => workloads(kind, { pull_policy: "IfNotPresent" }),
    expected: onB('container "web" has imagePullPolicy "IfNotPresent"; set it to Always'),
  },
  {
    rule: "containers-take-secrets-as-files",
    bad: (kind) =>
      podWith(kind, (spec, m) => {
        const c = container(spec, m);
        if (m) {
          c.env = [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "api", key: "token" } } }];
          c.envFrom = [{ secretRef: { name: "db" } }];
        } else {
          c.env = [{ name: "TOKEN", value_from: { secret_key_ref: { name: "api", key: "token" } } }];
          c.env_from = [{ secret_ref: { name: "db" } }];
        }
      }),
    expected: (kind) =>
      onBoth(
        'container "web" takes a secret into its environment (env "TOKEN" from secret "api"); mount it as a secret volume instead',
        `container "web" takes a secret into its environment (${kind === "kubernetes_manifest" ? "envFrom" : "env_from"} secret "db"); mount it as a secret volume instead`,
      )(kind),
  },
  {
    rule: "no-known-dangerous-components",
    bad: (kind) => workloads(kind, { image: `${REGISTRY}/helm/tiller@${DIGEST}` }),
    expected: onB(`container "web" runs Tiller (${REGISTRY}/helm/tiller@${DIGEST}), Helm v2's server, which runs with cluster-admin rights and answers unauthenticated gRPC`),
  },
  {
    rule: "pods-carry-app-name-label",
    bad: (kind) => workloads(kind, { pod_labels: { app: "web" } }),
    expected: onB("the pod template has no app.kubernetes.io/name label"),
  },
];

describe.each(POD_CASES)("$rule, on every resource type with a pod template", ({ rule, bad, expected }) => {
  it.each(POD_KINDS)("passes a compliant %s", async (kind) => {
    expect(await check(rule, workloads(kind))).toEqual([]);
  });
  it.each(POD_KINDS)("flags a non-compliant %s", async (kind) => {
    expect(summary(await check(rule, bad(kind)))).toEqual(expected(kind));
  });
});

describe("containers-have-probes, on every long-running type", () => {
  const rule = "containers-have-probes";
  const longRunning = POD_KINDS.filter((k) => !/_job/.test(k));
  const noProbes = (kind: PodKind) =>
    podWith(kind, (spec, m) => {
      const c = container(spec, m);
      for (const key of m ? ["livenessProbe", "readinessProbe"] : ["liveness_probe", "readiness_probe"]) delete c[key];
    });
  it.each(longRunning)("passes a compliant %s", async (kind) => {
    expect(await check(rule, workloads(kind))).toEqual([]);
  });
  it.each(longRunning)("flags a %s without probes", async (kind) => {
    expect(summary(await check(rule, noProbes(kind)))).toEqual(onBoth('container "web" has no livenessProbe and no readinessProbe')(kind));
  });
  it.each(["kubernetes_job", "kubernetes_job_v1", "kubernetes_cron_job", "kubernetes_cron_job_v1"] as const)("does not ask a %s for probes", async (kind) => {
    expect(await check(rule, noProbes(kind))).toEqual([]);
  });
});

describe("pods-set-no-unsafe-security-options in manifests", () => {
  const rule = "pods-set-no-unsafe-security-options";
  it("flags procMount, an unconfined appArmorProfile and a HostProcess container, which only manifests can set", async () => {
    const doc = podWith("kubernetes_manifest", (spec) => {
      Object.assign(spec.containers[0].securityContext, { procMount: "Unmasked", appArmorProfile: { type: "Unconfined" }, windowsOptions: { hostProcess: true } });
    });
    expect(summary(await check(rule, doc))).toEqual(
      onBoth(
        'container "web" sets securityContext.procMount to "Unmasked"; only Default keeps /proc masked',
        'container "web" sets securityContext.appArmorProfile.type to "Unconfined"; use RuntimeDefault or Localhost',
        'container "web" sets windowsOptions.hostProcess: true, which runs it as a process on the node',
      )("kubernetes_manifest"),
    );
  });
  it("passes the safe sysctls, runtime/default AppArmor and container_t", async () => {
    const doc = workloads("kubernetes_pod", {
      sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "80" }],
      pod_annotations: { "container.apparmor.security.beta.kubernetes.io/web": "runtime/default" },
      se_linux: { type: "container_t", level: "s0:c123,c456" },
    });
    expect(await check(rule, doc)).toEqual([]);
  });
});

describe("no-host-namespaces-or-host-paths and the container runtime's socket", () => {
  it("names a docker or containerd socket mount for what it is", async () => {
    const doc = podWith("kubernetes_daemonset", (spec) => {
      spec.volume.push({ name: "docker", host_path: { path: "/var/run/docker.sock" } }, { name: "containerd", host_path: { path: "/run/containerd/containerd.sock" } });
    });
    expect(summary(await check("no-host-namespaces-or-host-paths", doc))).toEqual(
      onBoth(
        'volume "docker" mounts the container runtime\'s socket (/var/run/docker.sock) from the node, which gives control of every container on it',
        'volume "containerd" mounts the container runtime\'s socket (/run/containerd/containerd.sock) from the node, which gives control of every container on it',
      )("kubernetes_daemonset"),
    );
  });
});

describe("no-known-dangerous-components beyond images", () => {
  const rule = "no-known-dangerous-components";
  it("flags git-sync's GITSYNC_GIT", async () => {
    const doc = podWith("kubernetes_deployment", (spec) => void (spec.container[0].env = [{ name: "GITSYNC_GIT", value: "/bin/sh" }]));
    expect(summary(await check(rule, doc))).toEqual(onBoth('container "web" sets GITSYNC_GIT, which makes git-sync execute the program it names')("kubernetes_deployment"));
  });
  const service = (selector: Record<string, string>) => ({ metadata: { name: "svc", namespace: "kube-system", labels: {} }, spec: { selector, port: [{ port: 44134 }] } });
  const manifest = (selector: Record<string, string>) => ({ manifest: { apiVersion: "v1", kind: "Service", metadata: { name: "svc", namespace: "kube-system" }, spec: { selector } } });
  it.each(["kubernetes_service", "kubernetes_service_v1"])("passes an ordinary %s and flags one that selects Tiller", async (type) => {
    expect(await check(rule, plain({ [type]: { ok: service({ app: "web" }) } }))).toEqual([]);
    expect(summary(await check(rule, plain({ [type]: { tiller: service({ app: "helm", name: "tiller" }) } })))).toEqual([
      `${type}.tiller: the service exposes Tiller, Helm v2's in-cluster server, which answers anyone who reaches it with cluster-admin rights`,
    ]);
  });
  it("does the same for a Service manifest", async () => {
    expect(await check(rule, plain({ kubernetes_manifest: { ok: manifest({ app: "web" }) } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { tiller: manifest({ name: "tiller" }) } })))).toEqual([
      "kubernetes_manifest.tiller: the service exposes Tiller, Helm v2's in-cluster server, which answers anyone who reaches it with cluster-admin rights",
    ]);
  });
});

describe("workloads-not-in-default-namespace, on every namespaced type", () => {
  const rule = "workloads-not-in-default-namespace";
  const objects = (type: string) =>
    plain({
      [type]: {
        obj: { for_each: { a: { ns: "tenant-agency-a" }, b: { ns: "default" }, c: { ns: null } }, metadata: { name: "obj", namespace: "${each.value.ns}" } },
      },
    });
  it.each(NAMESPACED_TYPES)("passes a %s in a tenant namespace and flags one in default or in none", async (type) => {
    expect(summary(await check(rule, objects(type)))).toEqual([
      `${type}.obj["b"]: the object is in the default namespace`,
      `${type}.obj["c"]: metadata.namespace is not set, so the object goes to the default namespace`,
    ]);
  });
  it("flags a manifest of a namespaced kind without a namespace, and any manifest in default", async () => {
    const doc = plain({
      kubernetes_manifest: {
        ok: { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "tenant-a" } } },
        cluster: { manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "x" } } },
        none: { manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } },
        crd: { manifest: { apiVersion: "velero.io/v1", kind: "Schedule", metadata: { name: "x", namespace: "default" } } },
      },
    });
    expect(summary(await check(rule, doc))).toEqual([
      "kubernetes_manifest.crd: the Schedule is in the default namespace",
      "kubernetes_manifest.none: the ConfigMap sets no metadata.namespace, so it goes to the default namespace",
    ]);
  });
});

describe("namespaces-enforce-pod-security", () => {
  const rule = "namespaces-enforce-pod-security";
  const namespaces = (type: string) =>
    plain({
      [type]: {
        ns: {
          for_each: {
            restricted: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
            none: { labels: { "govcloud.gov.vn/tenant": "tenant-x" } },
            privileged: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
          },
          metadata: { name: "${each.key}", labels: "${each.value.labels}" },
        },
      },
    });
  it.each(["kubernetes_namespace", "kubernetes_namespace_v1"])("flags a %s without an enforce label, or enforcing more than restricted", async (type) => {
    expect(summary(await check(rule, namespaces(type)))).toEqual([
      `${type}.ns["none"]: namespace "none" has no pod-security.kubernetes.io/enforce label, so Pod Security Admission enforces nothing in it; set it to restricted`,
      `${type}.ns["privileged"]: namespace "privileged" enforces Pod Security level "privileged" (label pod-security.kubernetes.io/enforce); allowed: restricted (an exemption is platform.namespaces.<name>.podSecurity with its exemptionReason)`,
    ]);
  });
  it("allows an environment's exemption, up to its level", async () => {
    const config = { [rule]: { exemptions: { privileged: { level: "privileged", reason: "node-exporter reads the host's /proc" }, none: { level: "baseline", reason: "a legacy agent" } } } };
    expect(summary(await check(rule, namespaces("kubernetes_namespace_v1"), { config }))).toEqual([
      'kubernetes_namespace_v1.ns["none"]: namespace "none" has no pod-security.kubernetes.io/enforce label, so Pod Security Admission enforces nothing in it; set it to restricted',
    ]);
  });
  it("judges a Namespace manifest the same way", async () => {
    const ns = (labels: Record<string, string>) => ({ manifest: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team", labels } } });
    expect(await check(rule, plain({ kubernetes_manifest: { ok: ns({ "pod-security.kubernetes.io/enforce": "restricted" }) } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { bad: ns({}) } })))).toEqual([
      'kubernetes_manifest.bad: namespace "team" has no pod-security.kubernetes.io/enforce label, so Pod Security Admission enforces nothing in it; set it to restricted',
    ]);
  });
});

describe("default-service-accounts-not-used beyond pods", () => {
  const rule = "default-service-accounts-not-used";
  it.each(["kubernetes_default_service_account", "kubernetes_default_service_account_v1"])("requires a %s to turn automounting off", async (type) => {
    const doc = plain({
      [type]: { sa: { for_each: { a: { automount: false }, b: { automount: true } }, metadata: { namespace: "tenant-${each.key}" }, automount_service_account_token: "${each.value.automount}" } },
    });
    expect(summary(await check(rule, doc))).toEqual([`${type}.sa["b"]: the namespace's default service account does not set automount_service_account_token = false (it is true)`]);
  });
  it.each(["kubernetes_service_account", "kubernetes_service_account_v1"])("judges a %s named default, and only that one", async (type) => {
    const doc = plain({
      [type]: {
        sa: { for_each: { a: { name: "web" }, b: { name: "default" } }, metadata: { name: "${each.value.name}", namespace: "tenant-a" } },
      },
    });
    expect(summary(await check(rule, doc))).toEqual([`${type}.sa["b"]: the namespace's default service account does not set automount_service_account_token = false (it is unset)`]);
  });
  it.each(["kubernetes_role_binding", "kubernetes_role_binding_v1", "kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1"])(
    "flags a %s that binds a default service account",
    async (type) => {
      const doc = plain({
        [type]: {
          rb: {
            for_each: { a: { sa: "web" }, b: { sa: "default" } },
            metadata: { name: "rb", namespace: "tenant-a" },
            role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
            subject: [{ kind: "ServiceAccount", name: "${each.value.sa}", namespace: "tenant-a" }],
          },
        },
      });
      expect(summary(await check(rule, doc))).toEqual([`${type}.rb["b"]: the binding grants a role to the default service account of namespace "tenant-a"; bind a dedicated service account`]);
    },
  );
  it("judges manifests of bindings and of the default service account", async () => {
    const doc = plain({
      kubernetes_manifest: {
        rb: { manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "x", namespace: "tenant-a" }, subjects: [{ kind: "ServiceAccount", name: "default", namespace: "tenant-a" }] } },
        sa: { manifest: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: "tenant-a" }, automountServiceAccountToken: false } },
      },
    });
    expect(summary(await check(rule, doc))).toEqual(['kubernetes_manifest.rb: the binding grants a role to the default service account of namespace "tenant-a"; bind a dedicated service account']);
  });
});

describe("services-not-exposed-without-approval on every service type, and externalIPs", () => {
  const rule = "services-not-exposed-without-approval";
  it.each(["kubernetes_service", "kubernetes_service_v1"])("flags a %s with externalIPs or an unapproved NodePort", async (type) => {
    const doc = plain({
      [type]: {
        svc: {
          for_each: { a: { type: "ClusterIP", ips: [] }, b: { type: "NodePort", ips: [] }, c: { type: "ClusterIP", ips: ["203.0.113.10"] } },
          metadata: { name: "svc", namespace: "tenant-a" },
          spec: { type: "${each.value.type}", external_ips: "${each.value.ips}", port: [{ port: 80 }] },
        },
      },
    });
    expect(summary(await check(rule, doc))).toEqual([
      `${type}.svc["b"]: the service is of type NodePort, reachable from outside the cluster, without an approval: record the decision in the ${APPROVAL_ANNOTATION} annotation`,
      `${type}.svc["c"]: the service sets externalIPs 203.0.113.10: traffic to those addresses is taken over on every node, whoever owns them (CVE-2020-8554); use a LoadBalancer with an approval instead`,
    ]);
  });
  it("judges a Service manifest", async () => {
    const svc = (spec: Record<string, unknown>) => ({ manifest: { apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "tenant-a" }, spec } });
    expect(await check(rule, plain({ kubernetes_manifest: { ok: svc({ type: "ClusterIP" }) } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { lb: svc({ type: "LoadBalancer", externalIPs: ["198.51.100.7"] }) } })))).toEqual([
      "kubernetes_manifest.lb: the service sets externalIPs 198.51.100.7: traffic to those addresses is taken over on every node, whoever owns them (CVE-2020-8554); use a LoadBalancer with an approval instead",
      `kubernetes_manifest.lb: the service is of type LoadBalancer, reachable from outside the cluster, without an approval: record the decision in the ${APPROVAL_ANNOTATION} annotation`,
    ]);
  });
});

describe("ingresses-name-hosts-without-snippets", () => {
  const rule = "ingresses-name-hosts-without-snippets";
  const ingress = (annotations: Record<string, string>, host: string | null) => ({
    metadata: { name: "web", namespace: "tenant-a", annotations },
    spec: { rule: [{ host, http: { path: [{ path: "/", backend: { service: { name: "web", port: { number: 80 } } } }] } }] },
  });
  it.each(["kubernetes_ingress", "kubernetes_ingress_v1"])("passes a %s with a host and flags snippets and a missing host", async (type) => {
    expect(await check(rule, plain({ [type]: { ok: ingress({ "nginx.ingress.kubernetes.io/ssl-redirect": "true" }, "web.agency-a.gov.vn") } }))).toEqual([]);
    expect(summary(await check(rule, plain({ [type]: { bad: ingress({ "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers x;", "nginx.ingress.kubernetes.io/server-snippet": "x" }, null) } })))).toEqual([
      `${type}.bad: annotation nginx.ingress.kubernetes.io/configuration-snippet injects raw NGINX configuration into the controller every agency shares; it can read the controller's secrets (CVE-2021-25742)`,
      `${type}.bad: annotation nginx.ingress.kubernetes.io/server-snippet injects raw NGINX configuration into the controller every agency shares; it can read the controller's secrets (CVE-2021-25742)`,
      `${type}.bad: rule 1 names no host, so it answers for every host name that reaches the shared controller`,
    ]);
  });
  it("judges an Ingress manifest", async () => {
    const m = (host?: string) => ({ manifest: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "w", namespace: "tenant-a" }, spec: { rules: [host === undefined ? {} : { host }] } } });
    expect(await check(rule, plain({ kubernetes_manifest: { ok: m("a.gov.vn") } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { bad: m() } })))).toEqual(["kubernetes_manifest.bad: rule 1 names no host, so it answers for every host name that reaches the shared controller"]);
  });
});
