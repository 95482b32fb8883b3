/**
 * `govcloud report energy`: yearly energy and carbon of every site (its whole inventory), split
 * into the agencies' shares, the platform and idle capacity; the sites' ISO/IEC 30134 KPIs; per
 * agency and per workload; and where carbon-aware placement put flexible workloads, from
 * estate/energy.ts.
 */
import { Command, Option } from "commander";
import { outputOption, writeOutputFileSync } from "./output-file";
import type { EnergyEstimate, EnergyFigures, SiteFigures } from "../estate/energy";
import { estimateEnergy } from "../estate/energy";
import { loadEstate } from "../engine";
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
    // The agency's share is all allocated: the platform and idle parts belong to the site.
    total: { ...figures, allocated: figures, platform: zero, idle: zero },
  };
}

export function energyReportCommand(repoRoot: string): Command {
  return new Command("energy")
    .description(
      "Yearly energy (kWh) and carbon (tCO2e, location- and market-based, embodied) of every site from its whole node inventory, split into agencies' shares, platform and idle; site KPIs (PUE, REF, ERF, WUE, CUE); per agency and workload; and the placement of flexible workloads.",
    )
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["md", "json"]).default("md"))
    .addOption(outputOption())
    .addOption(agencyOption())
    .action((opts: { env: string; format: EnergyReportFormat; output?: string; agency?: string }) => {
      const estimate = energyEstimate(repoRoot, opts.env, opts.agency);
      const text = opts.format === "json" ? renderEnergyJson(estimate) : renderEnergyMarkdown(estimate);
      if (opts.output === undefined) process.stdout.write(text);
      else writeOutputFileSync(opts.output, text);
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

  const split = (name: string, f: SiteFigures) => [
    [`${name}: site`, ...figures(f)],
    [`${name}: allocated (agencies)`, ...figures(f.allocated)],
    [`${name}: platform`, ...figures(f.platform)],
    [`${name}: idle`, ...figures(f.idle)],
  ];

  lines.push(
    `# Energy and carbon estimate: ${estimate.environment}${estimate.agency === undefined ? "" : `, agency ${estimate.agency}`}`,
    "",
    "Estimated from what is declared, not measured (Kepler measures). **The site total includes every declared machine, all year**:",
    "control planes, system, general, GPU and storage pools at their counts and sizes, whether busy or idle, plus the agencies' volumes",
    "and, where declared, the network. It is split into the agencies' shares (their requests over each pool's capacity, at",
    `${Math.round(estimate.averageUtilisation * 100)}% average utilisation; autoscaled services at minReplicas; scheduled jobs for their deadline on every run;`,
    "volumes all year), the platform (control planes, system pools, the add-ons' node agents, the machines' disks, the network) and",
    "idle capacity nobody reserved. Facility energy is IT energy × PUE; location-based carbon is facility energy × grid intensity;",
    "market-based takes out the renewable share; the upper bound is full load (agencies: limits at their largest scale).",
    "Model, coefficients and sources: docs/energy-and-placement.md.",
    "",
    estimate.agency === undefined ? "## Total" : `## Total of ${estimate.agency}`,
    "",
  );
  table(["part", ...figureHeader], split("all sites", estimate.total));

  lines.push("## Regions", "");
  table(
    ["region", "PUE", "renewable", "grid gCO2e/kWh", "effective gCO2e/kWh", "idle floor kWh/yr", ...figureHeader],
    estimate.regions.map((r) => [
      r.regionId,
      r.pue.toFixed(2),
      `${Math.round(r.renewableShare * 100)}%`,
      r.gridIntensityGCO2ePerKWh.toFixed(1),
      r.effectiveIntensity.toFixed(1),
      kWh(r.idleFloorFacilityKWh),
      ...figures(r),
    ]),
  );
  table(["part", ...figureHeader], estimate.regions.flatMap((r) => split(r.regionId, r)));

  lines.push("## Site KPIs (ISO/IEC 30134)", "");
  table(
    ["region", "PUE", "REF", "ERF", "WUE L/kWh", "water m3/yr", "CUE kgCO2e/kWh", "CUE market", "targets"],
    estimate.regions.map((r) => [
      r.regionId,
      r.kpis.pue.toFixed(2),
      r.kpis.ref.toFixed(2),
      r.kpis.erf === undefined ? "not declared" : r.kpis.erf.toFixed(2),
      r.kpis.wue === undefined ? "not declared" : r.kpis.wue.toFixed(2),
      r.kpis.waterLitres === undefined ? "-" : (r.kpis.waterLitres / 1000).toFixed(1),
      r.kpis.cue.toFixed(3),
      r.kpis.cueMarket.toFixed(3),
      r.kpis.targets.map((t) => `${t.kpi} ${t.target}: ${t.status}`).join("; "),
    ]),
  );

  lines.push("## Machines", "");
  table(
    ["region", "group", "role", "machines", "idle W each", "full-load W each", "IT kWh/yr", "allocated", "platform", "idle"],
    estimate.regions.flatMap((r) =>
      r.machines.map((m) => [
        r.regionId,
        m.group,
        m.role,
        String(m.machines),
        m.floorWatts.toFixed(1),
        m.maxWatts.toFixed(1),
        kWh(m.itKWh),
        kWh(m.allocatedItKWh),
        kWh(m.platformItKWh),
        kWh(m.idleItKWh),
      ]),
    ),
  );
  if (estimate.regions.some((r) => r.notCounted.length > 0)) {
    lines.push("Not counted in the site totals (not declared):", "", ...estimate.regions.flatMap((r) => r.notCounted.map((n) => `- ${r.regionId}: ${n}`)), "");
  }

  lines.push("## Agencies", "", "Each agency's share of the sites (they add up to the allocated part).", "");
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
