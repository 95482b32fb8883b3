/**
 * The govcloud command line. Exit codes (cli/failure.ts): 0 success, 1 violations (check, report
 * backups), 2 bad input (every problem listed as `file:line:col: path: message`, no stack trace),
 * 3 internal error.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { version } from "../package.json";
import writeFileAtomic from "write-file-atomic";
import { displayPath, formatDiagnostic, formatPath, UserError } from "../environments/diagnostics";
import { type LoadedAgency, listEnvironments } from "../environments";
import { agencyPlaceholders } from "../environments/placeholders";
import { withoutTokenStackTraces } from "../stacks/stack-traces";
import { JSON_SCHEMAS, renderJsonSchema } from "../environments/json-schema";
import { loadEstate, stateRootFor, synthesisCode, type SynthResult, synthesize } from "../engine";
import { onboardCommand } from "./onboard";
import { addressesCommand } from "./addresses";
import { agencyCommand } from "./agency";
import { completionCommand } from "./completion";
import { diffCommand, renderChanges } from "./diff";
import { checkCommand } from "./check";
import { pipelineCommand } from "./pipeline";
import { planReportCommand } from "./plan-report";
import { preflightCommand } from "./preflight";
import { reportCommand } from "./report";
import { addExitCodesHelp, reportFailure } from "./failure";
import { CATALOG_FILE, CATALOGS, catalogModules, renderCatalog } from "./catalogs";
import { terminalProgress } from "./progress";
import { watchCommand } from "./watch";

/** The repository this CLI belongs to: environments and state paths are relative to it. */
const REPO_ROOT = path.resolve(__dirname, "..");
const DEFAULT_ENV = "national";
const DEFAULT_OUT = "cdktf.out";

export function createProgram(): Command {
  const program = new Command("govcloud")
    .description("Infrastructure-as-code for the national government cloud: synthesize, validate and check.")
    .showHelpAfterError("(run with --help for usage)")
    .version(version)
    .exitOverride();

  program
    .command("synth")
    .description("Synthesize an environment to deployable Terraform (one folder per stack, in cdktf's layout).")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default(DEFAULT_ENV))
    .addOption(new Option("-o, --out <dir>", "output folder; replaced only when synthesis succeeds").default(DEFAULT_OUT))
    .option("--frozen-lock", "fail if agencies were added or removed without updating the tenant-stack lock (for CI)")
    .option("--allow-removal <name...>", "regions (<region>) or node pools (<region>/<pool>) whose removal is intended; any other is refused")
    .option("-q, --quiet", "print nothing on success")
    .option("-w, --watch", "stay running and synthesize again whenever the environment or an agency file changes; only changed stacks are rebuilt")
    .action((opts: { env: string; out: string; quiet?: boolean; frozenLock?: boolean; watch?: boolean; allowRemoval?: string[] }) => {
      const options = {
        repoRoot: REPO_ROOT,
        environment: opts.env,
        out: opts.out,
        frozenLock: opts.frozenLock,
        ...(opts.allowRemoval === undefined ? {} : { allowRemoval: opts.allowRemoval }),
        policyGate: true,
        deployable: true,
        ...(opts.quiet ? {} : { onProgress: terminalProgress() }),
      };
      const report = (result: SynthResult, ms: number) => {
        if (result.lockUpdated !== undefined) {
          process.stderr.write(`govcloud: updated ${displayPath(result.lockUpdated)} (new or removed agencies); commit it\n`);
        }
        for (const stack of result.removedStacksKept) {
          process.stderr.write(`govcloud: stack ${stack} is no longer synthesized; its working files stay in ${displayPath(path.join(result.outdir, "stacks", stack))}/ (remove them once its resources are destroyed)\n`);
        }
        if (result.retired.length > 0) {
          process.stderr.write(`govcloud: retired agencies dropped from the output (their namespaces and volumes are destroyed at the next apply): ${result.retired.join(", ")}\n`);
        }
        if (!opts.quiet) {
          printSummary(opts.env, result, ms);
          if (result.changes !== undefined) process.stdout.write(renderChanges(result.changes));
        }
      };
      if (opts.watch) {
        watchCommand(options, report);
        return;
      }
      const started = performance.now();
      const result = synthesize(options);
      report(result, performance.now() - started);
      finished = true;
    });

  program
    .command("validate")
    .description("Check environment and agency files (cross-file rules, capacity, stack limits) without writing anything.")
    .addOption(new Option("-e, --env <name>", "environment to check (default: all)"))
    .action((opts: { env?: string }) => {
      const names = opts.env === undefined ? listEnvironments(REPO_ROOT) : [opts.env];
      const problems = [];
      const warnings: string[] = [];
      for (const name of names) {
        try {
          // Removals are checked against the committed addresses (or lock and default output).
          const { config } = loadEstate(REPO_ROOT, name, { removals: { previousOutdir: path.resolve(DEFAULT_OUT) } });
          warnings.push(...placeholderWarnings(config.agencies));
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          problems.push(...error.diagnostics);
        }
      }
      for (const warning of warnings) process.stderr.write(`${warning}\n`);
      if (problems.length > 0) throw new UserError(problems);
      const unfinished = warnings.length === 0 ? "" : `; ${warnings.length} onboarding placeholder(s) to replace (govcloud check fails on them)`;
      process.stdout.write(`${names.length} environment(s) valid: ${names.join(", ")}${unfinished}\n`);
    });

  program
    .command("schemas")
    .description("Regenerate the JSON Schemas under schemas/ from the zod schemas, and the catalogs of workload templates and add-ons from their folders.")
    .option("--check", "fail instead of writing when a committed schema or catalog is out of date")
    .action((opts: { check?: boolean }) => {
      const stale: string[] = [];
      /** Writes each file whose text changed (or, with --check, lists it); the number written. */
      const regenerate = (files: readonly { readonly file: string; readonly text: () => string }[]): number => {
        let written = 0;
        for (const { file: relative, text: render } of files) {
          const file = path.join(REPO_ROOT, relative);
          const text = render();
          const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
          if (current === text) {
            process.stdout.write(`${relative}: up to date\n`);
          } else if (opts.check) {
            stale.push(relative);
          } else {
            writeFileAtomic.sync(file, text);
            process.stdout.write(`${relative}: written\n`);
            written++;
          }
        }
        return written;
      };
      const catalogs = CATALOGS.map((catalog) => ({
        file: `${catalog.folder}/${CATALOG_FILE}`,
        text: () => renderCatalog(catalog, catalogModules(REPO_ROOT, catalog)),
      }));
      if (regenerate(catalogs) > 0) {
        // The JSON Schemas derive from the catalogs, which this process loaded before they were
        // rewritten: they are rendered by a fresh process, with the new catalogs.
        const again = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "govcloud.cjs"), "schemas"], { stdio: "inherit" });
        if (again.status !== 0) throw new Error(`internal: regenerating the JSON Schemas with the new catalogs failed (exit ${String(again.status)})`);
        return;
      }
      regenerate(Object.keys(JSON_SCHEMAS).sort().map((fileName) => ({ file: `schemas/${fileName}`, text: () => renderJsonSchema(fileName) })));
      if (stale.length > 0) {
        throw new UserError(
          stale.map((file) => ({ file, line: 1, col: 1, path: "", message: "out of date; run npm run schemas" })),
        );
      }
    });

  // Entry point for `npx cdktf synth` (see cdktf.json): cdktf-cli chooses the output folder.
  program
    .command("cdktf-app", { hidden: true })
    .description("Build the app for cdktf-cli; the environment comes from GOVCLOUD_ENV.")
    .action(() => {
      const { config, estate } = loadEstate(REPO_ROOT, process.env.GOVCLOUD_ENV ?? DEFAULT_ENV, { frozenLock: true });
      const outdir = path.resolve(process.env.CDKTF_OUTDIR ?? DEFAULT_OUT);
      const stateRoot = stateRootFor(config.environment, config.environmentPath, outdir);
      const { buildApp } = synthesisCode();
      withoutTokenStackTraces(() => buildApp({ ...estate, stateRoot }, { outdir }).synth());
    });

  program.addCommand(diffCommand(REPO_ROOT));
  program.addCommand(onboardCommand(REPO_ROOT));
  program.addCommand(addressesCommand(REPO_ROOT));
  program.addCommand(checkCommand(REPO_ROOT));
  program.addCommand(reportCommand(REPO_ROOT));
  program.addCommand(agencyCommand(REPO_ROOT));
  program.addCommand(completionCommand());
  program.addCommand(pipelineCommand(REPO_ROOT));
  program.addCommand(planReportCommand());
  program.addCommand(preflightCommand(REPO_ROOT));
  throwingCommanderErrors(program);
  return addExitCodesHelp(program);
}

function printSummary(env: string, result: SynthResult, ms: number): void {
  const total = result.stacks.reduce((n, s) => n + s.resources, 0);
  const out = path.relative(process.cwd(), result.outdir) || ".";
  const reused = result.reused > 0 ? `; ${result.reused} unchanged stack(s) reused` : "";
  process.stdout.write(`Synthesized environment '${env}' to ${out}/ in ${Math.round(ms)} ms${reused} (deploy in this order):\n`);
  for (const stack of result.stacks) {
    const after = stack.dependencies.length > 0 ? `  after ${stack.dependencies.join(", ")}` : "";
    process.stdout.write(`  ${stack.name.padEnd(24)} ${String(stack.resources).padStart(6)} resources${after}\n`);
  }
  process.stdout.write(`  ${"total".padEnd(24)} ${String(total).padStart(6)} resources\n`);
}

/**
 * Commands added with addCommand inherit none of the program's settings: without exitOverride a
 * usage error in one exits with commander's code 1 (which means "violations"), not 2, and --help
 * ends the process. Every command throws instead, and run() turns that into the exit code.
 */
function throwingCommanderErrors(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride();
    throwingCommanderErrors(sub);
  }
}

/**
 * A warning for every onboarding placeholder left in an agency file, at its line:
 * `file:line:col: path: warning: still the onboarding placeholder "..."; write ...`.
 */
function placeholderWarnings(agencies: readonly LoadedAgency[]): string[] {
  return agencies.flatMap((agency) =>
    agencyPlaceholders(agency.value).map((p) =>
      formatDiagnostic({ ...agency.source.locate(p.path), path: formatPath(p.path), message: `warning: still the onboarding placeholder ${JSON.stringify(p.value)}; write ${p.fillIn}` }),
    ),
  );
}

/** Set when `govcloud synth` (not a watch session) has written its output and printed its report. */
let finished = false;

/**
 * Whether the last `run` was a `govcloud synth` that finished: nothing of it is left to run (no
 * watch session, no timer, its gate's thread stopped), so bin/govcloud.cjs exits at once.
 */
export function finishedOneSynthesis(): boolean {
  return finished;
}

/** Runs the CLI and returns the exit code; prints errors the way users should see them. */
export function run(argv: readonly string[]): number {
  finished = false;
  try {
    createProgram().parse([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportFailure(error);
  }
}
