/**
 * `govcloud report <subject>`: reports on what an environment deploys. Each subject is a
 * subcommand in its own file (`cli/report-<subject>.ts`); add one to {@link REPORT_SUBCOMMANDS}.
 *
 *   govcloud report backups [--env <name>] [--format md|json] [--output <file>] [--agency <id>]   exit 1 when a tenant namespace is not covered
 *   govcloud report energy  [--env <name>] [--format md|json] [--output <file>] [--agency <id>]
 *   govcloud report kpis    [--env <name>] [--format md|json|html] [--output <file>] [--as-of <day>] [--agency <id>]   exit 0 whatever the values
 *   govcloud report estate  [--env <name>] [--format html] [--output <file>] [--as-of <day>] [--agency <id>]
 *
 * Every subject takes `--agency <id>` through cli/agency-filter.ts (`agencyOption`,
 * `resolveAgency`): one agency's share of the report, an unknown id bad input with the closest.
 */
import { Command } from "commander";
import { backupsReportCommand } from "./report-backups";
import { energyReportCommand } from "./report-energy";
import { estateReportCommand } from "./report-estate";
import { kpisReportCommand } from "./report-kpis";

export interface ReportCommandOptions {
  /**
   * Receives a report's exit code (0 fine, 1 the report found a gap). By default it becomes the
   * process's exit code once the command has returned: `bin/govcloud.cjs` sets the exit code from
   * `run()`, which does not know about report findings.
   */
  readonly onExit?: (code: number) => void;
}

/**
 * A report subcommand, built for a repository. Reports whose findings set the exit code hand it
 * to `onExit`; the others ignore it.
 */
export type ReportSubcommand = (repoRoot: string, onExit: (code: number) => void) => Command;

/** The subjects of `govcloud report`, one subcommand each. */
export const REPORT_SUBCOMMANDS: readonly ReportSubcommand[] = [backupsReportCommand, energyReportCommand, kpisReportCommand, estateReportCommand];

/** Sets the exit code after `run()` has returned and the bin script has set its own. */
function deferredExit(code: number): void {
  if (code !== 0) process.nextTick(() => (process.exitCode = code));
}

/** The `report` command with every subcommand of {@link REPORT_SUBCOMMANDS}. */
export function reportCommand(repoRoot: string, options: ReportCommandOptions = {}): Command {
  const onExit = options.onExit ?? deferredExit;
  const report = new Command("report")
    .description("Reports on what an environment deploys: backup coverage of every tenant namespace, energy and carbon, program KPIs, the estate as an HTML page.")
    // Added with addCommand, so it inherits none of the program's settings: errors must throw.
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  for (const subcommand of REPORT_SUBCOMMANDS) report.addCommand(subcommand(repoRoot, onExit).exitOverride());
  return report;
}
