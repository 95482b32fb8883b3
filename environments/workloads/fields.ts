/**
 * Field types that the workload templates (and the agency file) share. The defaults of each
 * template live in its own schema, in its descriptor module beside this one.
 */
import { z } from "zod";
import { DnsLabel } from "../schema";
import type { WorkloadInstanceContext, WorkloadRendering } from "./descriptor";
import { merged } from "../../core/merged";

/** Agency ids become namespace names (`tenant-<id>`), so they are short DNS labels. */
export const AgencyId = z
  .string()
  .max(50, "must be at most 50 characters, so that the namespace name tenant-<id> fits in 63")
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be lowercase letters, digits and '-' (write Vietnamese names without diacritics, e.g. so-y-te-ha-noi)",
  );

/** Label keys that isolation, placement or policy depend on: agencies may not set them. */
export const RESERVED_LABEL_PREFIXES = [
  "govcloud.gov.vn/",
  "kubernetes.io/",
  "k8s.io/",
  "app.kubernetes.io/managed-by",
  "pod-security.kubernetes.io/",
  "velero.io/",
  "cluster.x-k8s.io/",
] as const;

/** True for label keys under a platform prefix (including subdomains such as x.kubernetes.io/). */
export function isReservedLabel(key: string): boolean {
  return RESERVED_LABEL_PREFIXES.some((p) => key.startsWith(p) || key.includes(`.${p}`));
}

export const AgencyLabels = z
  .record(
    z
      .string()
      .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "is not a valid Kubernetes label key")
      .refine((key) => !isReservedLabel(key), "is reserved for the platform: isolation and policies depend on it"),
    z.string().max(63).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, "is not a valid Kubernetes label value"),
  )
  .default({});

/**
 * An image pinned by digest: `<registry>/<path>@sha256:<64 hex>`. The registry is checked
 * against the environment's in-country registries when the estate is built.
 */
export const PinnedImage = z
  .string()
  .max(512)
  .regex(
    /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?@sha256:[a-f0-9]{64}$/,
    "must be an image pinned by digest, such as registry.north.govcloud.gov.vn/agency/app@sha256:<64 hex digits>",
  );

export const Cpu = z.number().positive().max(256).multipleOf(0.001, "is at most 3 decimals (millicores)");
export const MemoryMiB = z.int().min(16).max(1_048_576);

/** Environment variables are configuration only; secrets are referenced, never written. */
export const Env = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "is not a valid environment variable name"),
    z.string().max(4096),
  )
  .default({})
  .superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env)) {
      if (/(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL)/i.test(name) && value !== "") {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "looks like a secret: never write secret values in config; put it in the workload's Secret (secretName) instead",
        });
      }
    }
  });

/** Liveness and readiness of templates that serve no port: a command run in the container. */
export const HealthCommand = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(32)
  .default(["cat", "/tmp/healthy"])
  .describe(
    "Probe command run in the container; exit code 0 means healthy. The default expects the program to write /tmp/healthy (/tmp is writable; the root file system is read-only)",
  );

export const Dependency = z.strictObject({
  agency: AgencyId.describe("The agency that provides the service"),
  workload: DnsLabel.describe("The provider's workload (a web-service, open-data-api, stateful-service or ai-inference)"),
});

export const Resources = (cpu: number, memoryMiB: number, cpuLimit: number, memoryLimitMiB: number) =>
  z
    .strictObject({
      cpu: Cpu.default(cpu).describe("CPU request per replica, cores"),
      memoryMiB: MemoryMiB.default(memoryMiB).describe("Memory request per replica, MiB"),
      cpuLimit: Cpu.default(cpuLimit).describe("CPU limit per replica, cores"),
      memoryLimitMiB: MemoryMiB.default(memoryLimitMiB).describe("Memory limit per replica, MiB"),
    })
    .prefault({})
    .superRefine((r, ctx) => {
      if (r.cpuLimit < r.cpu) ctx.addIssue({ code: "custom", path: ["cpuLimit"], message: `must be at least the request (${r.cpu})` });
      if (r.memoryLimitMiB < r.memoryMiB) {
        ctx.addIssue({ code: "custom", path: ["memoryLimitMiB"], message: `must be at least the request (${r.memoryMiB})` });
      }
    });

export const Host = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "must be a fully qualified host name");

export const HttpPath = z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, "must be an absolute URL path such as /healthz");

/** The fields every workload template has, whatever it runs. */
export const workloadBase = {
  system: DnsLabel.describe("The information system (a key of `systems`) this workload belongs to"),
  image: PinnedImage,
  env: Env,
  secretName: DnsLabel.optional().describe(
    "Existing Secret in the tenant namespace, managed outside IaC, whose keys become environment variables; default <workload>-secrets (optional: the workload starts without it)",
  ),
  labels: AgencyLabels,
  dependsOn: z.array(Dependency).default([]).describe("Services of other agencies this workload calls"),
  placement: z
    .enum(["home", "flexible"])
    .default("home")
    .describe("home: run in the home region; flexible: run in the lowest-carbon allowed region with capacity"),
  functionalUnit: z
    .strictObject({
      name: z.string().min(1).max(100).describe("What one unit of work is, e.g. 'hồ sơ xử lý' or 'API request'"),
      perYear: z.number().positive().max(1e15).describe("Units served per year (declared or measured)"),
    })
    .optional()
    .describe("The workload's functional unit, for its Software Carbon Intensity (gCO2e per unit, ISO/IEC 21031) in the energy report"),
};


/** What a public HTTP template (web service, open data API) renders: the same resources for both. */
export const PUBLIC_HTTP_RENDERING = {
  serviceAccount: {},
  configMap: {},
  // No replicas: the autoscaler owns the count between min and max.
  deployment: { probe: "http" },
  service: { headless: false, portName: "http" },
  ingress: {},
  autoscaler: {},
  disruptionBudget: {},
} as const satisfies WorkloadRendering;

/** The fields a public HTTP template's instances are built from. */
interface PublicHttpWorkload {
  readonly host: string;
  readonly port: number;
  readonly healthPath: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/**
 * The instances of a public HTTP template: its deployment, service, ingress (with the template's
 * own annotations, if any), autoscaler and disruption budget.
 */
export function addPublicHttpInstances(
  w: PublicHttpWorkload,
  ctx: WorkloadInstanceContext,
  ingressAnnotations?: Readonly<Record<string, string>>,
): void {
  ctx.add("deployment", merged(ctx.meta, { selector: ctx.selector }, ctx.pod, { port: w.port, health_path: w.healthPath }));
  ctx.add("service", ctx.service(w.port));
  ctx.add("ingress", ingressAnnotations === undefined ? ctx.ingress(w.host, w.port) : ctx.ingress(w.host, w.port, ingressAnnotations));
  ctx.add("autoscaler", merged(ctx.meta, { target: ctx.name, min_replicas: w.minReplicas, max_replicas: w.maxReplicas }));
  ctx.add("disruptionBudget", ctx.disruptionBudget());
}
