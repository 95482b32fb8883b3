/**
 * `govcloud report kpis`: the Digital Government Program's KPIs for an environment
 * (estate/kpis.ts, docs/kpis.md), from the same estate model synth uses. The green-label KPI is
 * measured on the synthesized objects: the stacks are synthesized into a scratch folder (removed
 * afterwards) and the green policy rule `objects-carry-green-labels` judges every object, as
 * `govcloud check` would. Exit code 0 whatever the values: a report, not a gate.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { outputOption, writeOutputFileSync } from "./output-file";
import type { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { loadAdministrativeUnits } from "../environments/administrative-units";
import { todayInVietnam } from "../estate/green-targets";
import { UNLABELLED_RESOURCE_TYPES } from "../estate/green-labels";
import { type KpiReport, type LabelledObjects, measureKpis } from "../estate/kpis";
import type { Estate } from "../estate/estate";
import { planStacks } from "../stacks/stack-plan";
import type * as GreenLabelRule from "../policies/green/objects-carry-green-labels";
import type * as EngineLoad from "../policies/engine/load";
import { estatePageModel, renderEstatePage } from "./estate-page";
import { backupCoverage } from "./report-backups";
import { agencyOption, namesAgency, resolveAgency } from "./agency-filter";
import { type LoadedEstate, loadEstate, synthesisCode } from "../engine";

export type KpiReportFormat = "md" | "json" | "html";

export interface KpiReportOptions {
  /** The day approvals are judged by. @default today in Vietnam */
  readonly now?: Date;
  /**
   * One agency's KPIs (`--agency <id>`); an unknown id is bad input with the closest id.
   * @default the whole estate
   */
  readonly agency?: string;
}

/** The KPIs of a loaded estate (synthesizes it into a scratch folder for the green-label KPI). */
export function kpiReport(repoRoot: string, loaded: LoadedEstate, options: KpiReportOptions = {}): KpiReport {
  const { config, estate } = loaded;
  const agency = options.agency === undefined ? undefined : resolveAgency(config, options.agency);
  const agencies = config.agencies.map((a) => a.value);
  const coverage = backupCoverage(estate, agencies);
  return measureKpis({
    environment: estate.environment,
    agencies,
    units: loadAdministrativeUnits(repoRoot).value,
    today: todayInVietnam(options.now),
    tenantStacks: estate.tenantStacks,
    placements: estate.placement.workloads,
    backups: coverage.namespaces,
    objects: labelledObjects(estate, agency === undefined ? undefined : (resource) => namesAgency({ message: "", ...resource }, agency)),
    ...(agency === undefined ? {} : { agency: agency.value.id }),
  });
}

/**
 * Every object of the estate's synthesized stacks that the green-label rule judges (Kubernetes
 * objects and Helm releases), and those it reports, judged exactly as the rule does in
 * `govcloud check` (its default configuration).
 */
export function labelledObjects(
  estate: Estate,
  only?: (resource: { readonly address: string; readonly key?: string | number; readonly source?: { readonly file: string } }) => boolean,
): LabelledObjects {
  // Loaded when the report runs, so that the other commands do not pay for the policy code.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const greenLabelRule = (require("../policies/green/objects-carry-green-labels") as typeof GreenLabelRule).default;
  const { loadSynthFolder } = require("../policies/engine/load") as typeof EngineLoad;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-kpis-"));
  try {
    const stacks = planStacks(estate);
    synthesisCode().synthesizeInBatches(estate, scratch, stacks.map((s) => s.name));
    const { resources } = loadSynthFolder(scratch, stacks.map((s) => s.name));
    const config = ruleDefaults(greenLabelRule);
    const validate = greenLabelRule.validateResource as ResourceValidation;
    let total = 0;
    const unlabelled: string[] = [];
    for (const resource of resources) {
      const judged = resource.type === "helm_release" || (resource.type.startsWith("kubernetes_") && !UNLABELLED_RESOURCE_TYPES.has(resource.type));
      if (!judged || (only !== undefined && !only(resource))) continue;
      total++;
      let lacking = false;
      const args = { type: resource.type, props: resource.props, name: resource.name, urn: resource.urn, getConfig: () => config };
      void validate(args as unknown as ResourceValidationArgs, () => (lacking = true));
      if (lacking) unlabelled.push(`${resource.stack}/${resource.address}`);
    }
    return { total, unlabelled: unlabelled.sort() };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The rule's configuration defaults, from its own config schema. */
function ruleDefaults(rule: typeof GreenLabelRule.default): Record<string, unknown> {
  const properties = (rule.configSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
  return Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, schema.default]));
}

/** The report as JSON, numbers rounded to 6 decimals so that the output is stable. */
export function renderKpiJson(report: KpiReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === "number" ? Math.round(value * 1e6) / 1e6 : value), 2)}\n`;
}

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const kWh = (n: number) => Math.round(n).toLocaleString("en-US");
const tonnes = (n: number) => n.toFixed(2);

/** The report as Markdown. */
export function renderKpiMarkdown(report: KpiReport): string {
  const lines = [
    `# Program KPIs: ${report.environment}${report.agency === undefined ? "" : `, agency ${report.agency}`}`,
    "",
    `As of ${report.asOf} (Vietnam). Definitions, sources and targets: docs/kpis.md.${
      report.agency === undefined ? "" : " One agency's KPIs: the country- and region-wide ones are not applicable; the regions are the whole sites, with the agency's share."
    }`,
    "",
    "| KPI | value | numerator | denominator | target | status |",
    "|---|---:|---:|---:|---:|---|",
    ...report.kpis.map((k) => `| \`${k.id}\` ${k.title} | ${pct(k.value)} | ${k.numerator} | ${k.denominator} | ${pct(k.target)} | ${k.status} |`),
    "",
    "## Regions",
    "",
    "Site KPIs (ISO/IEC 30134) of each site, from its whole node inventory (docs/energy-and-placement.md).",
    "",
    "| region | PUE (target ≤) | REF, renewable (target ≥) | CUE kgCO2e/kWh (market) | ERF | WUE L/kWh | targets | CPU quotas / limit | memory GiB / limit | GPUs / limit | capacity |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...report.regions.map(
      (r) =>
        `| ${r.regionId} | ${r.pue.toFixed(2)} (${r.maxPue.toFixed(2)}) ${r.pueStatus} | ${pct(r.renewableShare)} (${pct(r.minRenewableShare)}) ${r.renewableStatus}${r.exemptUntil === undefined ? "" : `, exempt until ${r.exemptUntil}`} | ${r.siteKpis.cue.toFixed(3)} (${r.siteKpis.cueMarket.toFixed(3)}) | ${r.siteKpis.erf === undefined ? "not declared" : r.siteKpis.erf.toFixed(2)} | ${r.siteKpis.wue === undefined ? "not declared" : r.siteKpis.wue.toFixed(2)} | ${r.siteKpis.targets.map((t) => `${t.kpi} ${t.target}: ${t.status}`).join("; ")} | ${r.capacity.used.cpu} / ${r.capacity.limit.cpu} | ${r.capacity.used.memoryGiB} / ${r.capacity.limit.memoryGiB} | ${r.capacity.used.gpus} / ${r.capacity.limit.gpus} | ${r.capacityStatus} |`,
    ),
    "",
    "## Energy and carbon per site",
    "",
    `Yearly, the whole site (every declared machine, all year) split into the agencies' shares, the platform and idle capacity.${report.agency === undefined ? "" : ` The last columns are ${report.agency}'s share.`}`,
    "",
    `| region | facility kWh/yr | allocated | platform | idle | idle floor kWh/yr | location tCO2e/yr | market tCO2e/yr | embodied tCO2e/yr |${report.agency === undefined ? "" : " agency kWh/yr | agency market tCO2e/yr |"}`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|${report.agency === undefined ? "" : "---:|---:|"}`,
    ...report.regions.map(
      (r) =>
        `| ${r.regionId} | ${kWh(r.site.facilityKWh)} | ${kWh(r.site.allocated.facilityKWh)} | ${kWh(r.site.platform.facilityKWh)} | ${kWh(r.site.idle.facilityKWh)} | ${kWh(r.site.idleFloorFacilityKWh)} | ${tonnes(r.site.locationTCO2e)} | ${tonnes(r.site.marketTCO2e)} | ${tonnes(r.site.embodiedTCO2e)} |${r.agencyShare === undefined ? "" : ` ${kWh(r.agencyShare.facilityKWh)} | ${tonnes(r.agencyShare.marketTCO2e)} |`}`,
    ),
    "",
    "## Gaps",
    "",
  ];
  const gaps = report.kpis.filter((k) => k.gaps.length > 0);
  if (gaps.length === 0) lines.push("None listed.");
  for (const k of gaps) {
    lines.push(`### ${k.id}`, "", ...k.gaps.slice(0, 50).map((g) => `- ${g}`));
    if (k.gaps.length > 50) lines.push(`- … and ${k.gaps.length - 50} more (see --format json)`);
    lines.push("");
  }
  if (report.overdue.length > 0) lines.push("## Approvals overdue for review", "", ...report.overdue.map((o) => `- ${o}`), "");
  return `${lines.join("\n").trimEnd()}\n`;
}

/** `report kpis`; always exit code 0 (a report, not a gate). */
export function kpisReportCommand(repoRoot: string, onExit: (code: number) => void): Command {
  return new Command("kpis")
    .description("The Digital Government Program's KPIs (docs/kpis.md): approvals, open data, AI, cross-region backup, green labels, in-country endpoints, onboarding, regions' site KPIs (PUE, REF, CUE, ERF, WUE), site energy split into allocated, platform and idle, and capacity. Exit 0 whatever the values.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["md", "json", "html"]).default("md"))
    .addOption(outputOption())
    .addOption(asOfOption())
    .addOption(agencyOption("the KPIs (country- and region-wide ones become not-applicable)"))
    .action((opts: { env: string; format: KpiReportFormat; output?: string; asOf?: Date; agency?: string }) => {
      const loaded = loadEstate(repoRoot, opts.env);
      const report = kpiReport(repoRoot, loaded, { ...(opts.asOf === undefined ? {} : { now: opts.asOf }), ...(opts.agency === undefined ? {} : { agency: opts.agency }) });
      let text: string;
      if (opts.format === "json") text = renderKpiJson(report);
      else if (opts.format === "md") text = renderKpiMarkdown(report);
      else text = renderEstatePage(estatePageModel(loaded, report), { only: "kpis" });
      if (opts.output === undefined) process.stdout.write(text);
      else writeOutputFileSync(opts.output, text);
      onExit(0);
    });
}

/** `--as-of YYYY-MM-DD`: the day approvals and exemptions are judged by (reproducible reports). */
export function asOfOption(): Option {
  return new Option("--as-of <date>", "judge approvals and exemptions as of this day, YYYY-MM-DD (default: today in Vietnam)").argParser((value: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      throw new InvalidArgumentError("expected a day as YYYY-MM-DD");
    }
    // Noon UTC is the same day in Vietnam (UTC+7).
    return new Date(`${value}T05:00:00Z`);
  });
}
