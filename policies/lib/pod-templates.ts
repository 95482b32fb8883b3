/**
 * Pod templates of workload resources, in one view for rules: the typed kubernetes resources
 * (Deployment, StatefulSet, DaemonSet, Job, CronJob through job_template, Pod, and their
 * pre-v1 names) with snake_case blocks, and `kubernetes_manifest` objects of those kinds with
 * the Kubernetes API's camelCase fields.
 */
import type { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { validateResourceOfType } from "./resource-of-type";
import { terraformType } from "./terraform-type";
import { at, block, blocks, isObject } from "./values";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" | "Job" | "CronJob" | "Pod";

export interface SecurityContext {
  readonly runAsNonRoot?: unknown;
  readonly runAsUser?: unknown;
  readonly allowPrivilegeEscalation?: unknown;
  readonly privileged?: unknown;
  readonly readOnlyRootFilesystem?: unknown;
  /** undefined when no capabilities are set. */
  readonly capabilities?: { readonly add: readonly unknown[]; readonly drop: readonly unknown[] };
  readonly seccompProfileType?: unknown;
  /** seLinuxOptions (`type`, `user`, `role`, `level`), when set. */
  readonly seLinuxOptions?: Readonly<Record<string, unknown>>;
  /** procMount (kubernetes_manifest only: the typed resources cannot set it). */
  readonly procMount?: unknown;
  /** windowsOptions.hostProcess. */
  readonly hostProcess?: unknown;
  /** appArmorProfile.type (kubernetes_manifest only: the typed resources cannot set it). */
  readonly appArmorProfileType?: unknown;
}

export interface Container {
  readonly kind: "container" | "init container" | "ephemeral container";
  readonly name: unknown;
  /** `container "web"` or `init container "migrate"`, for messages. */
  readonly label: string;
  readonly image: unknown;
  readonly securityContext?: SecurityContext;
  readonly requests?: Readonly<Record<string, unknown>>;
  readonly limits?: Readonly<Record<string, unknown>>;
  readonly livenessProbe: boolean;
  readonly readinessProbe: boolean;
  readonly startupProbe: boolean;
  readonly hostPorts: readonly unknown[];
  readonly imagePullPolicy?: unknown;
  /** Names of its environment variables. */
  readonly envNames: readonly unknown[];
  /** Its environment taken from Secrets, as phrases (`env "TOKEN" from secret "api"`, `env_from secret "db"`). */
  readonly secretEnv: readonly string[];
}

/** A volume of a pod: its name, hostPath (when it is one) and the kinds of volume source it sets. */
export interface Volume {
  readonly name: unknown;
  readonly hostPath?: Readonly<Record<string, unknown>>;
  /** The volume sources it sets, in the Kubernetes API's camelCase (`emptyDir`, `hostPath`, `nfs`). */
  readonly sources: readonly string[];
}

export interface PodTemplate {
  readonly kind: WorkloadKind;
  readonly hostNetwork?: unknown;
  readonly hostPID?: unknown;
  readonly hostIPC?: unknown;
  readonly securityContext?: SecurityContext;
  readonly containers: readonly Container[];
  readonly volumes: readonly Volume[];
  readonly serviceAccountName?: unknown;
  readonly automountServiceAccountToken?: unknown;
  /** Sysctls the pod sets (securityContext.sysctls). */
  readonly sysctls: readonly { readonly name: unknown; readonly value: unknown }[];
  /** Labels and annotations of the pod template (of the Pod itself for a Pod). */
  readonly labels: Readonly<Record<string, unknown>>;
  readonly annotations: Readonly<Record<string, unknown>>;
}

/** Typed resources with a pod template: type -> kind and the block path to the pod spec. */
export const POD_TEMPLATE_TYPES: Readonly<Record<string, { readonly kind: WorkloadKind; readonly path: readonly string[] }>> = {
  kubernetes_deployment: { kind: "Deployment", path: ["spec", "template", "spec"] },
  kubernetes_deployment_v1: { kind: "Deployment", path: ["spec", "template", "spec"] },
  kubernetes_stateful_set: { kind: "StatefulSet", path: ["spec", "template", "spec"] },
  kubernetes_stateful_set_v1: { kind: "StatefulSet", path: ["spec", "template", "spec"] },
  kubernetes_daemonset: { kind: "DaemonSet", path: ["spec", "template", "spec"] },
  kubernetes_daemon_set_v1: { kind: "DaemonSet", path: ["spec", "template", "spec"] },
  kubernetes_replication_controller: { kind: "ReplicationController", path: ["spec", "template", "spec"] },
  kubernetes_replication_controller_v1: { kind: "ReplicationController", path: ["spec", "template", "spec"] },
  kubernetes_job: { kind: "Job", path: ["spec", "template", "spec"] },
  kubernetes_job_v1: { kind: "Job", path: ["spec", "template", "spec"] },
  kubernetes_cron_job: { kind: "CronJob", path: ["spec", "job_template", "spec", "template", "spec"] },
  kubernetes_cron_job_v1: { kind: "CronJob", path: ["spec", "job_template", "spec", "template", "spec"] },
  kubernetes_pod: { kind: "Pod", path: ["spec"] },
  kubernetes_pod_v1: { kind: "Pod", path: ["spec"] },
};

/** kubernetes_manifest kinds with a pod template, and the path to the pod spec. */
const MANIFEST_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  Pod: ["spec"],
};

/**
 * Pod templates already read, by the props object they were read from: every pod rule meets the
 * same props object of a resource, which is read once instead of once per rule. Props are never
 * modified (PolicyResourceData.props), so the view stays true.
 */
const READ = new WeakMap<object, readonly PodTemplate[]>();

/** The pod templates of a resource (none for a type without one). */
export function podTemplatesOf(type: string, props: Readonly<Record<string, unknown>>): readonly PodTemplate[] {
  const cached = READ.get(props);
  if (cached !== undefined) return cached;
  const pods = readPodTemplates(type, props);
  READ.set(props, pods);
  return pods;
}

function readPodTemplates(type: string, props: Readonly<Record<string, unknown>>): readonly PodTemplate[] {
  const typed = POD_TEMPLATE_TYPES[type];
  if (typed !== undefined) {
    const spec = block(at(props, ...typed.path));
    // The template's metadata sits beside its spec; a Pod's is the resource's own.
    const metadata = block(at(props, ...typed.path.slice(0, -1), "metadata"));
    return spec === undefined ? [] : [typedPod(typed.kind, spec, metadata)];
  }
  if (type === "kubernetes_manifest") {
    const manifest = props.manifest;
    const kind = isObject(manifest) ? manifest.kind : undefined;
    const path = typeof kind === "string" && Object.hasOwn(MANIFEST_PATHS, kind) ? MANIFEST_PATHS[kind] : undefined;
    if (path === undefined) return [];
    const spec = block(at(manifest, ...path));
    const metadata = block(at(manifest, ...path.slice(0, -1), "metadata"));
    return spec === undefined ? [] : [manifestPod(kind as WorkloadKind, spec, metadata)];
  }
  return [];
}

/**
 * Validations for every resource type that has a pod template, for a rule's `validateResource`:
 * `check` runs once per pod template. `kinds` limits them to workloads of those kinds (typed
 * resources of other kinds are not declared; manifests of other kinds are skipped).
 */
export function validatePodTemplates(
  check: (pod: PodTemplate, report: (message: string) => void, args: ResourceValidationArgs) => void | Promise<void>,
  kinds?: readonly WorkloadKind[],
): ResourceValidation[] {
  const types = Object.keys(POD_TEMPLATE_TYPES).filter((t) => kinds === undefined || kinds.includes(POD_TEMPLATE_TYPES[t]!.kind));
  return [...types, "kubernetes_manifest"].map((type) =>
    validateResourceOfType(terraformType(type), (props, args, reportViolation) => {
      // Synchronous unless a check is async: 100,000 resources should not mean 100,000 promises.
      const pending: Promise<void>[] = [];
      for (const pod of podTemplatesOf(type, props)) {
        if (kinds !== undefined && !kinds.includes(pod.kind)) continue;
        const result = check(pod, reportViolation, args);
        if (result !== undefined) pending.push(result);
      }
      return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
    }),
  );
}

// --- typed resources (snake_case, blocks as arrays) ------------------------------------------

function typedSecurityContext(value: unknown): SecurityContext | undefined {
  const sc = block(value);
  if (sc === undefined) return undefined;
  const caps = block(sc.capabilities);
  return {
    runAsNonRoot: sc.run_as_non_root,
    runAsUser: sc.run_as_user,
    allowPrivilegeEscalation: sc.allow_privilege_escalation,
    privileged: sc.privileged,
    readOnlyRootFilesystem: sc.read_only_root_filesystem,
    ...(caps === undefined ? {} : { capabilities: { add: list(caps.add), drop: list(caps.drop) } }),
    seccompProfileType: block(sc.seccomp_profile)?.type,
    ...optional("seLinuxOptions", block(sc.se_linux_options)),
    ...optional("hostProcess", block(sc.windows_options)?.host_process ?? undefined),
  };
}

function typedContainer(kind: Container["kind"], c: Readonly<Record<string, unknown>>): Container {
  const resources = block(c.resources);
  return {
    kind,
    name: c.name,
    label: `${kind} ${JSON.stringify(c.name ?? "?")}`,
    image: c.image,
    ...optional("securityContext", typedSecurityContext(c.security_context)),
    ...optional("requests", isObject(resources?.requests) ? resources.requests : undefined),
    ...optional("limits", isObject(resources?.limits) ? resources.limits : undefined),
    livenessProbe: block(c.liveness_probe) !== undefined,
    readinessProbe: block(c.readiness_probe) !== undefined,
    startupProbe: block(c.startup_probe) !== undefined,
    hostPorts: blocks(c.port).map((p) => p.host_port),
    imagePullPolicy: c.image_pull_policy,
    envNames: blocks(c.env).map((e) => e.name),
    secretEnv: [
      ...blocks(c.env).flatMap((e) => {
        const ref = block(block(e.value_from)?.secret_key_ref);
        return ref === undefined ? [] : [`env ${JSON.stringify(e.name ?? "?")} from secret ${JSON.stringify(ref.name ?? "?")}`];
      }),
      ...blocks(c.env_from).flatMap((e) => {
        const ref = block(e.secret_ref);
        return ref === undefined ? [] : [`env_from secret ${JSON.stringify(ref.name ?? "?")}`];
      }),
    ],
  };
}

/** Typed volume sources (snake_case blocks) in the API's camelCase, for one vocabulary in messages and rules. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The sources a volume sets: its keys other than `name` that hold something (a plan lists unset blocks as [] or null). */
function sourcesOf(v: Readonly<Record<string, unknown>>, typed: boolean): string[] {
  const out: string[] = [];
  for (const key in v) {
    if (key === "name") continue;
    const value = v[key];
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
    out.push(typed ? camel(key) : key);
  }
  return out;
}

function typedPod(kind: WorkloadKind, spec: Readonly<Record<string, unknown>>, metadata: Readonly<Record<string, unknown>> | undefined): PodTemplate {
  const sc = block(spec.security_context);
  return {
    kind,
    hostNetwork: spec.host_network,
    hostPID: spec.host_pid,
    hostIPC: spec.host_ipc,
    ...optional("securityContext", typedSecurityContext(spec.security_context)),
    containers: [
      ...blocks(spec.init_container).map((c) => typedContainer("init container", c)),
      ...blocks(spec.container).map((c) => typedContainer("container", c)),
    ],
    volumes: blocks(spec.volume).map((v) => ({ name: v.name, ...optional("hostPath", block(v.host_path)), sources: sourcesOf(v, true) })),
    serviceAccountName: spec.service_account_name,
    automountServiceAccountToken: spec.automount_service_account_token,
    sysctls: blocks(sc?.sysctl).map((x) => ({ name: x.name, value: x.value })),
    labels: isObject(metadata?.labels) ? metadata.labels : NO_MAP,
    annotations: isObject(metadata?.annotations) ? metadata.annotations : NO_MAP,
  };
}

const NO_MAP: Readonly<Record<string, unknown>> = Object.freeze({});

// --- kubernetes_manifest (camelCase, plain objects) ------------------------------------------

function manifestSecurityContext(value: unknown): SecurityContext | undefined {
  if (!isObject(value)) return undefined;
  const caps = isObject(value.capabilities) ? value.capabilities : undefined;
  return {
    runAsNonRoot: value.runAsNonRoot,
    runAsUser: value.runAsUser,
    allowPrivilegeEscalation: value.allowPrivilegeEscalation,
    privileged: value.privileged,
    readOnlyRootFilesystem: value.readOnlyRootFilesystem,
    ...(caps === undefined ? {} : { capabilities: { add: list(caps.add), drop: list(caps.drop) } }),
    seccompProfileType: isObject(value.seccompProfile) ? value.seccompProfile.type : undefined,
    ...optional("seLinuxOptions", isObject(value.seLinuxOptions) ? value.seLinuxOptions : undefined),
    ...optional("procMount", value.procMount ?? undefined),
    ...optional("hostProcess", isObject(value.windowsOptions) ? (value.windowsOptions.hostProcess ?? undefined) : undefined),
    ...optional("appArmorProfileType", isObject(value.appArmorProfile) ? (value.appArmorProfile.type ?? undefined) : undefined),
  };
}

function manifestContainer(kind: Container["kind"], c: Readonly<Record<string, unknown>>): Container {
  const resources = isObject(c.resources) ? c.resources : undefined;
  return {
    kind,
    name: c.name,
    label: `${kind} ${JSON.stringify(c.name ?? "?")}`,
    image: c.image,
    ...optional("securityContext", manifestSecurityContext(c.securityContext)),
    ...optional("requests", isObject(resources?.requests) ? resources.requests : undefined),
    ...optional("limits", isObject(resources?.limits) ? resources.limits : undefined),
    livenessProbe: isObject(c.livenessProbe),
    readinessProbe: isObject(c.readinessProbe),
    startupProbe: isObject(c.startupProbe),
    hostPorts: blocks(c.ports).map((p) => p.hostPort),
    imagePullPolicy: c.imagePullPolicy,
    envNames: blocks(c.env).map((e) => e.name),
    secretEnv: [
      ...blocks(c.env).flatMap((e) => {
        const ref = isObject(e.valueFrom) && isObject(e.valueFrom.secretKeyRef) ? e.valueFrom.secretKeyRef : undefined;
        return ref === undefined ? [] : [`env ${JSON.stringify(e.name ?? "?")} from secret ${JSON.stringify(ref.name ?? "?")}`];
      }),
      ...blocks(c.envFrom).flatMap((e) => (isObject(e.secretRef) ? [`envFrom secret ${JSON.stringify(e.secretRef.name ?? "?")}`] : [])),
    ],
  };
}

function manifestPod(kind: WorkloadKind, spec: Readonly<Record<string, unknown>>, metadata: Readonly<Record<string, unknown>> | undefined): PodTemplate {
  const sc = isObject(spec.securityContext) ? spec.securityContext : undefined;
  return {
    kind,
    hostNetwork: spec.hostNetwork,
    hostPID: spec.hostPID,
    hostIPC: spec.hostIPC,
    ...optional("securityContext", manifestSecurityContext(spec.securityContext)),
    containers: [
      ...blocks(spec.initContainers).map((c) => manifestContainer("init container", c)),
      ...blocks(spec.containers).map((c) => manifestContainer("container", c)),
      ...blocks(spec.ephemeralContainers).map((c) => manifestContainer("ephemeral container", c)),
    ],
    volumes: blocks(spec.volumes).map((v) => ({ name: v.name, ...optional("hostPath", isObject(v.hostPath) ? v.hostPath : undefined), sources: sourcesOf(v, false) })),
    serviceAccountName: spec.serviceAccountName,
    automountServiceAccountToken: spec.automountServiceAccountToken,
    sysctls: blocks(sc?.sysctls).map((x) => ({ name: x.name, value: x.value })),
    labels: isObject(metadata?.labels) ? metadata.labels : NO_MAP,
    annotations: isObject(metadata?.annotations) ? metadata.annotations : NO_MAP,
  };
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The container's setting, else the pod's (Kubernetes: the container's wins when set). */
export function effective<K extends keyof SecurityContext>(pod: PodTemplate, container: Container, key: K): SecurityContext[K] {
  const own = container.securityContext?.[key];
  return own !== undefined && own !== null ? own : pod.securityContext?.[key];
}
