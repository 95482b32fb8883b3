/**
 * `govcloud report estate --format html`: the estate as one self-contained page
 * (cli/estate-page.ts): regions, clusters, capacity, backup replication, stacks, agencies,
 * energy and the program KPIs; `--agency <id>` for one agency's page. Exit code 0: a report, not a gate.
 */
import { Command, Option } from "commander";
import { outputOption, writeOutputFileSync } from "./output-file";
import { estatePageModel, renderEstatePage } from "./estate-page";
import { agencyOption } from "./agency-filter";
import { loadEstate } from "../engine";
import { asOfOption, kpiReport } from "./report-kpis";

/**
 * The page of an environment, as `report estate` writes it; with `agency`, that agency's page
 * (its KPIs, its row, its namespaces' replication and its share of each site; the shared sites,
 * clusters and stacks as they are). An unknown agency is bad input with the closest id.
 */
export function estatePage(repoRoot: string, environment: string, now?: Date, agency?: string): string {
  const loaded = loadEstate(repoRoot, environment);
  const report = kpiReport(repoRoot, loaded, { ...(now === undefined ? {} : { now }), ...(agency === undefined ? {} : { agency }) });
  return renderEstatePage(estatePageModel(loaded, report));
}

export function estateReportCommand(repoRoot: string, onExit: (code: number) => void): Command {
  return new Command("estate")
    .description("The estate as one self-contained HTML page (no script, font or image fetched): regions, clusters and capacity, backup replication, stacks in deploy order, agencies, energy and the KPI table.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("-f, --format <format>", "output format").choices(["html"]).default("html"))
    .addOption(outputOption("write the page to this file (atomically) instead of standard output"))
    .addOption(asOfOption())
    .addOption(agencyOption("the page (its KPIs, its replication, its share of each site)"))
    .action((opts: { env: string; format: "html"; output?: string; asOf?: Date; agency?: string }) => {
      const text = estatePage(repoRoot, opts.env, opts.asOf, opts.agency);
      if (opts.output === undefined) process.stdout.write(text);
      else writeOutputFileSync(opts.output, text);
      onExit(0);
    });
}
