/**
 * What a workload template is: everything about it in one object, so that a template is one
 * module (`environments/workloads/<template>.ts`) and every other module reads descriptors and
 * traits instead of switching on template names.
 *
 * Descriptors are plain data plus small pure functions. Those that need the estate's shared parts
 * (the instances function) receive them through {@link WorkloadInstanceContext}, declared here,
 * so that this layer imports nothing from estate or constructs.
 */
import type { z } from "zod";

/**
 * Every kind of resource a workload can need, in the order they are rendered: prerequisites of
 * pods (service account, configuration, volumes) and the objects around them first, the
 * workloads that own pods last.
 */
export const WORKLOAD_KINDS = [
  "serviceAccount",
  "configMap",
  "volumeClaim",
  "service",
  "ingress",
  "autoscaler",
  "disruptionBudget",
  "deployment",
  "statefulSet",
  "cronJob",
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Kinds that own pods: they wait for the service account, configuration and volumes of their workload. */
export const POD_OWNER_KINDS: ReadonlySet<WorkloadKind> = new Set(["deployment", "statefulSet", "cronJob"]);

/** How a template's pods are built. */
export interface PodRendering {
  /** http: GET health_path on port; tcp: connect to port; exec: run health_command. */
  readonly probe: "http" | "tcp" | "exec";
  /**
   * Runs on the GPU pool: tolerate its taint, and give model loading time before liveness counts.
   * @default false
   */
  readonly gpu?: boolean;
  /**
   * Mounts the StatefulSet's `data` volume claim.
   * @default false
   */
  readonly data?: boolean;
  /**
   * For Jobs, which may not restart Always.
   * @default the kind's default (Always)
   */
  readonly restartPolicy?: "Never";
}

/** A kind rendered with no options. */
export type Plain = Readonly<Record<never, never>>;

/**
 * Which resource kinds a template renders, and how, as plain data: constructs/tenant-workloads.ts
 * renders every template from this, generically. A kind that is absent is not rendered.
 */
export interface WorkloadRendering {
  readonly serviceAccount: Plain;
  readonly configMap: Plain;
  readonly volumeClaim?: Plain;
  readonly service?: {
    /** Headless: a stateful service's replicas are addressed one by one (<name>-0.<name>). */
    readonly headless: boolean;
    /** Name of the service port and of the container port it targets. */
    readonly portName: string;
  };
  readonly ingress?: Plain;
  readonly autoscaler?: Plain;
  readonly disruptionBudget?: Plain;
  readonly deployment?: PodRendering & {
    /**
     * Sets the replica count; left out where an autoscaler owns it, so that Terraform does not fight it.
     * @default false
     */
    readonly replicas?: boolean;
  };
  readonly statefulSet?: PodRendering;
  readonly cronJob?: PodRendering;
}

/** The node pool role a workload runs on (`node-role.govcloud.gov.vn/role`). */
export type NodeRole = "general" | "gpu" | "storage";

/** What the rest of the platform needs to know about a template, without knowing its name. */
export interface WorkloadTraits {
  /** Published through an Ingress: the ingress controller must reach its pods. */
  readonly exposed: boolean;
  /**
   * Holds data in volumes: backed up with consistency hooks, its stack holds data, and it cannot
   * be placed flexibly (its volumes live in the home region).
   */
  readonly holdsData: boolean;
  /** The node pool its pods run on. */
  readonly nodeRole: NodeRole;
  /** Serves read-only data: the platform tells the container so (READ_ONLY=true). */
  readonly readOnly: boolean;
}

/** How big one workload is: what its quota, placement and energy figures are computed from. */
export interface WorkloadSizing {
  /** Replicas that normally run (the autoscaler's minimum). */
  readonly replicas: number;
  /** Most replicas that can run (the autoscaler's maximum). */
  readonly maxReplicas: number;
  /** GPUs per replica. */
  readonly gpusPerReplica: number;
  /** Persistent volume per replica, GiB. */
  readonly storageGiBPerReplica: number;
}

/** A registry-hosted artifact a workload pulls besides its image, such as a model. */
export interface WorkloadArtifact {
  /** The workload field that names it (`model`): error messages and reports point at it. */
  readonly field: string;
  /** Its registry host. */
  readonly host: string;
}

/** KPIs (estate/kpis.ts) that count the agencies running a template. */
export type TemplateKpi = "open-data-agencies" | "ai-agencies";

/** What the onboarding command writes for a template. */
export interface WorkloadOnboarding {
  /** What the template is for: the comment above the workload in a new agency file. */
  readonly purpose: string;
  /**
   * Required fields that onboard cannot ask for and fills with a placeholder to change, with the
   * note it writes beside them. Fields the command takes (`--host`, `--model`, `--image`) are
   * filled from the command line.
   * @default {}
   */
  readonly placeholders?: Readonly<Record<string, { readonly value: unknown; readonly note: string }>>;
  /**
   * The template-specific fields of a small valid workload (besides template, system and image),
   * as an agency would write them: the docs and the tests build their samples from it.
   */
  readonly example: Readonly<Record<string, unknown>>;
}

/**
 * The shared parts of one workload's instances, computed by the estate (estate/workload-instances.ts)
 * and handed to the template's instances function.
 */
export interface WorkloadInstanceContext {
  /** The workload's name (its key in the agency file). */
  readonly name: string;
  /** The instance key, `<agency-id>/<workload>`. */
  readonly key: string;
  /** name, namespace and labels of every object of the workload. */
  readonly meta: Readonly<Record<string, unknown>>;
  /** The labels that select the workload's pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** Values every pod template of the workload uses (image, resources, labels, ...). */
  readonly pod: Readonly<Record<string, unknown>>;
  /** The StorageClass of tenant volumes when the workload names none; null: the cluster's default. */
  defaultStorageClass(): string | null;
  /**
   * Adds an instance of one kind; `instanceKey` defaults to {@link key}. Make `values` with
   * `merged(ctx.meta, { ... }, ctx.pod, ...)` (core/merged.ts), not by spreading and adding
   * properties: Node.js 20 gives every object made that way a hidden class of its own, which made
   * a national synthesis 0.4 s slower (test/core/merged.test.ts checks every block's instances).
   */
  add(kind: WorkloadKind, values: Record<string, unknown>, instanceKey?: string): void;
  /** The values of a Service in front of the pods. */
  service(port: number): Record<string, unknown>;
  /** The values of a PodDisruptionBudget over the pods. */
  disruptionBudget(): Record<string, unknown>;
  /** The values of a public Ingress: TLS from the platform's issuer, plus the template's annotations. */
  ingress(host: string, port: number, annotations?: Readonly<Record<string, string>>): Record<string, unknown>;
}

/** The behaviour of a template over its workloads `W` (everything but the schema). */
export interface WorkloadBehaviour<W> {
  readonly traits: WorkloadTraits;
  readonly rendering: WorkloadRendering;
  /** The template's sizes (quota, placement, energy). */
  sizing(workload: W): WorkloadSizing;
  /**
   * Adds the template's instances beyond the service account and configuration that every
   * workload gets. Adds in a fixed order: instance data is part of the synthesized output.
   */
  instances(workload: W, ctx: WorkloadInstanceContext): void;
  /**
   * Environment variables the platform sets in the container; they win over the agency's.
   * @default none
   */
  platformEnv?(workload: W): Readonly<Record<string, string>>;
  /**
   * Artifacts pulled from a registry besides the image; each must come from an in-country mirror.
   * @default none
   */
  artifacts?(workload: W): readonly WorkloadArtifact[];
  /**
   * The volumes the workload's replicas hold; required when `traits.holdsData`.
   * @default none
   */
  volumes?(workload: W): { readonly storageClass: string | undefined };
  /**
   * Hours per year one replica runs, for the energy report, when it does not run all year.
   * @default hoursPerYear (all year)
   */
  runningHours?(workload: W, hoursPerYear: number): number;
  /**
   * KPIs that count the agencies running this template.
   * @default []
   */
  readonly kpis?: readonly TemplateKpi[];
  readonly onboarding: WorkloadOnboarding;
}

/** The zod schema of a template: a strict object whose `template` is a literal. */
export type TemplateSchema = z.ZodObject<{ template: z.ZodLiteral<string> } & z.core.$ZodShape, z.core.$strict>;

/** One workload template: its schema (with its defaults) and its behaviour. */
export interface WorkloadTemplateDescriptor<S extends TemplateSchema = TemplateSchema> extends WorkloadBehaviour<z.output<S>> {
  /** The template's schema, with its defaults; its `template` literal is the template's name. */
  readonly schema: S;
}

/** Declares a template; only checks the descriptor's type (a missing piece is a compile error). */
export function workloadTemplate<S extends TemplateSchema>(descriptor: WorkloadTemplateDescriptor<S>): WorkloadTemplateDescriptor<S> {
  return descriptor;
}
