/**
 * `govcloud report backups`: for every tenant namespace of an environment, the Velero Schedules
 * that back it up, the interval against its RPO, the regions holding copies against what its
 * classification requires, the retention and the restore drill — read from what the tenant
 * stacks will deploy (their Schedule instances), judged against the rules of estate/backup.ts.
 * Exit code 1 when any namespace is not covered.
 */
import { Command, Option } from "commander";
import { outputOption, writeOutputFileSync } from "./output-file";
import { isAllowedHost, hostOf } from "../environments/schema";
import { type BackupLocation, cronMaxGapMinutes, SCHEDULE_BLOCK, tenantBackup } from "../estate/backup";
import type { Estate } from "../estate/estate";
import { BASELINE_BLOCKS } from "../estate/tenant-baseline-instances";
import type { Agency } from "../environments/agency-schema";
import { loadEstate } from "../engine";
import { agencyOption, resolveAgency } from "./agency-filter";

export type BackupReportFormat = "md" | "json";

/** One Schedule as deployed. */
export interface ScheduleLine {
  readonly name: string;
  readonly cron: string;
  readonly location: string;
  /** Region whose object storage the location writes to; undefined when the location is unknown. */
  readonly storeRegion?: string;
  readonly endpoint?: string;
  readonly ttl: string;
}

/** The backup coverage of one tenant namespace in one region. */
export interface NamespaceCoverage {
  readonly agencyId: string;
  readonly regionId: string;
  readonly role: string;
  readonly namespace: string;
  readonly stack: string;
  /** Backup classification (declared, raised by security level). */
  readonly classification?: string;
  readonly rpoHours?: number;
  /** Longest gap between two backups of the most frequent Schedule, hours. */
  readonly intervalHours?: number;
  readonly requiredRegions?: number;
  /** Regions holding copies, from the Schedules' locations. */
  readonly copyRegions: readonly string[];
  readonly retentionDays?: number;
  readonly schedules: readonly ScheduleLine[];
  /** Where and how the namespace is restore-drilled, if it is. */
  readonly drill?: { readonly region: string; readonly location: string; readonly cadence: string; readonly rtoMinutes: number };
  readonly covered: boolean;
  /** Why it is not covered. */
  readonly gaps: readonly string[];
}

export interface BackupCoverage {
  readonly environment: string;
  /** Set when the coverage is one agency's (`--agency`). */
  readonly agency?: string;
  readonly topology?: string;
  readonly namespaces: readonly NamespaceCoverage[];
  readonly uncovered: number;
}

/**
 * The coverage of every tenant namespace of an estate: what the tenant stacks deploy, judged
 * against what each agency's classification requires.
 */
export function backupCoverage(estate: Estate, agencies: readonly Agency[]): BackupCoverage {
  const env = estate.environment;
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const drills = new Map(
    [...(estate.backup?.regions.values() ?? [])].flatMap((region) =>
      region.drill.targets.map((t) => [t.agencyId, { region: region.regionId, target: t, cadence: region.drill.schedule, enabled: region.drill.enabled }] as const),
    ),
  );
  const namespaces: NamespaceCoverage[] = [];
  for (const stack of estate.tenantStacks) {
    const locations = new Map<string, BackupLocation>((estate.backup?.regions.get(stack.regionId)?.locations ?? []).map((l) => [l.name, l]));
    const schedules = stack.blocks.get(SCHEDULE_BLOCK) ?? new Map();
    for (const [agencyId, ns] of stack.blocks.get(BASELINE_BLOCKS.namespace) ?? new Map()) {
      const namespace = String(ns.name);
      const role = String((ns.annotations as Record<string, string> | undefined)?.["govcloud.gov.vn/tenant-role"] ?? "home");
      const agency = byId.get(agencyId);
      const expected = agency === undefined ? undefined : tenantBackup({ environment: env, regionId: stack.regionId, agency, role });
      const gaps: string[] = [];
      const lines: ScheduleLine[] = [];
      let shortestGap: number | undefined;
      let retention: number | undefined;
      for (const [key, values] of schedules) {
        if (!key.startsWith(`${agencyId}/`)) continue;
        const manifest = values.manifest as ScheduleManifest;
        const template = manifest.spec?.template ?? {};
        if (!(template.includedNamespaces ?? []).includes(namespace)) continue;
        const cron = manifest.spec?.schedule ?? "";
        const location = locations.get(template.storageLocation ?? "");
        lines.push({
          name: manifest.metadata?.name ?? key,
          cron,
          location: template.storageLocation ?? "",
          ...(location === undefined ? {} : { storeRegion: location.storeRegion, endpoint: location.endpoint }),
          ttl: template.ttl ?? "",
        });
        const gap = cronMaxGapMinutes(cron);
        if (gap !== undefined) shortestGap = Math.min(shortestGap ?? gap, gap);
        const days = ttlDays(template.ttl);
        if (days !== undefined) retention = Math.min(retention ?? days, days);
        if (location === undefined) gaps.push(`schedule ${manifest.metadata?.name ?? key} writes to '${template.storageLocation}', which is no backup storage location of region ${stack.regionId}`);
        else if (!isAllowedHost(hostOf(location.endpoint), env.sovereignty.allowedDomains)) gaps.push(`schedule ${manifest.metadata?.name ?? key} writes to ${location.endpoint}, outside Vietnam`);
      }
      const copyRegions = [...new Set(lines.flatMap((l) => (l.storeRegion === undefined ? [] : [l.storeRegion])))];
      if (expected === undefined) gaps.push(env.backup === undefined ? "the environment has no backup section" : `no agency '${agencyId}' to judge the namespace by`);
      if (lines.length === 0) gaps.push("no Velero Schedule selects the namespace");
      if (expected !== undefined && lines.length > 0) {
        if (shortestGap === undefined || shortestGap > expected.rpoHours * 60) {
          gaps.push(`backups every ${shortestGap === undefined ? "?" : hours(shortestGap)} h, RPO is ${expected.rpoHours} h`);
        }
        if (copyRegions.length < expected.requiredRegions) {
          gaps.push(`copies in ${copyRegions.length} region(s) (${copyRegions.join(", ")}), ${expected.classification.effective} data needs ${expected.requiredRegions}`);
        }
        if (retention === undefined || retention < expected.retentionDays) gaps.push(`retention ${retention ?? "?"} days, ${expected.retentionDays} required`);
      }
      const drill = role === "home" ? drills.get(agencyId) : undefined;
      namespaces.push({
        agencyId,
        regionId: stack.regionId,
        role,
        namespace,
        stack: stack.name,
        ...(expected === undefined
          ? {}
          : {
              classification:
                expected.classification.raisedBy === undefined
                  ? expected.classification.effective
                  : `${expected.classification.effective} (declared ${expected.classification.declared}; ${expected.classification.raisedBy.system} is level ${expected.classification.raisedBy.securityLevel})`,
              rpoHours: expected.rpoHours,
              requiredRegions: expected.requiredRegions,
            }),
        ...(shortestGap === undefined ? {} : { intervalHours: shortestGap / 60 }),
        copyRegions,
        ...(retention === undefined ? {} : { retentionDays: retention }),
        schedules: lines,
        ...(drill === undefined
          ? {}
          : {
              drill: {
                region: drill.region,
                location: drill.target.location,
                cadence: drill.enabled ? drill.cadence : "suspended",
                rtoMinutes: drill.target.rtoSeconds / 60,
              },
            }),
        covered: gaps.length === 0,
        gaps,
      });
    }
  }
  namespaces.sort((a, b) => (a.agencyId < b.agencyId ? -1 : a.agencyId > b.agencyId ? 1 : a.regionId < b.regionId ? -1 : a.regionId > b.regionId ? 1 : 0));
  return {
    environment: env.name,
    ...(env.backup === undefined ? {} : { topology: env.backup.topology }),
    namespaces,
    uncovered: namespaces.filter((n) => !n.covered).length,
  };
}

/** One agency's namespaces of a coverage report. */
export function agencyBackupCoverage(coverage: BackupCoverage, agencyId: string): BackupCoverage {
  const namespaces = coverage.namespaces.filter((n) => n.agencyId === agencyId);
  return { ...coverage, agency: agencyId, namespaces, uncovered: namespaces.filter((n) => !n.covered).length };
}

interface ScheduleManifest {
  metadata?: { name?: string };
  spec?: { schedule?: string; template?: { includedNamespaces?: string[]; storageLocation?: string; ttl?: string } };
}

/** Days of a Velero TTL written as `<hours>h0m0s`. */
function ttlDays(ttl: string | undefined): number | undefined {
  const m = /^(\d+)h0m0s$/.exec(ttl ?? "");
  return m === null ? undefined : Number(m[1]) / 24;
}

function hours(minutes: number): string {
  return String(Math.round((minutes / 60) * 100) / 100);
}

export function renderBackupJson(coverage: BackupCoverage): string {
  return `${JSON.stringify(coverage, null, 2)}\n`;
}

export function renderBackupMarkdown(coverage: BackupCoverage): string {
  const lines = [
    `# Backup coverage: ${coverage.environment}${coverage.agency === undefined ? "" : `, agency ${coverage.agency}`}`,
    "",
    `Topology ${coverage.topology ?? "none (no backup section)"}; ${coverage.namespaces.length} tenant namespace(s), ${coverage.uncovered} not covered.`,
    "Rules and storage layout: docs/backup.md. Schedules run in UTC; drills in Asia/Ho_Chi_Minh.",
    "",
    "| agency | region | role | namespace | classification | RPO h | every h | copies in (needed) | retention days | schedules | restore drill | covered |",
    "|---|---|---|---|---|---:|---:|---|---:|---|---|---|",
  ];
  for (const n of coverage.namespaces) {
    const schedules = n.schedules.map((s) => `${s.name} \`${s.cron}\` → ${s.location}`).join("<br>") || "—";
    const drill = n.drill === undefined ? "—" : `${n.drill.region} from ${n.drill.location}, \`${n.drill.cadence}\`, RTO ${n.drill.rtoMinutes} min`;
    lines.push(
      `| ${[
        n.agencyId,
        n.regionId,
        n.role,
        n.namespace,
        n.classification ?? "—",
        n.rpoHours ?? "—",
        n.intervalHours ?? "—",
        `${n.copyRegions.join(", ") || "none"} (${n.requiredRegions ?? "?"})`,
        n.retentionDays ?? "—",
        schedules,
        drill,
        n.covered ? "yes" : `**NO**: ${n.gaps.join("; ")}`,
      ].join(" | ")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `report backups`; hands 1 to `onExit` when a namespace is not covered. */
export function backupsReportCommand(repoRoot: string, onExit: (code: number) => void): Command {
  return new Command("backups")
    .description("Backup coverage of every tenant namespace: schedules, RPO, copies per region, retention, restore drill; exit 1 when any is not covered.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["md", "json"]).default("md"))
    .addOption(outputOption())
    .addOption(agencyOption("the report (and the exit code)"))
    .action((opts: { env: string; format: BackupReportFormat; output?: string; agency?: string }) => {
      const { config, estate } = loadEstate(repoRoot, opts.env);
      const agency = opts.agency === undefined ? undefined : resolveAgency(config, opts.agency).value.id;
      const all = backupCoverage(estate, config.agencies.map((a) => a.value));
      const coverage = agency === undefined ? all : agencyBackupCoverage(all, agency);
      const text = opts.format === "json" ? renderBackupJson(coverage) : renderBackupMarkdown(coverage);
      if (opts.output === undefined) process.stdout.write(text);
      else writeOutputFileSync(opts.output, text);
      if (coverage.uncovered > 0) {
        process.stderr.write(`govcloud: ${coverage.uncovered} tenant namespace(s) not covered by backups\n`);
        onExit(1);
      } else {
        onExit(0);
      }
    });
}
