/**
 * `govcloud agency <id>`: what one agency's file produced, for the agency itself. Its tenants per
 * region with their quotas and the stacks that hold them; its workloads and where they run, with
 * their hosts; its backups (schedules, RPO, where copies go); its energy and carbon and their
 * share of the estate; its information systems with their approvals and review dates; and the
 * policy findings about it (`govcloud check`, filtered with cli/agency-filter.ts).
 *
 *   govcloud agency <id> [--env <name>] [--format md|json] [--output <file>] [--no-findings] [--as-of <date>]
 *
 * Exit codes: 0, also when there are findings (this is a view; `check --agency` gates); 2 bad
 * input, including an unknown agency id (with the closest known one).
 */
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Agency } from "../environments/agency-schema";
import { tenantNamespace } from "../estate/tenant-model";
import { estimateEnergy } from "../estate/energy";
import { totalDemand } from "../estate/placement";
import { tenantAgency } from "../estate/tenant-task";
import type { Finding } from "../policies/engine/types";
import { lazyImport } from "../policies/engine/lazy";
import { namesAgency, resolveAgency } from "./agency-filter";
import { reportFailure } from "./failure";
import { outputOption, writeOutputFile } from "./output-file";
import { loadEstate } from "../engine";
import { agencyBackupCoverage, backupCoverage, type NamespaceCoverage } from "./report-backups";
import { agencyEnergy } from "./report-energy";

const DEFAULT_ENV = "national";
/** A review due within this many days is flagged as due soon. */
const REVIEW_SOON_DAYS = 90;

export interface AgencyTenant {
  readonly region: string;
  /** home, dr (standby and backup copies) or placement (flexible workloads placed away from home). */
  readonly role: string;
  readonly namespace: string;
  readonly stack: string;
  /** The namespace's ResourceQuota. */
  readonly quota: { readonly cpu: number; readonly memoryGiB: number; readonly storageGiB: number; readonly gpus: number };
  /** Share of the quota counted against the region's capacity (the DR reserve share for a DR tenant). */
  readonly reservedShare: number;
  /** The agency's workloads that run in this region. */
  readonly workloads: readonly string[];
}

export interface AgencyWorkload {
  readonly name: string;
  readonly template: string;
  readonly system: string;
  /** Where it runs, and why there. */
  readonly region: string;
  readonly placement: string;
  readonly hosts: readonly string[];
}

export interface AgencySystem {
  readonly id: string;
  readonly name: string;
  readonly securityLevel: number;
  readonly approval?: { readonly decision: string; readonly approvedOn: string; readonly reviewDue: string };
  readonly status: "approved" | "review due soon" | "review overdue" | "approval missing" | "not required";
}

export interface AgencyView {
  readonly environment: string;
  /** The day review dates are judged by, YYYY-MM-DD (Vietnam). */
  readonly asOf: string;
  readonly agency: {
    readonly id: string;
    readonly displayName: string;
    readonly level: string;
    readonly code?: string;
    readonly parent?: string;
    readonly homeRegion: string;
    readonly drRegion: string;
    readonly dataClassification: string;
    readonly personalData: boolean;
    readonly dpia?: { readonly reference: string; readonly completedOn: string };
    /** The agency file, as shown in diagnostics. */
    readonly file: string;
  };
  readonly tenants: readonly AgencyTenant[];
  readonly workloads: readonly AgencyWorkload[];
  readonly backups: readonly NamespaceCoverage[];
  readonly energy: {
    readonly facilityKWh: number;
    readonly itKWh: number;
    readonly locationTCO2e: number;
    readonly marketTCO2e: number;
    readonly embodiedTCO2e: number;
    /** Shares of the estate's totals, 0 to 1. */
    readonly shareOfFacilityKWh: number;
    readonly shareOfMarketTCO2e: number;
    readonly regions: readonly string[];
  };
  readonly systems: readonly AgencySystem[];
  /** Policy findings about the agency; undefined when not checked (`--no-findings`). */
  readonly findings?: readonly Pick<Finding, "rule" | "pack" | "level" | "message" | "stack" | "address" | "suppressedBy">[];
}

export interface AgencyViewOptions {
  /** Judge review dates (and the check) as of this day. @default today in Vietnam */
  readonly now?: Date;
  /** Run the policy check for the agency's findings (synthesizes the environment). @default true */
  readonly findings?: boolean;
}

/** What an agency's file produced in an environment. */
export async function agencyView(repoRoot: string, environment: string, agencyId: string, options: AgencyViewOptions = {}): Promise<AgencyView> {
  const { config, estate } = loadEstate(repoRoot, environment);
  const loaded = resolveAgency(config, agencyId);
  const agency = loaded.value;
  const env = estate.environment;
  const now = options.now ?? new Date();
  const asOf = vietnamDate(now);

  const tenants: AgencyTenant[] = [];
  for (const stack of estate.tenantStacks) {
    for (const task of stack.tenants) {
      if (task.agency.id !== agency.id) continue;
      const placed = task.placed.length > 0 ? totalDemand(task.placed) : undefined;
      const quota = tenantAgency(task.agency, task.role, placed).quota;
      tenants.push({
        region: task.regionId,
        role: task.role,
        namespace: tenantNamespace(agency.id),
        stack: stack.name,
        quota: { cpu: quota.cpu, memoryGiB: quota.memoryGiB, storageGiB: quota.storageGiB, gpus: quota.gpus },
        reservedShare: task.role === "dr" ? env.tenancy.drReserveShare : 1,
        workloads: task.workloads,
      });
    }
  }
  const roleOrder = (role: string) => (role === "home" ? 0 : role === "dr" ? 1 : 2);
  tenants.sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || (a.region < b.region ? -1 : 1));

  const workloads: AgencyWorkload[] = Object.entries(agency.workloads)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, w]) => {
      const p = estate.placement.workloads.get(`${agency.id}/${name}`);
      return {
        name,
        template: w.template,
        system: w.system,
        region: p?.region ?? agency.homeRegion,
        placement: w.placement === "flexible" ? `flexible (${p?.reason ?? "home"})` : "home",
        hosts: "host" in w ? [w.host] : [],
      };
    });

  const agencies = config.agencies.map((a) => a.value);
  const backups = agencyBackupCoverage(backupCoverage(estate, agencies), agency.id).namespaces;

  const estimate = estimateEnergy(env, agencies, estate.placement.workloads);
  const own = agencyEnergy(estimate, agency.id);
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  const energy = {
    itKWh: own.total.itKWh,
    facilityKWh: own.total.facilityKWh,
    locationTCO2e: own.total.locationTCO2e,
    marketTCO2e: own.total.marketTCO2e,
    embodiedTCO2e: own.total.embodiedTCO2e,
    shareOfFacilityKWh: share(own.total.facilityKWh, estimate.total.facilityKWh),
    shareOfMarketTCO2e: share(own.total.marketTCO2e, estimate.total.marketTCO2e),
    regions: own.agencies[0]?.regions ?? [],
  };

  const findings = options.findings === false ? undefined : await agencyFindings(repoRoot, environment, loaded, now);

  return {
    environment: env.name,
    asOf,
    agency: {
      id: agency.id,
      displayName: agency.displayName,
      level: agency.level,
      ...(agency.code === undefined ? {} : { code: agency.code }),
      ...(agency.parent === undefined ? {} : { parent: agency.parent }),
      homeRegion: agency.homeRegion,
      drRegion: agency.drRegion,
      dataClassification: agency.dataClassification,
      personalData: agency.personalData,
      ...(agency.dpia === undefined ? {} : { dpia: { ...agency.dpia } }),
      file: relativeFile(repoRoot, loaded.path),
    },
    tenants,
    workloads,
    backups,
    energy,
    systems: systemsOf(agency, asOf),
    ...(findings === undefined ? {} : { findings }),
  };
}

/** The agency's systems and the state of their approvals on `today`. */
function systemsOf(agency: Agency, today: string): AgencySystem[] {
  const soon = addDays(today, REVIEW_SOON_DAYS);
  return Object.entries(agency.systems)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, s]) => {
      const status: AgencySystem["status"] =
        s.approval === undefined
          ? s.securityLevel >= 2
            ? "approval missing"
            : "not required"
          : s.approval.reviewDue < today
            ? "review overdue"
            : s.approval.reviewDue <= soon
              ? "review due soon"
              : "approved";
      return { id, name: s.name, securityLevel: s.securityLevel, ...(s.approval === undefined ? {} : { approval: { ...s.approval } }), status };
    });
}

/** The findings of `govcloud check --env` about the agency. */
async function agencyFindings(repoRoot: string, environment: string, agency: Parameters<typeof namesAgency>[1], now: Date): Promise<NonNullable<AgencyView["findings"]>> {
  const [{ PACKS }, { runChecks }] = await Promise.all([
    lazyImport<typeof import("../policies/packs")>(path.join(__dirname, "..", "policies", "packs", "index")),
    lazyImport<typeof import("../policies/engine/check")>(path.join(__dirname, "..", "policies", "engine", "check")),
  ]);
  const result = await runChecks({
    repoRoot,
    packs: PACKS,
    inputs: [{ kind: "environment", name: environment }],
    now,
    synthesize: async (name, out) => {
      // Loaded lazily, as `govcloud check` does: synthesis pulls in cdktf.
      const { synthesize } = await lazyImport<typeof import("../engine")>(path.join(__dirname, "..", "engine", "index"));
      synthesize({ repoRoot, environment: name, out, frozenLock: true });
    },
  });
  return result.findings
    .filter((f) => namesAgency(f, agency))
    .map((f) => ({
      rule: f.rule,
      pack: f.pack,
      level: f.level,
      message: f.message,
      stack: f.stack,
      address: f.address,
      ...(f.suppressedBy === undefined ? {} : { suppressedBy: f.suppressedBy }),
    }));
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

export function renderAgencyJson(view: AgencyView): string {
  return `${JSON.stringify(view, (_key, value: unknown) => (typeof value === "number" ? Math.round(value * 1e6) / 1e6 : value), 2)}\n`;
}

export function renderAgencyMarkdown(view: AgencyView): string {
  const a = view.agency;
  const lines: string[] = [];
  const table = (header: string[], rows: string[][], empty: string) => {
    if (rows.length === 0) {
      lines.push(empty, "");
      return;
    }
    lines.push(`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`);
    for (const row of rows) lines.push(`| ${row.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`);
    lines.push("");
  };
  lines.push(
    `# ${a.displayName} (${a.id}) in ${view.environment}`,
    "",
    `From \`${a.file}\`: ${a.level}${a.code === undefined ? "" : `, code ${a.code}`}${a.parent === undefined ? "" : `, parent ${a.parent}`}; home region ${a.homeRegion}, disaster recovery ${a.drRegion}; data ${a.dataClassification}${a.personalData ? ", personal data" : ""}. As of ${view.asOf}.`,
    "",
    "## Tenants",
    "",
  );
  table(
    ["region", "role", "namespace", "stack", "CPU", "memory GiB", "storage GiB", "GPUs", "counted against capacity", "workloads"],
    view.tenants.map((t) => [
      t.region,
      t.role,
      t.namespace,
      t.stack,
      String(t.quota.cpu),
      String(t.quota.memoryGiB),
      String(t.quota.storageGiB),
      String(t.quota.gpus),
      `${Math.round(t.reservedShare * 100)}%`,
      t.workloads.join(", ") || "—",
    ]),
    "No tenant: the agency is not deployed.",
  );
  lines.push("## Workloads", "");
  table(
    ["workload", "template", "system", "runs in", "placement", "hosts"],
    view.workloads.map((w) => [w.name, w.template, w.system, w.region, w.placement, w.hosts.join(", ") || "—"]),
    "No workloads.",
  );
  lines.push("## Backups", "");
  table(
    ["region", "role", "RPO h", "every h", "copies in (needed)", "retention days", "schedules", "restore drill", "covered"],
    view.backups.map((n) => [
      n.regionId,
      n.role,
      String(n.rpoHours ?? "—"),
      String(n.intervalHours ?? "—"),
      `${n.copyRegions.join(", ") || "none"} (${n.requiredRegions ?? "?"})`,
      String(n.retentionDays ?? "—"),
      n.schedules.map((s) => `${s.name} \`${s.cron}\` → ${s.location}${s.storeRegion === undefined ? "" : ` (${s.storeRegion})`}`).join("<br>") || "—",
      n.drill === undefined ? "—" : `${n.drill.region}, \`${n.drill.cadence}\`, RTO ${n.drill.rtoMinutes} min`,
      n.covered ? "yes" : `**NO**: ${n.gaps.join("; ")}`,
    ]),
    "No backups: the environment has no backup section, or the agency no tenant.",
  );
  const e = view.energy;
  lines.push(
    "## Energy and carbon",
    "",
    `Estimated yearly, from what the agency declares (docs/energy-and-placement.md), in ${e.regions.join(", ") || "no region"}: ` +
      `${e.facilityKWh.toFixed(1)} kWh facility energy (${e.itKWh.toFixed(1)} kWh IT), ${e.marketTCO2e.toFixed(3)} tCO2e market-based ` +
      `(${e.locationTCO2e.toFixed(3)} location-based), ${e.embodiedTCO2e.toFixed(3)} tCO2e embodied; ` +
      `${(e.shareOfFacilityKWh * 100).toFixed(2)}% of the estate's energy and ${(e.shareOfMarketTCO2e * 100).toFixed(2)}% of its market-based carbon.`,
    "",
    "## Information systems",
    "",
  );
  table(
    ["system", "name", "level", "decision", "approved on", "review due", "status"],
    view.systems.map((s) => [s.id, s.name, String(s.securityLevel), s.approval?.decision ?? "—", s.approval?.approvedOn ?? "—", s.approval?.reviewDue ?? "—", s.status]),
    "No information systems.",
  );
  if (a.personalData) {
    lines.push(
      a.dpia === undefined
        ? "Personal data: **no impact assessment recorded** (Law 91/2025/QH15; Decree 356/2025/NĐ-CP): add `dpia`."
        : `Personal data: impact assessment ${a.dpia.reference} of ${a.dpia.completedOn} (Law 91/2025/QH15; Decree 356/2025/NĐ-CP).`,
      "",
    );
  }
  lines.push("## Policy findings", "");
  if (view.findings === undefined) lines.push("Not checked (--no-findings).", "");
  else {
    table(
      ["rule", "level", "resource", "finding"],
      view.findings.map((f) => [f.rule, f.suppressedBy === undefined ? f.level : `${f.level}, suppressed`, `${f.address || "—"} (${f.stack || "—"})`, f.message]),
      "None: `govcloud check` finds nothing about this agency.",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

interface AgencyCommandOptions {
  readonly env: string;
  readonly format: "md" | "json";
  readonly output?: string;
  readonly findings: boolean;
  readonly asOf?: Date;
}

/** The `agency` command; the exit code goes to `onExit` once the (async) view is written. */
export function agencyCommand(repoRoot: string, onExit: (code: number) => void = (code) => (process.exitCode = code)): Command {
  return new Command("agency")
    .description("What one agency's file produced: tenants and quotas, workloads, backups, energy, systems and approvals, policy findings.")
    // Added with addCommand, so it inherits none of the program's settings: errors must throw.
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .argument("<id>", "agency id (the name of its file)")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default(DEFAULT_ENV))
    .addOption(new Option("-f, --format <format>", "output format").choices(["md", "json"]).default("md"))
    .addOption(outputOption("write the view to this file (atomically) instead of standard output"))
    .addOption(new Option("--no-findings", "skip the policy check (which synthesizes the environment)"))
    .addOption(new Option("--as-of <date>", "judge review dates as of this day, YYYY-MM-DD (default: today in Vietnam)").argParser(parseDay))
    .action(async (id: string, opts: AgencyCommandOptions) => {
      try {
        const view = await agencyView(repoRoot, opts.env, id, { findings: opts.findings, ...(opts.asOf === undefined ? {} : { now: opts.asOf }) });
        const text = opts.format === "json" ? renderAgencyJson(view) : renderAgencyMarkdown(view);
        if (opts.output === undefined) process.stdout.write(text);
        else await writeOutputFile(opts.output, text);
        onExit(0);
      } catch (error) {
        onExit(reportFailure(error, "nothing was written"));
      }
    });
}

/** Runs `agency` with its own arguments; resolves to the exit code. */
export async function runAgency(argv: readonly string[], repoRoot: string): Promise<number> {
  let code = 0;
  try {
    await agencyCommand(repoRoot, (c) => (code = c)).parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}

function parseDay(value: string): Date {
  const day = new Date(`${value}T00:00:00+07:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(day.getTime())) throw new InvalidArgumentError("must be a date written as YYYY-MM-DD");
  return day;
}

function vietnamDate(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function relativeFile(repoRoot: string, file: string): string {
  const relative = path.relative(repoRoot, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}
