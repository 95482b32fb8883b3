/**
 * The agency file schema: `environments/<env>/agencies/<agency-id>.yaml`, written by a ministry,
 * province or commune (usually from `govcloud onboard`) and reviewed by platform engineers.
 *
 * Workload template defaults live in each template's schema, in its descriptor module
 * (`environments/workloads/<template>.ts`), and nowhere else: the onboarding command and the
 * docs read them from these schemas.
 */
import { z } from "zod";
import { DnsLabel, IsoDate, PolicySuppressionSchema } from "./schema";
import { AgencyId } from "./workloads/fields";
import { WorkloadSchema, descriptorOf } from "./workloads";

export { AgencyId, PinnedImage, RESERVED_LABEL_PREFIXES, isReservedLabel } from "./workloads/fields";
export { WORKLOAD_TEMPLATES, WorkloadSchema, type Workload, type WorkloadTemplate } from "./workloads";

// ---------------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------------

export const AgencyLevel = z.enum(["central", "provincial", "commune"]);
export const DataClassification = z.enum(["public", "internal", "confidential", "secret"]);
export const ContactRole = z.enum(["owner", "technical", "security"]);

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
      if (descriptorOf(workload).traits.holdsData && workload.placement === "flexible") {
        ctx.addIssue({
          code: "custom",
          path: ["workloads", name, "placement"],
          message: `cannot be flexible for a ${workload.template}: its volumes live in the home region and are never destroyed, so it cannot move; use home`,
        });
      }
    }
  });

export type Agency = z.infer<typeof AgencySchema>;
export type InformationSystem = z.infer<typeof InformationSystemSchema>;
