/**
 * `govcloud onboard`: writes a new agency file, `environments/<env>/agencies/<agency-id>.yaml`,
 * that is valid as written, commented field by field, and synthesizes without edits.
 *
 * This file is the command: options, the checks of the command line, and writing. The file's text
 * is cli/onboard-file.ts (a pure function), its comments cli/onboard-schema-doc.ts, the regions
 * cli/onboard-regions.ts; the defaults (level, regions, quota) are estate/onboarding.ts and the id
 * from the name environments/vietnamese.ts. The rendered text is checked with the same loader,
 * schema and estate build that synth uses, then written atomically.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import type { z } from "zod";
import {
  AgencyId,
  AgencyLevel,
  AgencySchema,
  DataClassification,
  DpiaRecordSchema,
  PinnedImage,
  WORKLOAD_TEMPLATES,
  type WorkloadTemplate,
} from "../environments/agency-schema";
import { displayPath, type Diagnostic, UserError } from "../environments/diagnostics";
import { AGENCY_LIMITS, agenciesDir, isAgencyFileName, loadEnvironment, type LoadedAgency, resolveEnvironmentFile } from "../environments";
import { type Loaded, loadYamlFile, parseYaml } from "../environments/loader";
import type { Environment } from "../environments/schema";
import { lockFilePath, readShardLock } from "../environments/tenant-stack-lock";
import { idFromName, shortenId } from "../environments/vietnamese";
import { buildEstate } from "../estate/estate";
import { agencyRoom, defaultLevel } from "../estate/onboarding";
import { renderAgencyFile } from "./onboard-file";
import { chooseRegions } from "./onboard-regions";
import { orList, templateTextField, templatesWith } from "./onboard-schema-doc";

export { type AgencyFileInput, renderAgencyFile } from "./onboard-file";

const DEFAULT_ENV = "national";
const MAX_ID_LENGTH = AgencyId.maxLength ?? 50;

/** The templates that `--host`, `--model` and GPUs apply to, read from their schemas. */
const HOST_TEMPLATES = templatesWith("host");
const MODEL_TEMPLATES = templatesWith("model");
const GPU_TEMPLATES = templatesWith("gpus");

interface OnboardOptions {
  readonly env: string;
  readonly agency?: string;
  readonly template: readonly WorkloadTemplate[];
  readonly name?: string;
  readonly level?: z.infer<typeof AgencyLevel>;
  readonly code?: string;
  readonly parent?: string;
  readonly homeRegion?: string;
  readonly drRegion?: string;
  readonly classification: z.infer<typeof DataClassification>;
  readonly personalData?: boolean;
  readonly dpiaReference?: string;
  readonly dpiaDate?: string;
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
      new Option("--agency <id>", "agency id, e.g. so-y-te-ha-noi; also the file name (default: transliterated from --name)").argParser(checkedBy(AgencyId)),
    )
    .addOption(
      new Option("-t, --template <name>", "workload template, repeatable; each becomes one workload named after it")
        .choices(WORKLOAD_TEMPLATES)
        .argParser(collectTemplate)
        .default([], "none"),
    )
    .addOption(new Option("--name <display name>", "official name, with diacritics; gives the id when --agency is left out (default: derived from the id)").argParser(checkedName))
    .addOption(
      new Option("--level <level>", "default: provincial for a 2-digit --code, commune for a 5-digit one, else the parent's level, else central").choices(
        AgencyLevel.options,
      ),
    )
    .addOption(
      new Option("--code <code>", "2-digit province or 5-digit commune code (Decision 19/2025/QĐ-TTg)").argParser(
        checkedBy(AgencySchema.shape.code.unwrap()),
      ),
    )
    .addOption(new Option("--parent <id>", "parent agency id; required for a commune").argParser(checkedBy(AgencyId)))
    .addOption(
      new Option(
        "--home-region <region>",
        `default: the parent's home region, else the region serving the --code province (environments/reference/provinces.yaml), else the capital's; the nearest with GPUs for ${orList(GPU_TEMPLATES)}`,
      ),
    )
    .addOption(new Option("--dr-region <region>", "default: the nearest other region to the home region"))
    .addOption(
      new Option("--classification <level>", "most sensitive data the agency stores").choices(DataClassification.options).default("internal"),
    )
    .option("--personal-data", "the agency processes personal data (Law 91/2025/QH15; Decree 356/2025/NĐ-CP); needs --dpia-reference and --dpia-date")
    .addOption(
      new Option("--dpia-reference <number>", "number of the personal data protection impact assessment dossier, e.g. 01/HSĐGTĐ-BYT").argParser(
        checkedBy(DpiaRecordSchema.shape.reference),
      ),
    )
    .addOption(new Option("--dpia-date <YYYY-MM-DD>", "date the impact assessment was completed").argParser(checkedBy(DpiaRecordSchema.shape.completedOn)))
    .addOption(
      new Option("--contact-email <address>", "owner's e-mail (default: a placeholder, cntt@<id>.gov.vn)").argParser(
        checkedBy(AgencySchema.shape.contacts.element.shape.email),
      ),
    )
    .addOption(
      new Option("--host <fqdn>", `host of the ${orList(HOST_TEMPLATES)} workload (default: <workload>.<id>.<first of tenancy.publicDomains>, e.g. gov.vn)`).argParser(
        checkedBy(templateTextField("host")),
      ),
    )
    .addOption(
      new Option("--image <ref>", "image pinned by digest, for every workload (default: the environment's tenancy.starterImage)").argParser(
        checkedBy(PinnedImage),
      ),
    )
    .addOption(
      new Option("--model <ref>", `model of the ${orList(MODEL_TEMPLATES)} workload, oci://<registry>/<path>@sha256:<digest>`).argParser(
        checkedBy(templateTextField("model")),
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
    const dir = agenciesDir(environmentPath);
    const templates = WORKLOAD_TEMPLATES.filter((t) => opts.template.includes(t));
    const id = agencyIdOf(opts, usage);
    const file = path.join(dir, `${id}.yaml`);
    if (!opts.dryRun && !opts.force && fs.existsSync(file)) throw collision(file, id, opts);

    const others = loadOtherAgencies(dir, file);
    const parent = opts.parent === undefined ? undefined : others.find((a) => a.value.id === opts.parent)?.value;
    const level = opts.level ?? defaultLevel(opts.code, parent);
    if (level === "commune" && opts.parent === undefined) usage("--parent <id> is required for a commune: name its province's agency id");
    const withHost = templates.filter((t) => HOST_TEMPLATES.includes(t));
    if (opts.host !== undefined && withHost.length !== 1) {
      usage(
        withHost.length === 0
          ? `--host applies to a ${orList(HOST_TEMPLATES)} workload; add ${orList(HOST_TEMPLATES.map((t) => `--template ${t}`))}`
          : `--host is ambiguous with both ${withHost.join(" and ")}; leave it out and edit the hosts in the file`,
      );
    }
    const withModel = templates.filter((t) => MODEL_TEMPLATES.includes(t));
    if (withModel.length > 0 && opts.model === undefined) {
      usage(`--model oci://<registry>/<path>@sha256:<digest> is required with ${orList(withModel.map((t) => `--template ${t}`))}`);
    }
    if (opts.model !== undefined && withModel.length === 0) usage(`--model applies only with ${orList(MODEL_TEMPLATES.map((t) => `--template ${t}`))}`);
    const dpia = dpiaOf(opts, usage);

    const needsGpus = templates.some((t) => GPU_TEMPLATES.includes(t));
    const regions = chooseRegions(environment, opts, { ...(opts.code === undefined ? {} : { code: opts.code }), ...(parent === undefined ? {} : { parent }), needsGpus }, usage);

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

    const text = renderAgencyFile({
      environment: env.name,
      id,
      displayName: opts.name,
      level,
      code: opts.code,
      parent: opts.parent,
      ...regions,
      room: agencyRoom(env, others.map((a) => a.value), regions.homeRegion, regions.drRegion),
      dataClassification: opts.classification,
      personalData: opts.personalData ?? false,
      ...(dpia === undefined ? {} : { dpia }),
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

    // What synth checks next (cross-file rules, capacity, stack placement), so that it works.
    checkAgainstEstate(environment, environmentPath, others, agency);

    if (opts.dryRun) {
      process.stdout.write(text);
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic.sync(file, text);
    const synth = opts.env === DEFAULT_ENV ? "npm run synth" : `npx govcloud synth --env ${opts.env}`;
    process.stdout.write(
      `Wrote ${displayPath(file)}: agency ${id} (${level}), home ${regions.homeRegion}, DR ${regions.drRegion}, ` +
        `workloads: ${templates.join(", ") || "none"}\n` +
        "Next steps:\n" +
        "  1. Review it: replace every TODO (contact, information system, approval decision) and check the quota.\n" +
        `  2. Run \`${synth}\` to check it and build the Terraform.\n` +
        "  3. Open a merge request with the file: platform engineers review every agency file.\n",
    );
  });
  return command;
}

/** The agency id: `--agency`, else transliterated from `--name`, checked like `--agency`. */
function agencyIdOf(opts: OnboardOptions, usage: (message: string) => never): string {
  if (opts.agency !== undefined) return opts.agency;
  if (opts.name === undefined) usage("--agency <id> or --name <display name> is required (the id is transliterated from the name)");
  const id = idFromName(opts.name);
  if (id === "") usage(`--name ${JSON.stringify(opts.name)} has no letters or digits to make an id from; pass --agency <id>`);
  if (id.length > MAX_ID_LENGTH) {
    const shorter = shortenId(id, MAX_ID_LENGTH);
    usage(
      `the id '${id}' made from --name is ${id.length} characters, more than ${MAX_ID_LENGTH} (the namespace tenant-<id> must fit in 63); ` +
        `pass a shorter one with --agency, e.g. --agency ${shorter === "" ? id.slice(0, MAX_ID_LENGTH).replace(/-+$/, "") : shorter}`,
    );
  }
  const checked = AgencyId.safeParse(id);
  if (!checked.success) usage(`the id '${id}' made from --name ${checked.error.issues.map((i) => i.message).join("; ")}; pass --agency <id>`);
  return id;
}

/**
 * The file exists: an agency with this id is already onboarded. Reported at its id, with a free
 * id to use instead when the id came from the name.
 */
function collision(file: string, id: string, opts: OnboardOptions): UserError {
  let at = { file: displayPath(file), line: 1, col: 1 };
  let existing = "";
  try {
    const loaded = loadYamlFile(file, AgencySchema, AGENCY_LIMITS);
    at = loaded.source.locate(["id"]);
    existing = ` (${loaded.value.displayName})`;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
  if (opts.agency !== undefined) {
    return new UserError([{ file: displayPath(file), line: 1, col: 1, path: "", message: "already exists; edit it, or pass --force to replace it" }]);
  }
  const suggestion = freeId(path.dirname(file), id, opts.code);
  return new UserError([
    {
      ...at,
      path: "id",
      message: `'${id}', the id made from --name ${JSON.stringify(opts.name)}, is taken by this agency${existing}; name the new one with --agency, e.g. --agency ${suggestion}, or pass --force to replace this file`,
    },
  ]);
}

/** An id like `id` whose file does not exist: `<id>-<code>`, else `<id>-2`, `<id>-3`, ... */
function freeId(dir: string, id: string, code: string | undefined): string {
  const withSuffix = (suffix: string) => `${shortenId(id, MAX_ID_LENGTH - suffix.length - 1) || id.slice(0, MAX_ID_LENGTH - suffix.length - 1)}-${suffix}`;
  const candidates = [...(code === undefined ? [] : [code]), ...Array.from({ length: 98 }, (_v, i) => String(i + 2))].map(withSuffix);
  return candidates.find((c) => !fs.existsSync(path.join(dir, `${c}.yaml`))) ?? withSuffix("moi");
}

/** The impact assessment record, which `--personal-data` needs and only it takes. */
function dpiaOf(opts: OnboardOptions, usage: (message: string) => never): { reference: string; completedOn: string } | undefined {
  if (!opts.personalData) {
    if (opts.dpiaReference !== undefined || opts.dpiaDate !== undefined) usage("--dpia-reference and --dpia-date apply only with --personal-data");
    return undefined;
  }
  if (opts.dpiaReference === undefined || opts.dpiaDate === undefined) {
    usage(
      "--personal-data needs the impact assessment record, --dpia-reference <dossier number> and --dpia-date <YYYY-MM-DD>: " +
        "an agency processes personal data only after assessing the impact (Law 91/2025/QH15 on Personal Data Protection; Decree 356/2025/NĐ-CP)",
    );
  }
  return { reference: opts.dpiaReference, completedOn: opts.dpiaDate };
}

/** The environment's other agency files, validated; every problem in them at once. */
function loadOtherAgencies(dir: string, newFile: string): LoadedAgency[] {
  const problems: Diagnostic[] = [];
  const agencies: LoadedAgency[] = [];
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter(isAgencyFileName).sort() : [];
  for (const name of files) {
    const file = path.join(dir, name);
    if (file === newFile) continue;
    try {
      agencies.push({ ...loadYamlFile(file, AgencySchema, AGENCY_LIMITS), path: file });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(...error.diagnostics);
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return agencies;
}

/**
 * Builds the estate with the new agency added (or replacing its old file), as synth will, and
 * reports what would stop it. Problems in the new file name the option that set the field.
 */
function checkAgainstEstate(environment: Loaded<Environment>, environmentPath: string, others: readonly LoadedAgency[], agency: LoadedAgency): void {
  // Last, so that a clash (same code, name or host) is reported in the new file, not the old one.
  const agencies = [...others, agency];
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
  if (fieldPath.startsWith("dpia.")) return fieldPath === "dpia.reference" ? "--dpia-reference" : "--dpia-date";
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