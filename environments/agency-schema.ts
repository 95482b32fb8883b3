/**
 * The agency file schema: `environments/<env>/agencies/<agency-id>.yaml`, written by a ministry,
 * province or commune (usually from `govcloud onboard`) and reviewed by platform engineers.
 *
 * Workload template defaults live here, in the template's schema, and nowhere else: the
 * onboarding command and the docs read them from these schemas.
 */
import { z } from "zod";
import { CronSchedule, DnsLabel, IsoDate, PolicySuppressionSchema } from "./schema";

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

/** Agency ids become namespace names (`tenant-<id>`), so they are short DNS labels. */
export const AgencyId = z
  .string()
  .max(50, "must be at most 50 characters, so that the namespace name tenant-<id> fits in 63")
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be lowercase letters, digits and '-' (write Vietnamese names without diacritics, e.g. so-y-te-ha-noi)",
  );

export const AgencyLevel = z.enum(["central", "provincial", "commune"]);
export const DataClassification = z.enum(["public", "internal", "confidential", "secret"]);
export const ContactRole = z.enum(["owner", "technical", "security"]);

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

const AgencyLabels = z
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

const Cpu = z.number().positive().max(256).multipleOf(0.001, "is at most 3 decimals (millicores)");
const MemoryMiB = z.int().min(16).max(1_048_576);

/** Environment variables are configuration only; secrets are referenced, never written. */
const Env = z
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
const HealthCommand = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(32)
  .default(["cat", "/tmp/healthy"])
  .describe(
    "Probe command run in the container; exit code 0 means healthy. The default expects the program to write /tmp/healthy (/tmp is writable; the root file system is read-only)",
  );

const Dependency = z.strictObject({
  agency: AgencyId.describe("The agency that provides the service"),
  workload: DnsLabel.describe("The provider's workload (a web-service, open-data-api, stateful-service or ai-inference)"),
});

const Resources = (cpu: number, memoryMiB: number, cpuLimit: number, memoryLimitMiB: number) =>
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

const Host = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "must be a fully qualified host name");

const HttpPath = z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, "must be an absolute URL path such as /healthz");

// ---------------------------------------------------------------------------------------------
// Workload templates: the defaults of each template live in its schema.
// ---------------------------------------------------------------------------------------------

const workloadBase = {
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

export const WebServiceSchema = z.strictObject({
  template: z.literal("web-service"),
  ...workloadBase,
  host: Host.describe("Public host name; TLS certificates are issued by the platform"),
  port: z.int().min(1024).max(65535).default(8080),
  healthPath: HttpPath.default("/healthz"),
  minReplicas: z.int().min(2, "must be at least 2 so a node can be drained without downtime").max(100).default(2),
  maxReplicas: z.int().min(2).max(200).default(6),
  resources: Resources(0.25, 256, 1, 512),
});

export const WorkerSchema = z.strictObject({
  template: z.literal("worker"),
  ...workloadBase,
  replicas: z.int().min(1).max(100).default(2),
  healthCommand: HealthCommand,
  resources: Resources(0.25, 256, 1, 512),
});

export const ScheduledJobSchema = z.strictObject({
  template: z.literal("scheduled-job"),
  ...workloadBase,
  schedule: CronSchedule("0 2 * * *").describe("Cron schedule, in the cluster's time zone (Asia/Ho_Chi_Minh)"),
  activeDeadlineSeconds: z.int().min(60).max(86_400).default(3600),
  healthCommand: HealthCommand,
  resources: Resources(0.25, 256, 1, 512),
});

export const StatefulServiceSchema = z.strictObject({
  template: z.literal("stateful-service"),
  ...workloadBase,
  port: z.int().min(1024).max(65535).default(5432),
  replicas: z.int().min(1).max(9).default(3),
  storageGiB: z.int().min(1).max(16_384).default(20).describe("Volume size per replica, GiB"),
  storageClass: z.string().min(1).max(253).optional().describe("StorageClass; defaults to the environment's retained class"),
  resources: Resources(0.5, 1024, 2, 2048),
});

export const OpenDataApiSchema = z.strictObject({
  template: z.literal("open-data-api"),
  ...workloadBase,
  host: Host.describe("Public host name of the open data API"),
  port: z.int().min(1024).max(65535).default(8080),
  healthPath: HttpPath.default("/healthz"),
  rateLimitPerSecond: z.int().min(1).max(1000).default(20).describe("Requests per second per client address"),
  minReplicas: z.int().min(2).max(100).default(2),
  maxReplicas: z.int().min(2).max(200).default(8),
  resources: Resources(0.25, 256, 1, 512),
});

export const AiInferenceSchema = z.strictObject({
  template: z.literal("ai-inference"),
  ...workloadBase,
  model: z
    .string()
    .regex(
      /^oci:\/\/[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$/,
      "must be an OCI artifact pinned by digest, such as oci://registry.north.govcloud.gov.vn/models/phogpt@sha256:<64 hex>",
    )
    .describe("The model, served from the in-country registry"),
  port: z.int().min(1024).max(65535).default(8000),
  healthPath: HttpPath.default("/health"),
  replicas: z.int().min(1).max(32).default(1),
  gpus: z.int().min(1).max(8).default(1).describe("GPUs per replica"),
  resources: Resources(4, 16_384, 8, 32_768),
});

export const WorkloadSchema = z.discriminatedUnion("template", [
  WebServiceSchema,
  WorkerSchema,
  ScheduledJobSchema,
  StatefulServiceSchema,
  OpenDataApiSchema,
  AiInferenceSchema,
]);

/** The template names, for `--template` and error messages. */
export const WORKLOAD_TEMPLATES = WorkloadSchema.options.map((o) => o.shape.template.value);
export type WorkloadTemplate = (typeof WORKLOAD_TEMPLATES)[number];

// ---------------------------------------------------------------------------------------------
// The agency
// ---------------------------------------------------------------------------------------------

export const InformationSystemSchema = z.strictObject({
  name: z.string().min(1).max(200),
  securityLevel: z
    .int()
    .min(1)
    .max(5)
    .describe("Cybersecurity level of the information system, 1 to 5 (Decree 85/2016/NĐ-CP)"),
  approval: z
    .strictObject({
      decision: z.string().min(1).max(100).describe("Number of the approval decision, e.g. 123/QĐ-BTC"),
      approvedOn: IsoDate,
      reviewDue: IsoDate.describe("Date of the next periodic inspection"),
    })
    .optional()
    .describe("Approval of the level dossier; required from level 2"),
});

/**
 * The record of a personal data protection impact assessment: the dossier an agency that
 * processes personal data draws up and keeps (Law 91/2025/QH15 on Personal Data Protection,
 * Decree 356/2025/NĐ-CP), declared as a system declares the approval of its security level.
 */
export const DpiaRecordSchema = z.strictObject({
  reference: z
    .string()
    .min(1)
    .max(100)
    .describe("Number of the impact assessment dossier, as filed, e.g. 01/HSĐGTĐ-BYT"),
  completedOn: IsoDate.describe("Date the assessment was completed"),
});

/** Text that stands for a value someone still has to write. */
const PLACEHOLDER = /^(?:|tbd|todo|tbc|fixme|xxx+|n\/?a|none|placeholder|changeme|\.\.\.|-+|<[^>]*>|\?+)$/i;

/**
 * An agency's retirement: the decision that retires it and how long its last backups are kept.
 * With it, synth drops the agency's tenants (its namespaces and volumes are destroyed at the
 * next apply); without it, removing an agency that exists in the committed files is refused.
 */
export const RetirementSchema = z.strictObject({
  decision: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((text) => !PLACEHOLDER.test(text) && !/\b(?:TODO|TBD|FIXME)\b/i.test(text), "must name the real decision (number and issuer), not a placeholder")
    .describe("The decision that retires the agency, e.g. 45/QĐ-UBND of the provincial People's Committee"),
  date: IsoDate.describe("Date of the decision"),
  backupRetentionDays: z.int().min(1).max(36_500).describe("How long the agency's last backups are kept after its namespaces are destroyed, in days"),
});
export type Retirement = z.infer<typeof RetirementSchema>;

export const AgencySchema = z
  .strictObject({
    id: AgencyId.describe("Agency id; must match the file name"),
    renamedFrom: AgencyId.optional().describe(
      "The agency's former id, after a rename: its resources are moved to the new addresses (Terraform moved blocks), not destroyed and recreated, and its Kubernetes objects keep their names (namespace tenant-<former id>). Keep it after the rename",
    ),
    originalId: AgencyId.optional().describe(
      "Only for an agency renamed more than once: the id its Kubernetes objects were first named after (namespace tenant-<originalId>); default renamedFrom, else id",
    ),
    retired: RetirementSchema.optional().describe(
      "The agency is retired: its tenants, namespaces and volumes are destroyed at the next apply. Removing an agency's file without this is refused",
    ),
    code: z
      .string()
      .regex(/^(\d{2}|\d{5})$/, "must be the 2-digit province or 5-digit commune code of Decision 19/2025/QĐ-TTg")
      .optional()
      .describe("Administrative unit code (provinces and communes)"),
    displayName: z.string().min(1).max(200).describe("Official name, with Vietnamese diacritics"),
    level: AgencyLevel,
    parent: AgencyId.optional().describe("Parent agency id (required for communes)"),
    contacts: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(200),
          role: ContactRole,
          email: z.email("must be an e-mail address"),
          phone: z.string().regex(/^\+?[0-9 .-]{8,20}$/, "must be a phone number").optional(),
        }),
      )
      .min(1, "needs at least one contact"),
    homeRegion: DnsLabel.describe("Region where the workloads run"),
    drRegion: DnsLabel.describe("Disaster-recovery region: holds the standby tenant and backup copies"),
    quota: z.strictObject({
      cpu: z.number().positive().max(10_000).describe("CPU requests, cores"),
      memoryGiB: z.number().positive().max(100_000).describe("Memory requests, GiB"),
      storageGiB: z.int().min(0).max(1_000_000).default(0).describe("Persistent volume storage, GiB"),
      gpus: z.int().min(0).max(512).default(0),
    }),
    dataClassification: DataClassification,
    costCentre: z
      .string()
      .max(63)
      .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "must be label-safe: letters, digits, '-', '_' and '.', starting and ending with a letter or digit")
      .optional()
      .describe("Cost centre that energy and carbon are charged to (green.govcloud.gov.vn/cost-centre label); default the agency id"),
    personalData: z
      .boolean()
      .describe(
        "Whether the agency processes personal data (Personal Data Protection Law, Law 91/2025/QH15, in force 1 January 2026, and Decree 356/2025/NĐ-CP); if so, record its impact assessment under dpia",
      ),
    dpia: DpiaRecordSchema.optional().describe(
      "The agency's personal data protection impact assessment (Law 91/2025/QH15; Decree 356/2025/NĐ-CP): required when personalData is true; govcloud check flags a missing or placeholder record",
    ),
    systems: z.record(DnsLabel, InformationSystemSchema).describe("Information systems, keyed by system id"),
    access: z
      .strictObject({
        admins: z.array(z.string().min(1).max(253)).optional(),
        developers: z.array(z.string().min(1).max(253)).optional(),
        viewers: z.array(z.string().min(1).max(253)).optional(),
      })
      .prefault({})
      .describe("Identity-provider groups per role; default <id>-admins, <id>-developers, <id>-viewers"),
    workloads: z.record(DnsLabel.max(40, "must be at most 40 characters"), WorkloadSchema).default({}),
    suppressions: z
      .array(PolicySuppressionSchema)
      .default([])
      .describe("Accepted exceptions to policy rules for this agency's resources only (govcloud check)"),
  })
  .superRefine((agency, ctx) => {
    if (agency.drRegion === agency.homeRegion) {
      ctx.addIssue({
        code: "custom",
        path: ["drRegion"],
        message: `must differ from homeRegion '${agency.homeRegion}': a disaster in one region must not take both copies`,
      });
    }
    if (agency.level === "commune" && agency.parent === undefined) {
      ctx.addIssue({ code: "custom", path: ["parent"], message: "is required for a commune: name its province" });
    }
    for (const [id, system] of Object.entries(agency.systems)) {
      if (system.securityLevel >= 2 && system.approval === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["systems", id, "approval"],
          message: `is required for security level ${system.securityLevel} (Decree 85/2016/NĐ-CP, level 2 and above)`,
        });
      }
      if (system.approval !== undefined && system.approval.reviewDue <= system.approval.approvedOn) {
        ctx.addIssue({ code: "custom", path: ["systems", id, "approval", "reviewDue"], message: "must be after approvedOn" });
      }
    }
    for (const [name, workload] of Object.entries(agency.workloads)) {
      if (!(workload.system in agency.systems)) {
        ctx.addIssue({
          code: "custom",
          path: ["workloads", name, "system"],
          message: `names no system of this agency; known systems: ${Object.keys(agency.systems).join(", ") || "(none)"}`,
        });
      }
      if ("minReplicas" in workload && workload.maxReplicas < workload.minReplicas) {
        ctx.addIssue({ code: "custom", path: ["workloads", name, "maxReplicas"], message: `must be at least minReplicas (${workload.minReplicas})` });
      }
      if (workload.template === "stateful-service" && workload.placement === "flexible") {
        ctx.addIssue({
          code: "custom",
          path: ["workloads", name, "placement"],
          message: "cannot be flexible for a stateful-service: its volumes live in the home region and are never destroyed, so it cannot move; use home",
        });
      }
    }
  });

export type Agency = z.infer<typeof AgencySchema>;
export type Workload = z.infer<typeof WorkloadSchema>;
export type InformationSystem = z.infer<typeof InformationSystemSchema>;
