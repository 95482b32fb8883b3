/**
 * `govcloud onboard`: writes a new agency file, `environments/<env>/agencies/<agency-id>.yaml`,
 * that is valid as written, commented field by field, and synthesizes without edits.
 *
 * The rendering is a pure function ({@link renderAgencyFile}); the command resolves the options
 * against the environment, checks the rendered text with the same loader and schema that synth
 * uses, and writes it atomically. Template defaults are never written here: they are read from
 * the template schemas in `environments/agency-schema.ts` and shown as commented-out lines.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import YAML from "yaml";
import { z } from "zod";
import {
  AgencyId,
  AgencyLevel,
  AgencySchema,
  AiInferenceSchema,
  DataClassification,
  InformationSystemSchema,
  PinnedImage,
  WORKLOAD_TEMPLATES,
  WebServiceSchema,
  WorkloadSchema,
  type Workload,
  type WorkloadTemplate,
} from "../environments/agency-schema";
import { displayPath, UserError, type Diagnostic } from "../environments/diagnostics";
import { AGENCY_LIMITS, agenciesDir, isAgencyFileName, loadEnvironment, type LoadedAgency, resolveEnvironmentFile } from "../environments";
import { type Loaded, loadYamlFile, parseYaml } from "../environments/loader";
import type { Environment, Region } from "../environments/schema";
import { lockFilePath, readShardLock } from "../environments/tenant-stack-lock";
import { workloadFootprint } from "../estate/agency-checks";
import { regionCapacity } from "../estate/capacity";
import { buildEstate } from "../estate/estate";

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
   * @default provincial for a 2-digit code, commune for a 5-digit code, else central
   */
  readonly level?: z.infer<typeof AgencyLevel>;
  /** 2-digit province or 5-digit commune code (Decision 19/2025/QĐ-TTg). */
  readonly code?: string;
  /** Parent agency id; required for communes. */
  readonly parent?: string;
  readonly homeRegion: string;
  readonly drRegion: string;
  /** @default "internal" */
  readonly dataClassification?: z.infer<typeof DataClassification>;
  /** @default false */
  readonly personalData?: boolean;
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
/** A required field of scheduled-job; a placeholder to change, not a template default. */
const PLACEHOLDER_SCHEDULE = "0 2 * * *";
/** Quota headroom over the workloads' largest footprint: rolling updates and some growth. */
const QUOTA_HEADROOM = 1.5;

/** What each template is for, as the comment above its workload. */
const TEMPLATE_PURPOSE: Readonly<Record<WorkloadTemplate, string>> = {
  "web-service": "A web application behind the platform's HTTPS ingress, autoscaled between minReplicas and maxReplicas",
  worker: "A long-running background process with no inbound traffic",
  "scheduled-job": "A job run on a cron schedule",
  "stateful-service": "A replicated service with one persistent volume per replica (a database, a queue)",
  "open-data-api": "A public open-data API behind the platform's HTTPS ingress, rate-limited per client",
  "ai-inference": "A model server on GPU nodes, serving a model from the in-country registry",
};

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
  const level = input.level ?? levelFromCode(input.code);
  const contactPlaceholder = input.contactEmail === undefined;
  const contactEmail = input.contactEmail ?? `cntt@${id}.gov.vn`;
  const approvedOn = vietnamDate(input.now);
  const reviewDue = addYears(approvedOn, REVIEW_AFTER_YEARS);
  const workloads = buildWorkloads(input);
  const quota = sizeQuota(workloads.map((w) => w.value));
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
  field(out, 0, "homeRegion", input.homeRegion, doc(shape.homeRegion));
  field(out, 0, "drRegion", input.drRegion, doc(shape.drRegion));

  out.push("");
  comment(
    out,
    0,
    `Resource quota: the workloads' requests at their largest scale, x${QUOTA_HEADROOM} for rolling updates and growth, rounded up (GPUs exactly)`,
  );
  out.push("quota:");
  field(out, 2, "cpu", quota.cpu, doc(quotaShape.cpu));
  field(out, 2, "memoryGiB", quota.memoryGiB, doc(quotaShape.memoryGiB));
  field(out, 2, "storageGiB", quota.storageGiB, doc(quotaShape.storageGiB));
  field(out, 2, "gpus", quota.gpus, doc(quotaShape.gpus, "GPUs, whole devices"));

  out.push("");
  field(out, 0, "dataClassification", input.dataClassification ?? "internal", doc(shape.dataClassification, "Most sensitive data the agency stores"));
  field(out, 0, "personalData", input.personalData ?? false, doc(shape.personalData));

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
    throw new Error(`internal error: a host needs exactly one web-service or open-data-api workload, got ${withHost.length}`);
  }
  return chosen.map((template) => {
    const schema = templateSchema(template);
    const shape = schema.shape as Readonly<Record<string, z.ZodType>>;
    const name = template;
    // Fields without a default must be written; everything else is the template's default.
    const fill: Readonly<Record<string, () => unknown>> = {
      template: () => template,
      system: () => SYSTEM_ID,
      image: () => input.image ?? missing("an image", template),
      host: () => input.host ?? `${name}.${input.id}.${input.publicDomain ?? "gov.vn"}`,
      schedule: () => PLACEHOLDER_SCHEDULE,
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
  comment(out, 2, TEMPLATE_PURPOSE[w.template]);
  out.push(`  ${w.name}:`);
  for (const [key, value] of Object.entries(w.required)) {
    const todo = key === "schedule" ? "placeholder: every night at 02:00; set your own" : "";
    const extra = key === "template" ? `one of ${WORKLOAD_TEMPLATES.join(", ")}` : "";
    field(out, 4, key, value, doc(fieldSchema(w.shape, key), FIELD_COMMENTS[key] ?? "", todo || extra));
  }
  const entries = Object.entries(w.defaults);
  if (entries.length === 0) return;
  comment(out, 4, `Defaults of the ${w.template} template (from environments/agency-schema.ts); uncomment to change`);
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

function templateSchema(template: WorkloadTemplate) {
  const schema = WorkloadSchema.options.find((o) => o.shape.template.value === template);
  if (schema === undefined) throw new Error(`internal error: no schema for template ${template}`);
  return schema;
}

function missing(what: string, template: string): never {
  throw new Error(`internal error: the ${template} workload needs ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Quota
// ---------------------------------------------------------------------------------------------

/** The quota an agency file starts with. */
export interface QuotaSize {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
  readonly gpus: number;
}

/**
 * Quota for a set of workloads: the sum of each one's largest footprint (maxReplicas, or
 * replicas, times its requests; plus volumes and GPUs), times the headroom, rounded up to
 * 1, 2, 5, 10, 20, 50, ... GPUs are scarce, so they are exactly what the workloads use.
 */
export function sizeQuota(workloads: readonly Workload[]): QuotaSize {
  const total = { cpu: 0, memoryGiB: 0, storageGiB: 0, gpus: 0 };
  for (const w of workloads) {
    // The same footprint the estate checks the quota against.
    const f = workloadFootprint(w);
    total.cpu += f.cpu;
    total.memoryGiB += f.memoryGiB;
    total.storageGiB += f.storageGiB;
    total.gpus += f.gpus;
  }
  return {
    cpu: niceCeil(total.cpu * QUOTA_HEADROOM),
    memoryGiB: niceCeil(total.memoryGiB * QUOTA_HEADROOM),
    storageGiB: total.storageGiB === 0 ? 0 : niceCeil(total.storageGiB * QUOTA_HEADROOM),
    gpus: total.gpus,
  };
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `x`. */
function niceCeil(x: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const step of [1, 2, 5]) if (step * magnitude >= x - 1e-9) return step * magnitude;
  }
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

/**
 * The comment for a field: its schema description (or `fallback`), the allowed values the
 * schema declares (enum options, integer range), then `note`.
 */
function doc(schema: z.ZodType | undefined, fallback = "", note = ""): string {
  let description: string | undefined;
  /** The allowed values as written, and the words that show a description already names them. */
  let allowed: { text: string; words: readonly string[] } | undefined;
  for (let s = schema; s !== undefined; s = unwrapOnce(s)) {
    description ??= s.description;
    if (s instanceof z.ZodEnum) allowed = { text: `one of ${s.options.join(", ")}`, words: s.options.map(String) };
    if (s instanceof z.ZodNumber && s.isInt && Number.isSafeInteger(s.minValue) && Number.isSafeInteger(s.maxValue)) {
      allowed = { text: `${s.minValue} to ${s.maxValue}`, words: [`${s.minValue} to ${s.maxValue}`] };
    }
  }
  const text = description ?? fallback;
  if (text === "") throw new Error("internal error: a field of the agency file has no comment; describe it in the schema");
  const range = allowed === undefined || allowed.words.every((w) => text.includes(w)) ? "" : allowed.text;
  return [text, range, note].filter((p) => p !== "").join("; ");
}

function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return schema.unwrap() as z.ZodType;
  }
  return undefined;
}

function fieldSchema(shape: Readonly<Record<string, z.ZodType>>, key: string): z.ZodType | undefined {
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

/** The shape of an object schema behind defaults and optionals. */
function objectShape(schema: z.ZodType | undefined): Readonly<Record<string, z.ZodType>> {
  for (let s = schema; s !== undefined; s = unwrapOnce(s)) {
    if (s instanceof z.ZodObject) return s.shape as Readonly<Record<string, z.ZodType>>;
  }
  return {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

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

function levelFromCode(code: string | undefined): z.infer<typeof AgencyLevel> {
  if (code !== undefined && /^\d{2}$/.test(code)) return "provincial";
  if (code !== undefined && /^\d{5}$/.test(code)) return "commune";
  return "central";
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

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

interface OnboardOptions {
  readonly env: string;
  readonly agency: string;
  readonly template: readonly WorkloadTemplate[];
  readonly name?: string;
  readonly level?: z.infer<typeof AgencyLevel>;
  readonly code?: string;
  readonly parent?: string;
  readonly homeRegion?: string;
  readonly drRegion?: string;
  readonly classification: z.infer<typeof DataClassification>;
  readonly personalData?: boolean;
  readonly contactEmail?: string;
  readonly host?: string;
  readonly image?: string;
  readonly model?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

/**
 * The `onboard` command. Environments named with `--env <name>` are looked up under `repoRoot`;
 * the agency file goes where synth reads it (`agenciesDir` of the environment file).
 */
export function onboardCommand(repoRoot: string): Command {
  const command = new Command("onboard")
    .description("Write a new agency file with commented defaults, ready to synthesize.")
    // Added with addCommand, so it inherits none of the program's settings: errors must throw
    // (run() turns them into exit code 2), never call process.exit.
    .exitOverride()
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default(DEFAULT_ENV))
    .addOption(
      new Option("--agency <id>", "agency id, e.g. so-y-te-ha-noi; also the file name").argParser(checkedBy(AgencyId)).makeOptionMandatory(),
    )
    .addOption(
      new Option("-t, --template <name>", "workload template, repeatable; each becomes one workload named after it")
        .choices(WORKLOAD_TEMPLATES)
        .argParser(collectTemplate)
        .default([], "none"),
    )
    .addOption(new Option("--name <display name>", "official name, with diacritics (default: derived from the id)").argParser(checkedName))
    .addOption(
      new Option("--level <level>", "default: provincial for a 2-digit --code, commune for a 5-digit one, else central").choices(
        AgencyLevel.options,
      ),
    )
    .addOption(
      new Option("--code <code>", "2-digit province or 5-digit commune code (Decision 19/2025/QĐ-TTg)").argParser(
        checkedBy(AgencySchema.shape.code.unwrap()),
      ),
    )
    .addOption(new Option("--parent <id>", "parent agency id; required for a commune").argParser(checkedBy(AgencyId)))
    .addOption(new Option("--home-region <region>", "default: the first region in sorted order (with GPUs, for ai-inference)"))
    .addOption(new Option("--dr-region <region>", "default: the next region after the home region"))
    .addOption(
      new Option("--classification <level>", "most sensitive data the agency stores").choices(DataClassification.options).default("internal"),
    )
    .option("--personal-data", "the agency processes personal data (Decree 13/2023/NĐ-CP)")
    .addOption(
      new Option("--contact-email <address>", "owner's e-mail (default: a placeholder, cntt@<id>.gov.vn)").argParser(
        checkedBy(AgencySchema.shape.contacts.element.shape.email),
      ),
    )
    .addOption(
      new Option("--host <fqdn>", "host of the web-service or open-data-api workload (default: <workload>.<id>.<first of tenancy.publicDomains>, e.g. gov.vn)").argParser(
        checkedBy(WebServiceSchema.shape.host),
      ),
    )
    .addOption(
      new Option("--image <ref>", "image pinned by digest, for every workload (default: the environment's tenancy.starterImage)").argParser(
        checkedBy(PinnedImage),
      ),
    )
    .addOption(
      new Option("--model <ref>", "model of the ai-inference workload, oci://<registry>/<path>@sha256:<digest>").argParser(
        checkedBy(AiInferenceSchema.shape.model),
      ),
    )
    .option("--force", "replace an existing agency file")
    .option("--dry-run", "print the file instead of writing it");

  command.action((opts: OnboardOptions) => {
    /** A mistake on the command line: one line, exit code 2. */
    function usage(message: string): never {
      return command.error(`error: ${message}`, { exitCode: 2, code: "govcloud.onboard" });
    }

    const environmentPath = resolveEnvironmentFile(repoRoot, opts.env);
    const environment = loadEnvironment(repoRoot, opts.env);
    const env = environment.value;
    const templates = WORKLOAD_TEMPLATES.filter((t) => opts.template.includes(t));

    const level = opts.level ?? levelFromCode(opts.code);
    if (level === "commune" && opts.parent === undefined) usage("--parent <id> is required for a commune: name its province's agency id");
    const withHost = templates.filter((t) => "host" in templateSchema(t).shape);
    if (opts.host !== undefined && withHost.length !== 1) {
      usage(
        withHost.length === 0
          ? "--host applies to a web-service or open-data-api workload; add --template web-service or --template open-data-api"
          : `--host is ambiguous with both ${withHost.join(" and ")}; leave it out and edit the hosts in the file`,
      );
    }
    if (templates.includes("ai-inference") && opts.model === undefined) {
      usage("--model oci://<registry>/<path>@sha256:<digest> is required with --template ai-inference");
    }
    if (opts.model !== undefined && !templates.includes("ai-inference")) usage("--model applies only with --template ai-inference");

    const needsGpus = templates.some((t) => "gpus" in templateSchema(t).shape);
    const { homeRegion, drRegion } = chooseRegions(environment, opts, needsGpus, usage);

    const image = opts.image ?? env.tenancy.starterImage;
    if (templates.length > 0 && image === undefined) {
      throw new UserError([
        {
          ...environment.source.locateKey(["tenancy", "starterImage"]),
          path: "tenancy.starterImage",
          message: "is not set, so onboard has no image for the new workloads; pass --image <registry>/<path>@sha256:<digest>, or set it",
        },
      ]);
    }

    const file = path.join(agenciesDir(environmentPath), `${opts.agency}.yaml`);
    const text = renderAgencyFile({
      environment: env.name,
      id: opts.agency,
      displayName: opts.name,
      level,
      code: opts.code,
      parent: opts.parent,
      homeRegion,
      drRegion,
      dataClassification: opts.classification,
      personalData: opts.personalData ?? false,
      contactEmail: opts.contactEmail,
      templates,
      image: templates.length > 0 ? image : undefined,
      model: opts.model,
      host: opts.host,
      publicDomain: env.tenancy.publicDomains[0],
      now: new Date(),
    });
    let agency: LoadedAgency;
    try {
      agency = { ...parseYaml(text, file, AgencySchema, AGENCY_LIMITS), path: file };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new Error(`the rendered agency file fails its own schema (a bug in govcloud onboard): ${error.message.split("\n")[0]}`);
    }

    if (!opts.dryRun && !opts.force && fs.existsSync(file)) {
      throw new UserError([{ file: displayPath(file), line: 1, col: 1, path: "", message: "already exists; edit it, or pass --force to replace it" }]);
    }
    // What synth checks next (cross-file rules, capacity, stack placement), so that it works.
    checkAgainstEstate(environment, environmentPath, agency);

    if (opts.dryRun) {
      process.stdout.write(text);
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic.sync(file, text);
    const synth = opts.env === DEFAULT_ENV ? "npm run synth" : `npx govcloud synth --env ${opts.env}`;
    process.stdout.write(
      `Wrote ${displayPath(file)}: agency ${opts.agency} (${level}), home ${homeRegion}, DR ${drRegion}, ` +
        `workloads: ${templates.join(", ") || "none"}\n` +
        "Next steps:\n" +
        "  1. Review it: replace every TODO (contact, information system, approval decision) and check the quota.\n" +
        `  2. Run \`${synth}\` to check it and build the Terraform.\n` +
        "  3. Open a merge request with the file: platform engineers review every agency file.\n",
    );
  });
  return command;
}

/**
 * Home and DR regions: as given, else the first region in sorted order and the next one after
 * it. Workloads that need GPUs prefer regions whose node pools have GPUs.
 */
function chooseRegions(
  environment: Loaded<Environment>,
  opts: Pick<OnboardOptions, "homeRegion" | "drRegion">,
  needsGpus: boolean,
  usage: (message: string) => never,
): { homeRegion: string; drRegion: string } {
  const env = environment.value;
  const all = Object.keys(env.regions).sort();
  const at = environment.source.locateKey(["regions"]);
  const problems: Diagnostic[] = [];
  for (const [flag, region] of [["--home-region", opts.homeRegion], ["--dr-region", opts.drRegion]] as const) {
    if (region !== undefined && !all.includes(region)) {
      problems.push({ ...at, path: "regions", message: `has no region '${region}' (${flag}); known regions: ${all.join(", ")}` });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  if (opts.homeRegion !== undefined && opts.homeRegion === opts.drRegion) {
    usage(`--dr-region must differ from --home-region ('${opts.homeRegion}'): a disaster in one region must not take both copies`);
  }
  const preferred = needsGpus ? all.filter((r) => regionCapacity(env.regions[r] as Region).gpus > 0) : all;
  const first = (list: readonly string[], other: string | undefined) => list.find((r) => r !== other);
  const next = (list: readonly string[], home: string) => {
    const others = list.filter((r) => r !== home);
    return others.find((r) => r > home) ?? others[0];
  };
  const homeRegion = opts.homeRegion ?? first(preferred, opts.drRegion) ?? first(all, opts.drRegion);
  const drRegion = opts.drRegion ?? (homeRegion === undefined ? undefined : (next(preferred, homeRegion) ?? next(all, homeRegion)));
  if (homeRegion === undefined || drRegion === undefined) {
    throw new UserError([
      { ...at, path: "regions", message: `has only one region (${all.join(", ")}); an agency needs a home and a different disaster-recovery region` },
    ]);
  }
  return { homeRegion, drRegion };
}

/**
 * Builds the estate with the new agency added (or replacing its old file), as synth will, and
 * reports what would stop it. Problems in the new file name the option that set the field.
 */
function checkAgainstEstate(environment: Loaded<Environment>, environmentPath: string, agency: LoadedAgency): void {
  const dir = agenciesDir(environmentPath);
  const problems: Diagnostic[] = [];
  const agencies: LoadedAgency[] = [];
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter(isAgencyFileName).sort() : [];
  for (const name of files) {
    const file = path.join(dir, name);
    if (file === agency.path) continue;
    try {
      agencies.push({ ...loadYamlFile(file, AgencySchema, AGENCY_LIMITS), path: file });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(...error.diagnostics);
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  // Last, so that a clash (same code, name or host) is reported in the new file, not the old one.
  agencies.push(agency);
  const lock = readShardLock(lockFilePath(environmentPath));
  const result = buildEstate({ environment, environmentPath, agencies }, lock);
  if (result.problems.length === 0) return;
  const newFile = displayPath(agency.path);
  throw new UserError(
    result.problems.map((d) => {
      const option = d.file === newFile ? optionFor(d.path) : undefined;
      return option === undefined ? d : { ...d, message: `${d.message} (from ${option})` };
    }),
  );
}

/** The option that set a field of the new agency file, for its diagnostics. */
function optionFor(fieldPath: string): string | undefined {
  const byField: Readonly<Record<string, string>> = {
    id: "--agency",
    displayName: "--name",
    code: "--code",
    parent: "--parent",
    homeRegion: "--home-region",
    drRegion: "--dr-region",
  };
  if (Object.hasOwn(byField, fieldPath)) return byField[fieldPath];
  if (fieldPath.endsWith(".host")) return "--host";
  if (fieldPath.endsWith(".image")) return "--image or tenancy.starterImage";
  if (fieldPath.endsWith(".model")) return "--model";
  return undefined;
}

/** A commander argument parser that accepts what `schema` accepts, with the schema's message. */
function checkedBy(schema: z.ZodType<string>): (value: string) => string {
  return (value) => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new InvalidArgumentError(result.error.issues.map((i) => i.message).join("; "));
  };
}

/** Names come from a shell: NFC, so that diacritics typed on any system compare equal. */
function checkedName(value: string): string {
  const name = value.normalize("NFC").trim();
  if (/\p{Cc}/u.test(name)) throw new InvalidArgumentError("must be one line, without control characters");
  return checkedBy(AgencySchema.shape.displayName)(name);
}

function collectTemplate(value: string, previous: readonly WorkloadTemplate[]): WorkloadTemplate[] {
  const template = WORKLOAD_TEMPLATES.find((t) => t === value);
  if (template === undefined) throw new InvalidArgumentError(`Known templates: ${WORKLOAD_TEMPLATES.join(", ")}.`);
  if (previous.includes(template)) {
    throw new InvalidArgumentError("is given twice; each template becomes one workload named after it (copy its block in the file for a second one)");
  }
  return [...previous, template];
}
