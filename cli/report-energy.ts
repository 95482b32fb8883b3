/**
 * `govcloud report energy`: yearly energy and carbon per agency, per region and in total, and
 * where carbon-aware placement put flexible workloads, from estate/energy.ts.
 */
import { Command, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import type { EnergyEstimate, EnergyFigures } from "../estate/energy";
import { estimateEnergy } from "../estate/energy";
import { loadEstate } from "./load-estate";
import { agencyOption, resolveAgency } from "./agency-filter";

export type EnergyReportFormat = "md" | "json";

/**
 * The estimate of one environment, as `govcloud report energy` computes it; with `agency`, that
 * agency's share of it ({@link agencyEnergy}).
 */
export function energyEstimate(repoRoot: string, environment: string, agency?: string): EnergyEstimate {
  const { config, estate } = loadEstate(repoRoot, environment);
  const estimate = estimateEnergy(estate.environment, config.agencies.map((a) => a.value), estate.placement.workloads);
  return agency === undefined ? estimate : agencyEnergy(estimate, resolveAgency(config, agency).value.id);
}

/**
 * One agency's share of an estimate: its workloads, its placements and its figures as the total.
 * The regions stay as they are: their intensities explain the agency's carbon.
 */
export function agencyEnergy(estimate: EnergyEstimate, agencyId: string): EnergyEstimate {
  const own = estimate.agencies.find((a) => a.agencyId === agencyId);
  const zero = { itKWh: 0, facilityKWh: 0, locationTCO2e: 0, marketTCO2e: 0, embodiedTCO2e: 0, upperBoundFacilityKWh: 0 };
  const { agencyId: _id, regions: _regions, ...figures } = own ?? { agencyId, regions: [], ...zero };
  return {
    ...estimate,
    agency: agencyId,
    workloads: estimate.workloads.filter((w) => w.agencyId === agencyId),
    agencies: own === undefined ? [] : [own],
    placements: estimate.placements.filter((p) => p.agencyId === agencyId),
    total: figures,
  };
}

export function energyReportCommand(repoRoot: string): Command {
  return new Command("energy")
    .description("Yearly energy (kWh) and carbon (tCO2e, location- and market-based, embodied) per agency, region and in total, and the placement of flexible workloads.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["md", "json"]).default("md"))
    .addOption(new Option("-o, --output <file>", "write the report to this file instead of standard output"))
    .addOption(agencyOption())
    .action((opts: { env: string; format: EnergyReportFormat; output?: string; agency?: string }) => {
      const estimate = energyEstimate(repoRoot, opts.env, opts.agency);
      const text = opts.format === "json" ? renderEnergyJson(estimate) : renderEnergyMarkdown(estimate);
      if (opts.output === undefined) process.stdout.write(text);
      else writeFileAtomic.sync(opts.output, text);
    });
}

/** The estimate as JSON, numbers rounded to 6 decimals so that the output is stable. */
export function renderEnergyJson(estimate: EnergyEstimate): string {
  return `${JSON.stringify(estimate, (_key, value: unknown) => (typeof value === "number" ? Math.round(value * 1e6) / 1e6 : value), 2)}\n`;
}

const kWh = (n: number) => n.toFixed(1);
const tonnes = (n: number) => n.toFixed(3);

/** The estimate as a Markdown report. */
export function renderEnergyMarkdown(estimate: EnergyEstimate): string {
  const lines: string[] = [];
  const table = (header: string[], rows: string[][]) => {
    lines.push(`| ${header.join(" | ")} |`, `|${header.map((_h, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
    for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
    lines.push("");
  };
  const figures = (f: EnergyFigures) => [kWh(f.itKWh), kWh(f.facilityKWh), tonnes(f.locationTCO2e), tonnes(f.marketTCO2e), tonnes(f.embodiedTCO2e), kWh(f.upperBoundFacilityKWh)];
  const figureHeader = ["IT kWh/yr", "facility kWh/yr", "location tCO2e/yr", "market tCO2e/yr", "embodied tCO2e/yr", "upper bound kWh/yr"];

  lines.push(
    `# Energy and carbon estimate: ${estimate.environment}${estimate.agency === undefined ? "" : `, agency ${estimate.agency}`}`,
    "",
    `Estimated from what agencies declare, not measured (Kepler measures). Requests at ${Math.round(estimate.averageUtilisation * 100)}% average utilisation;`,
    "autoscaled services at minReplicas; scheduled jobs for their deadline on every run; volumes all year. Facility energy is IT energy × PUE;",
    "location-based carbon is facility energy × grid intensity; market-based takes out the renewable share; the upper bound is limits at",
    "full load and largest scale. Model and sources: docs/energy-and-placement.md.",
    "",
    estimate.agency === undefined ? "## Total" : `## Total of ${estimate.agency}`,
    "",
  );
  table(figureHeader, [figures(estimate.total)]);

  lines.push("## Regions", "");
  table(
    ["region", "PUE", "renewable", "grid gCO2e/kWh", "effective gCO2e/kWh", ...figureHeader],
    estimate.regions.map((r) => [
      r.regionId,
      r.pue.toFixed(2),
      `${Math.round(r.renewableShare * 100)}%`,
      r.gridIntensityGCO2ePerKWh.toFixed(1),
      r.effectiveIntensity.toFixed(1),
      ...figures(r),
    ]),
  );

  lines.push("## Agencies", "");
  table(["agency", "regions", ...figureHeader], estimate.agencies.map((a) => [a.agencyId, a.regions.join(", ") || "-", ...figures(a)]));

  lines.push("## Workloads", "");
  table(
    ["workload", "region", "replicas", "hours/yr", "facility kWh/yr", "market tCO2e/yr", "SCI"],
    estimate.workloads.map((w) => [
      `${w.agencyId}/${w.workload}`,
      w.regionId,
      String(w.replicas),
      w.hoursPerYear.toFixed(0),
      kWh(w.facilityKWh),
      tonnes(w.marketTCO2e),
      w.sci === undefined ? "-" : `${w.sci.gCO2ePerUnit.toPrecision(3)} gCO2e per ${w.sci.functionalUnit}`,
    ]),
  );

  lines.push("## Carbon-aware placement", "");
  if (estimate.placements.length === 0) {
    lines.push("No workload is `placement: flexible`.", "");
  } else {
    table(
      ["workload", "home", "runs in", "why", "home gCO2e/kWh", "chosen gCO2e/kWh", "saving market tCO2e/yr", "saving location tCO2e/yr"],
      estimate.placements.map((p) => [
        `${p.agencyId}/${p.workload}`,
        p.homeRegion,
        p.region,
        p.reason === "capacity" ? `capacity (no room in ${p.skipped.join(", ")})` : p.reason,
        p.homeIntensity.toFixed(1),
        p.regionIntensity.toFixed(1),
        tonnes(p.savingMarketTCO2e),
        tonnes(p.savingLocationTCO2e),
      ]),
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
