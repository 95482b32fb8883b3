import { Construct } from "constructs";
import { type ITerraformDependable, type MapTerraformIterator, type TerraformResource } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import {
  DeploymentV1,
  type DeploymentV1SpecTemplateSpec,
  type DeploymentV1SpecTemplateSpecContainerLivenessProbe,
} from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { StatefulSetV1 } from "@cdktf/provider-kubernetes/lib/stateful-set-v1";
import type { WorkloadTemplate } from "../environments/agency-schema";
import {
  POD_OWNER_KINDS,
  type PodRendering,
  WORKLOAD_KINDS,
  WORKLOAD_TEMPLATE_ENTRIES,
  type WorkloadKind,
  type WorkloadRendering,
} from "../environments/workloads";
import type { Blocks } from "../estate/tenant-model";
import { workloadBlock } from "../estate/workload-instances";
import { forEachResource } from "./for-each";

export interface TenantWorkloadsProps {
  /**
   * The stack's instances (estate/workload-instances.ts fills the workload blocks). Only the
   * blocks in {@link WORKLOAD_BLOCKS} are rendered here; the others belong to other constructs.
   */
  readonly blocks: Blocks;
  /**
   * What must exist before any workload resource, usually the tenant namespaces.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Renders one block: one resource with `for_each` over the block's instances. */
type Renderer = (scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies) => TerraformResource;

/** What a block waits for; undefined rather than empty, so that no `depends_on: []` is written. */
type Dependencies = ITerraformDependable[] | undefined;

/** How each kind is rendered, from the options a template's descriptor gives it. */
const KIND_RENDERERS: { readonly [K in WorkloadKind]: (options: NonNullable<WorkloadRendering[K]>) => Renderer } = {
  serviceAccount: () => serviceAccount,
  configMap: () => configMap,
  volumeClaim: () => volumeClaim,
  service,
  ingress: () => ingress,
  autoscaler: () => autoscaler,
  disruptionBudget: () => disruptionBudget,
  deployment,
  statefulSet,
  cronJob,
};

/** Kinds whose pods need the service account, configuration and volumes of their workload first. */
const POD_PREREQUISITES: readonly WorkloadKind[] = ["serviceAccount", "configMap", "volumeClaim"];

function rendererOf<K extends WorkloadKind>(kind: K, options: NonNullable<WorkloadRendering[K]>): Renderer {
  return KIND_RENDERERS[kind](options);
}

/**
 * Block name -> how it is rendered: every template's kinds, as its descriptor's rendering says
 * (environments/workloads/<template>.ts), in the order of WORKLOAD_KINDS, where prerequisites
 * come first.
 */
const RENDERERS: ReadonlyMap<string, { template: WorkloadTemplate; kind: WorkloadKind; render: Renderer }> = new Map(
  WORKLOAD_TEMPLATE_ENTRIES.flatMap(({ template, rendering }) =>
    WORKLOAD_KINDS.flatMap((kind) => {
      const options = rendering[kind];
      if (options === undefined) return [];
      return [[workloadBlock(template, kind), { template, kind, render: rendererOf(kind, options) }] as const];
    }),
  ),
);

/** The blocks (`<resource type>.<name>`) that {@link TenantWorkloads} renders. */
export const WORKLOAD_BLOCKS: ReadonlySet<string> = new Set(RENDERERS.keys());

/**
 * The agencies' workloads in one tenant stack: for each block of {@link WORKLOAD_BLOCKS} that
 * has instances, one resource with `for_each` over them, addressed
 * `kubernetes_deployment_v1.web_service["<agency-id>/<workload>"]`. Every pod runs under the
 * restricted Pod Security profile; volumes of stateful services are protected from destruction.
 */
export class TenantWorkloads extends Construct {
  /** The rendered resources by block. */
  public readonly resources: ReadonlyMap<string, TerraformResource>;

  constructor(scope: Construct, id: string, props: TenantWorkloadsProps) {
    super(scope, id);
    const dependsOn = props.dependsOn ?? [];
    const resources = new Map<string, TerraformResource>();
    for (const [block, { template, kind, render }] of RENDERERS) {
      const instances = props.blocks.get(block);
      if (instances === undefined || instances.size === 0) continue;
      const prerequisites = POD_OWNER_KINDS.has(kind) ? POD_PREREQUISITES.flatMap((k) => resources.get(workloadBlock(template, k)) ?? []) : [];
      const after = [...dependsOn, ...prerequisites];
      const resource = forEachResource(this, instances, (it) => render(this, block, it, after.length > 0 ? after : undefined));
      // Readable, stable addresses: kubernetes_deployment_v1.web_service["<agency-id>/<workload>"].
      resource.overrideLogicalId(block.slice(block.indexOf(".") + 1));
      resources.set(block, resource);
    }
    this.resources = resources;
  }
}

// ---------------------------------------------------------------------------------------------
// Pods: one fixed body for every tenant container, the restricted profile and nothing more.
// ---------------------------------------------------------------------------------------------

/** Non-root user and group of every tenant container. */
export const TENANT_UID = "10001";

const RUNTIME_DEFAULT_SECCOMP = { type: "RuntimeDefault" };

const POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: TENANT_UID,
  runAsGroup: TENANT_UID,
  // Volumes (the stateful services' data) are writable by the container's group.
  fsGroup: TENANT_UID,
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
};

const CONTAINER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: TENANT_UID,
  runAsGroup: TENANT_UID,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: RUNTIME_DEFAULT_SECCOMP,
};

/** GPU nodes are tainted so that only workloads asking for GPUs land there. */
const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

/** Where a stateful service's volume is mounted. */
export const DATA_MOUNT_PATH = "/data";

/** How a pod is built: the descriptor's {@link PodRendering}. */
type PodOptions = PodRendering;

type Probe = DeploymentV1SpecTemplateSpecContainerLivenessProbe;

function probeCheck(it: MapTerraformIterator, probe: PodOptions["probe"]): Probe {
  switch (probe) {
    case "http":
      return { httpGet: { path: it.getString("health_path"), port: it.getString("port") } };
    case "tcp":
      return { tcpSocket: [{ port: it.getString("port") }] };
    case "exec":
      return { exec: { command: it.getList("health_command") } };
  }
}

function podTemplate(it: MapTerraformIterator, options: PodOptions) {
  return {
    metadata: { labels: it.getStringMap("pod_labels"), annotations: it.getStringMap("pod_annotations") },
    spec: podSpec(it, options),
  };
}

function podSpec(it: MapTerraformIterator, options: PodOptions): DeploymentV1SpecTemplateSpec {
  const check = probeCheck(it, options.probe);
  const portName = options.probe === "tcp" ? "tcp" : "http";
  return {
    serviceAccountName: it.getString("name"),
    automountServiceAccountToken: false,
    priorityClassName: it.getString("priority_class_name"),
    nodeSelector: it.getStringMap("node_selector"),
    restartPolicy: options.restartPolicy,
    securityContext: POD_SECURITY_CONTEXT,
    toleration: options.gpu === true ? [GPU_TOLERATION] : undefined,
    container: [
      {
        name: it.getString("name"),
        image: it.getString("image"),
        // Always: on nodes shared by agencies, a cached image starts only after the registry has
        // authorized this pod (the image is digest-pinned, so this is a manifest check, not a download).
        imagePullPolicy: "Always",
        port: options.probe === "exec" ? undefined : [{ name: portName, containerPort: it.getNumber("port"), protocol: "TCP" }],
        // Plain variables from the workload's ConfigMap; secrets from a Secret managed outside
        // IaC, so their values never appear in configuration, state or output.
        envFrom: [
          { configMapRef: { name: it.getString("config_map") } },
          { secretRef: { name: it.getString("secret_name"), optional: true } },
        ],
        resources: { requests: it.getStringMap("requests"), limits: it.getStringMap("limits") },
        readinessProbe: { ...check, periodSeconds: 10, failureThreshold: 3 },
        livenessProbe: { ...check, periodSeconds: 20, failureThreshold: 3 },
        // Loading a model can take minutes; liveness starts counting once it has loaded (15 min at most).
        startupProbe: options.gpu === true ? { ...check, periodSeconds: 10, failureThreshold: 90 } : undefined,
        securityContext: CONTAINER_SECURITY_CONTEXT,
        volumeMount: [
          { name: "tmp", mountPath: "/tmp" },
          ...(options.data === true ? [{ name: "data", mountPath: DATA_MOUNT_PATH }] : []),
        ],
      },
    ],
    // The root file system is read-only; /tmp is the container's scratch space.
    volume: [{ name: "tmp", emptyDir: {} }],
  };
}

function metadata(it: MapTerraformIterator) {
  return { name: it.getString("name"), namespace: it.getString("namespace"), labels: it.getStringMap("labels") };
}

// ---------------------------------------------------------------------------------------------
// Renderers, one per resource kind
// ---------------------------------------------------------------------------------------------

function serviceAccount(scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies): TerraformResource {
  return new ServiceAccountV1(scope, id, { forEach: it, dependsOn, metadata: metadata(it), automountServiceAccountToken: false });
}

function configMap(scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies): TerraformResource {
  return new ConfigMapV1(scope, id, { forEach: it, dependsOn, metadata: metadata(it), data: it.getStringMap("data") });
}

function deployment(options: PodOptions & { readonly replicas?: boolean }): Renderer {
  return (scope, id, it, dependsOn) =>
    new DeploymentV1(scope, id, {
      forEach: it,
      dependsOn,
      metadata: metadata(it),
      // One agency's failing rollout must not fail the apply of every tenant in the stack.
      waitForRollout: false,
      spec: {
        // Left out where an autoscaler owns the count, so that Terraform does not fight it.
        replicas: options.replicas === true ? it.getString("replicas") : undefined,
        selector: { matchLabels: it.getStringMap("selector") },
        template: podTemplate(it, options),
      },
    });
}

function statefulSet(options: PodOptions): Renderer {
  return (scope, id, it, dependsOn) =>
    new StatefulSetV1(scope, id, {
      forEach: it,
      dependsOn,
      metadata: metadata(it),
      waitForRollout: false,
      spec: {
        serviceName: it.getString("service"),
        replicas: it.getString("replicas"),
        selector: { matchLabels: it.getStringMap("selector") },
        template: podTemplate(it, options),
        // The controller adopts the claims volumeClaim created (data-<name>-<ordinal>); the default
        // retention policy (Retain) keeps it from ever deleting them.
        volumeClaimTemplate: [{ metadata: { name: "data" }, spec: claimSpec(it) }],
      },
    });
}

function cronJob(options: PodOptions): Renderer {
  return (scope, id, it, dependsOn) =>
    new CronJobV1(scope, id, {
      forEach: it,
      dependsOn,
      metadata: metadata(it),
      spec: {
        schedule: it.getString("schedule"),
        timezone: "Asia/Ho_Chi_Minh",
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: it.getStringMap("labels") },
          spec: {
            activeDeadlineSeconds: it.getNumber("active_deadline_seconds"),
            backoffLimit: 2,
            template: podTemplate(it, options),
          },
        },
      },
    });
}

function service(options: { readonly headless: boolean; readonly portName: string }): Renderer {
  return (scope, id, it, dependsOn) =>
    new ServiceV1(scope, id, {
      forEach: it,
      dependsOn,
      metadata: metadata(it),
      spec: {
        type: "ClusterIP",
        // Headless: a stateful service's replicas are addressed one by one (<name>-0.<name>).
        clusterIp: options.headless ? "None" : undefined,
        selector: it.getStringMap("selector"),
        port: [{ name: options.portName, port: it.getNumber("port"), targetPort: options.portName, protocol: "TCP" }],
      },
    });
}

function ingress(scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies): TerraformResource {
  return new IngressV1(scope, id, {
    forEach: it,
    dependsOn,
    metadata: { ...metadata(it), annotations: it.getStringMap("annotations") },
    spec: {
      ingressClassName: it.getString("ingress_class"),
      tls: [{ hosts: [it.getString("host")], secretName: it.getString("tls_secret") }],
      rule: [
        {
          host: it.getString("host"),
          http: {
            path: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: it.getString("service"), port: { number: it.getNumber("port") } } },
              },
            ],
          },
        },
      ],
    },
  });
}

function autoscaler(scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies): TerraformResource {
  return new HorizontalPodAutoscalerV2(scope, id, {
    forEach: it,
    dependsOn,
    metadata: metadata(it),
    spec: {
      minReplicas: it.getNumber("min_replicas"),
      maxReplicas: it.getNumber("max_replicas"),
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: it.getString("target") },
      metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    },
  });
}

function disruptionBudget(scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies): TerraformResource {
  return new PodDisruptionBudgetV1(scope, id, {
    forEach: it,
    dependsOn,
    metadata: metadata(it),
    spec: { maxUnavailable: "1", selector: { matchLabels: it.getStringMap("selector") } },
  });
}

function claimSpec(it: MapTerraformIterator) {
  return {
    accessModes: ["ReadWriteOnce"],
    storageClassName: it.getString("storage_class"),
    resources: { requests: { storage: it.getString("storage") } },
  };
}

function volumeClaim(scope: Construct, id: string, it: MapTerraformIterator, dependsOn: Dependencies): TerraformResource {
  return new PersistentVolumeClaimV1(scope, id, {
    forEach: it,
    dependsOn,
    metadata: metadata(it),
    // The storage classes bind when a pod uses the claim; waiting here would never finish.
    waitUntilBound: false,
    spec: claimSpec(it),
    // The agency's data: no change to the workload may destroy it. Retiring a volume is a
    // deliberate operation outside the normal apply.
    lifecycle: { preventDestroy: true },
  });
}
