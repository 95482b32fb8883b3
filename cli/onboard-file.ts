/**
 * The agency file that `govcloud onboard` writes: valid as written, commented field by field,
 * template defaults shown as commented-out lines. A pure function ({@link renderAgencyFile}) of
 * what the command resolved; the comments come from the schemas (cli/onboard-schema-doc.ts) and
 * the defaults from estate/onboarding.ts.
 */
import YAML from "yaml";
import type { z } from "zod";
import {
  type AgencyLevel,
  AgencySchema,
  type DataClassification,
  InformationSystemSchema,
  WORKLOAD_TEMPLATES,
  type Workload,
  type WorkloadTemplate,
} from "../environments/agency-schema";
import { workloadTemplateOf } from "../environments/workloads";
import type { RegionCapacity } from "../estate/capacity";
import { defaultLevel, QUOTA_HEADROOM, sizeQuota } from "../estate/onboarding";
import { doc, fieldSchema, objectShape, templateSchema } from "./onboard-schema-doc";
import { isPlainObject } from "../core/plain-object";

const DEFAULT_ENV = "national";

/** Everything the agency file is rendered from. Optional fields have onboarding defaults. */
export interface AgencyFileInput {
  /** The environment the agency joins, named in the header and the synth hint. */
  readonly environment: string;
  /** Agency id (an {@link AgencyId}); also the file name. */
  readonly id: string;
  /**
   * Official name, with diacritics.
   * @default derived from the id ("so-y-te" becomes "So Y Te"), marked TODO
   */
  readonly displayName?: string;
  /**
   * @default provincial for a 2-digit code, commune for a 5-digit code, else central (the
   * command also defaults it from the parent: estate/onboarding.ts `defaultLevel`)
   */
  readonly level?: z.infer<typeof AgencyLevel>;
  /** 2-digit province or 5-digit commune code (Decision 19/2025/QĐ-TTg). */
  readonly code?: string;
  /** Parent agency id; required for communes. */
  readonly parent?: string;
  readonly homeRegion: string;
  readonly drRegion: string;
  /**
   * Why the regions were chosen, written beside them (estate/onboarding.ts).
   * @default none: the regions were given
   */
  readonly homeRegionReason?: string;
  /** @default none: the region was given */
  readonly drRegionReason?: string;
  /**
   * What the home and DR regions have left for this agency's quota (estate/onboarding.ts
   * `agencyRoom`): the headroom is cut to fit.
   * @default unlimited
   */
  readonly room?: RegionCapacity;
  /** @default "internal" */
  readonly dataClassification?: z.infer<typeof DataClassification>;
  /** @default false */
  readonly personalData?: boolean;
  /** The impact assessment record; required when `personalData` is true. */
  readonly dpia?: { readonly reference: string; readonly completedOn: string };
  /**
   * Contact address of the agency's owner.
   * @default `cntt@<id>.gov.vn`, marked as a placeholder to replace
   */
  readonly contactEmail?: string;
  /** One workload per template, named after it. Written in WORKLOAD_TEMPLATES order. */
  readonly templates: readonly WorkloadTemplate[];
  /** Image of every new workload; required when there are templates. */
  readonly image?: string;
  /** Model of the ai-inference workload (oci://...@sha256:...); required with that template. */
  readonly model?: string;
  /**
   * Host name of the web-service or open-data-api workload (then at most one of them is chosen).
   * @default `<workload>.<id>.<publicDomain>`
   */
  readonly host?: string;
  /**
   * Domain under which default hosts are made (one of the environment's `tenancy.publicDomains`).
   * @default "gov.vn"
   */
  readonly publicDomain?: string;
  /** The onboarding moment; its date in Vietnam (UTC+7) becomes approvedOn. */
  readonly now: Date;
}


/** The one information system an onboarded agency starts with; workloads point at it. */
const SYSTEM_ID = "main";
const SYSTEM_SECURITY_LEVEL = 2;
const REVIEW_AFTER_YEARS = 2;

/** Comments for workload fields whose schema has no description. */
const FIELD_COMMENTS: Readonly<Record<string, string>> = {
  template: "Workload template; fixes the fields and defaults below",
  image: "Container image pinned by digest, from one of the environment's in-country registries",
  env: "Environment variables: configuration only, never secret values",
  labels: "Extra Kubernetes labels; platform prefixes (govcloud.gov.vn/, kubernetes.io/, ...) are reserved",
  port: "Port the container listens on",
  healthPath: "HTTP path the platform probes for health",
  minReplicas: "Fewest replicas the autoscaler keeps",
  maxReplicas: "Most replicas the autoscaler adds",
  replicas: "Number of replicas",
  activeDeadlineSeconds: "Longest one run may take before it is stopped, seconds",
  resources: "Requests and limits per replica",
};

/**
 * Renders a new agency file: valid as written, every field commented, template defaults shown
 * as commented-out lines. Pure: the same input gives the same bytes.
 *
 * @throws Error when the input breaks the renderer's preconditions (the command checks them first)
 */
export function renderAgencyFile(input: AgencyFileInput): string {
  const id = input.id;
  const derivedName = input.displayName === undefined;
  const displayName = input.displayName ?? nameFromId(id);
  const level = input.level ?? defaultLevel(input.code, undefined);
  const contactPlaceholder = input.contactEmail === undefined;
  const contactEmail = input.contactEmail ?? `cntt@${id}.gov.vn`;
  const approvedOn = vietnamDate(input.now);
  const reviewDue = addYears(approvedOn, REVIEW_AFTER_YEARS);
  const workloads = buildWorkloads(input);
  const quota = sizeQuota(workloads.map((w) => w.value), input.room);
  const shape = AgencySchema.shape;
  const contactShape = shape.contacts.element.shape;
  const systemShape = InformationSystemSchema.shape;
  const approvalShape = systemShape.approval.unwrap().shape;
  const quotaShape = shape.quota.shape;

  const out: string[] = [
    "# yaml-language-server: $schema=../../../schemas/agency.schema.json",
    "#",
    `# Agency file of ${oneLine(displayName)} (${id}) in the '${input.environment}' environment: its tenant on the`,
    "# government cloud (contacts, regions, quota, information systems, workloads), which becomes the",
    `# namespace tenant-${id} in the home and disaster-recovery regions.`,
    "# Review: platform engineers review every change in a merge request; the agency's security officer",
    "# confirms the information systems' security levels and approvals.",
    `# Synthesize: replace every TODO, then run \`${synthHint(input.environment)}\` to check this file and build the Terraform.`,
    `# Written by \`govcloud onboard\` on ${approvedOn}. Template defaults are commented out: uncomment a line to change it.`,
    "",
  ];

  field(out, 0, "id", id, doc(shape.id));
  field(out, 0, "displayName", displayName, doc(shape.displayName, "", derivedName ? "TODO: derived from the id; write the official name" : ""));
  field(out, 0, "level", level, doc(shape.level, "Administrative level"));
  if (input.code !== undefined) field(out, 0, "code", input.code, doc(shape.code));
  if (input.parent !== undefined) field(out, 0, "parent", input.parent, doc(shape.parent));

  out.push("");
  comment(out, 0, "People the platform team contacts; add technical and security contacts too");
  out.push("contacts:");
  comment(out, 2, doc(contactShape.name, "Full name", "TODO: the official responsible for this tenant"));
  out.push(`  - name: ${scalar("TODO: full name")}`);
  comment(out, 4, doc(contactShape.role, "What the contact answers for"));
  out.push("    role: owner");
  comment(out, 4, doc(contactShape.email, "E-mail address", contactPlaceholder ? "TODO: placeholder; replace with a monitored mailbox" : ""));
  out.push(`    email: ${scalar(contactEmail)}`);

  out.push("");
  field(out, 0, "homeRegion", input.homeRegion, doc(shape.homeRegion, "", input.homeRegionReason === undefined ? "" : `default: ${oneLine(input.homeRegionReason)}`));
  field(out, 0, "drRegion", input.drRegion, doc(shape.drRegion, "", input.drRegionReason === undefined ? "" : `default: ${oneLine(input.drRegionReason)}`));

  out.push("");
  comment(
    out,
    0,
    `Resource quota: the workloads' requests at their largest scale, x${QUOTA_HEADROOM} for rolling updates and growth, rounded up (GPUs exactly)${
      input.room === undefined ? "" : "; the headroom is cut to what the home and DR regions have left"
    }`,
  );
  out.push("quota:");
  field(out, 2, "cpu", quota.cpu, doc(quotaShape.cpu));
  field(out, 2, "memoryGiB", quota.memoryGiB, doc(quotaShape.memoryGiB));
  field(out, 2, "storageGiB", quota.storageGiB, doc(quotaShape.storageGiB));
  field(out, 2, "gpus", quota.gpus, doc(quotaShape.gpus, "GPUs, whole devices"));

  out.push("");
  field(out, 0, "dataClassification", input.dataClassification ?? "internal", doc(shape.dataClassification, "Most sensitive data the agency stores"));
  field(out, 0, "personalData", input.personalData ?? false, doc(shape.personalData));
  if (input.personalData === true) {
    if (input.dpia === undefined) throw new Error("internal error: an agency with personal data needs its impact assessment record");
    const dpiaShape = shape.dpia.unwrap().shape;
    comment(out, 0, doc(shape.dpia));
    out.push("dpia:");
    field(out, 2, "reference", input.dpia.reference, doc(dpiaShape.reference));
    field(out, 2, "completedOn", input.dpia.completedOn, doc(dpiaShape.completedOn));
  }

  out.push("");
  comment(out, 0, doc(shape.systems));
  out.push("systems:");
  comment(out, 2, "TODO: the system's short id; workloads name it in their system field");
  out.push(`  ${SYSTEM_ID}:`);
  field(out, 4, "name", systemName(displayName), doc(systemShape.name, "Official name, as in the security level dossier", "TODO: check"));
  field(
    out,
    4,
    "securityLevel",
    SYSTEM_SECURITY_LEVEL,
    doc(systemShape.securityLevel, "", "TODO: the level of the approved dossier"),
  );
  comment(out, 4, doc(systemShape.approval));
  out.push("    approval:");
  field(out, 6, "decision", "TODO: number of the approval decision", doc(approvalShape.decision));
  field(out, 6, "approvedOn", approvedOn, doc(approvalShape.approvedOn, "Date of the approval decision", "TODO: placeholder, the onboarding date"));
  field(out, 6, "reviewDue", reviewDue, doc(approvalShape.reviewDue, "", `placeholder: approvedOn + ${REVIEW_AFTER_YEARS} years`));

  out.push("");
  comment(out, 0, doc(shape.access));
  out.push("# access:");
  for (const role of Object.keys(shape.access.unwrap().shape)) out.push(`#   ${role}: [${id}-${role}]`);

  out.push("");
  comment(out, 0, "Workloads, keyed by name; each is one template with its settings");
  if (workloads.length === 0) {
    comment(out, 0, `None yet; each workload is one of the templates ${WORKLOAD_TEMPLATES.join(", ")}`);
    out.push("workloads: {}");
  } else {
    out.push("workloads:");
    for (const [i, w] of workloads.entries()) {
      if (i > 0) out.push("");
      renderWorkload(out, w);
    }
  }
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Workloads: required fields written, defaults read from the template schema and commented out
// ---------------------------------------------------------------------------------------------

interface RenderedWorkload {
  readonly name: string;
  readonly template: WorkloadTemplate;
  /** The fields written as values, in schema order. */
  readonly required: Readonly<Record<string, unknown>>;
  /** The template's defaults for every other field, in schema order. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The workload as the schema reads it (required fields and defaults). */
  readonly value: Workload;
  readonly shape: Readonly<Record<string, z.ZodType>>;
}

function buildWorkloads(input: AgencyFileInput): RenderedWorkload[] {
  const chosen = WORKLOAD_TEMPLATES.filter((t) => input.templates.includes(t));
  const withHost = chosen.filter((t) => "host" in templateSchema(t).shape);
  if (input.host !== undefined && withHost.length !== 1) {
    throw new Error(`internal error: a host needs exactly one workload with a host, got ${withHost.length}`);
  }
  return chosen.map((template) => {
    const schema = templateSchema(template);
    const shape = schema.shape as Readonly<Record<string, z.ZodType>>;
    const name = template;
    const placeholders = workloadTemplateOf(template).onboarding.placeholders ?? {};
    // Fields without a default must be written; everything else is the template's default.
    const fill: Readonly<Record<string, () => unknown>> = {
      ...Object.fromEntries(Object.entries(placeholders).map(([key, p]) => [key, () => p.value])),
      template: () => template,
      system: () => SYSTEM_ID,
      image: () => input.image ?? missing("an image", template),
      host: () => input.host ?? `${name}.${input.id}.${input.publicDomain ?? "gov.vn"}`,
      model: () => input.model ?? missing("a model", template),
    };
    const required: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      if (field.safeParse(undefined).success) continue;
      const make = fill[key];
      if (make === undefined) throw new Error(`internal error: onboard cannot fill the required field ${template}.${key}`);
      required[key] = make();
    }
    const value = schema.parse(required) as Workload;
    const defaults: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      if (!(key in required) && key in value) defaults[key] = (value as Record<string, unknown>)[key];
    }
    return { name, template, required, defaults, value, shape };
  });
}

function renderWorkload(out: string[], w: RenderedWorkload): void {
  const { onboarding } = workloadTemplateOf(w.template);
  comment(out, 2, onboarding.purpose);
  out.push(`  ${w.name}:`);
  for (const [key, value] of Object.entries(w.required)) {
    const todo = onboarding.placeholders?.[key]?.note ?? "";
    const extra = key === "template" ? `one of ${WORKLOAD_TEMPLATES.join(", ")}` : "";
    field(out, 4, key, value, doc(fieldSchema(w.shape, key), FIELD_COMMENTS[key] ?? "", todo || extra));
  }
  const entries = Object.entries(w.defaults);
  if (entries.length === 0) return;
  comment(out, 4, `Defaults of the ${w.template} template (from environments/workloads/${w.template}.ts); uncomment to change`);
  const rows: Array<[string, string]> = [];
  for (const [key, value] of entries) {
    const schema = fieldSchema(w.shape, key);
    const note = doc(schema, FIELD_COMMENTS[key] ?? "");
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      rows.push([`${key}:`, note]);
      const inner = objectShape(schema);
      for (const [sub, subValue] of Object.entries(value)) {
        rows.push([`  ${sub}: ${scalar(subValue)}`, doc(fieldSchema(inner, sub), FIELD_COMMENTS[sub] ?? "")]);
      }
    } else {
      rows.push([`${key}: ${scalar(value)}`, note]);
    }
  }
  const width = Math.max(...rows.map(([text]) => text.length));
  for (const [text, note] of rows) out.push(`    # ${text.padEnd(width)}  # ${note}`);
}

function missing(what: string, template: string): never {
  throw new Error(`internal error: the ${template} workload needs ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

function field(out: string[], indent: number, key: string, value: unknown, note: string): void {
  comment(out, indent, note);
  out.push(`${" ".repeat(indent)}${key}: ${scalar(value)}`);
}

function comment(out: string[], indent: number, text: string): void {
  out.push(`${" ".repeat(indent)}# ${text}`);
}

/** A value on one line: a string quoted only when it has to be, collections in flow style. */
function scalar(value: unknown): string {
  if (typeof value === "string" && UNSAFE_IN_YAML.test(value)) {
    // JSON's escapes are valid in a YAML double-quoted string; these characters are escaped too.
    return JSON.stringify(value).replace(UNSAFE_IN_YAML_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  // lineWidth 0: no folding; blockQuote false: no block scalars (line breaks are escaped instead).
  const options = { lineWidth: 0, blockQuote: false, flowCollectionPadding: false } as const;
  const text = typeof value === "object" && value !== null ? YAML.stringify(value, { ...options, collectionStyle: "flow" }) : YAML.stringify(value, options);
  const line = text.replace(/\n$/, "");
  if (line.includes("\n")) throw new Error(`internal error: ${JSON.stringify(value)} does not fit on one line`);
  return line;
}

/** Characters that are not printable in YAML, or that some readers take for line breaks. */
const UNSAFE_IN_YAML = /[\p{Cc}\u2028\u2029\ufeff]|\p{Cs}/u;
const UNSAFE_IN_YAML_ALL = /[\u007f-\u009f\u2028\u2029\ufeff]/g;


/** Text fit for a comment line: no line breaks or control characters. */
function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}\u2028\u2029\ufeff]+/gu, " ");
}

/** "so-y-te-ha-noi" becomes "So Y Te Ha Noi": a stand-in until the official name is written. */
function nameFromId(id: string): string {
  return id
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

function systemName(displayName: string): string {
  const name = `Hệ thống thông tin ${displayName}`;
  const max = InformationSystemSchema.shape.name.maxLength ?? Infinity;
  return name.length <= max ? name : displayName;
}

function synthHint(environment: string): string {
  return environment === DEFAULT_ENV ? "npm run synth" : `npx govcloud synth --env ${environment}`;
}

/** The calendar date in Vietnam (UTC+7 all year, no daylight saving) as YYYY-MM-DD. */
function vietnamDate(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new Error("internal error: onboard needs a valid date");
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** `date` plus whole years; 29 February becomes 28 February in a common year. */
function addYears(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return new Date(Date.UTC(y + years, m - 1, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

