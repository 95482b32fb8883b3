/**
 * `govcloud check`: judge the Terraform an environment deploys against the policy packs.
 *
 *   govcloud check [--env <name>]                 synthesize the environment (default national) and check it
 *   govcloud check <cdktf.out folder | plan.json>  check a synthesized folder or `terraform show -json` plans
 *   ... --agency <id>                             only the findings about one agency (cli/agency-filter.ts)
 *
 * Without --env, a folder or plan is judged with the settings of the environment it was
 * synthesized from (its sources.json), else, inside the project, of the default environment;
 * outside a project, rules that need settings are reported as not run and the others run.
 *
 * Exit codes: 0 no mandatory violation (advisory findings allowed), 1 mandatory violations,
 * 2 bad input (`file:line:col: path: message`), 3 internal error (cli/failure.ts).
 *
 * The policies (and through them @pulumi/policy, which loads gRPC) are imported only when the
 * command runs, so that the other commands do not pay for them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import { displayPath, UserError } from "../environments/diagnostics";
import { loadEnvironmentConfig, type LoadedAgency, resolveEnvironmentFile } from "../environments";
import type { CheckResult } from "../policies/engine/check";
import { type FingerprintSubject, findingFingerprint } from "../policies/engine/fingerprint";
import { type JsonProblem, jsonProblemsError, jsonType } from "../policies/engine/json-locations";
import { lazyImport } from "../policies/engine/lazy";
import { agencyOption, namesAgency, resolveAgency } from "./agency-filter";
import { addExitCodesHelp, reportFailure } from "./failure";
import { outputOption, writeOutputFile } from "./output-file";
import { terminalProgress } from "./progress";

const DEFAULT_ENV = "national";
export const FORMATS = ["text", "json", "sarif", "junit"] as const;
export type ReportFormat = (typeof FORMATS)[number];

export interface CheckCommandOptions {
  readonly env?: string;
  readonly format: ReportFormat;
  readonly output?: string;
  /** Also write the report as SARIF to this file (`--sarif`), from the same check. */
  readonly sarif?: string;
  readonly policyConfig?: string;
  readonly catalog?: boolean;
  /** Judge suppression expiry as of this day (`--as-of`); default today. */
  readonly asOf?: Date;
  /** Report only the findings about this agency (`--agency`); the exit code follows them. */
  readonly agency?: string;
  /** An earlier JSON report: report only findings it does not have (`--baseline`). */
  readonly baseline?: string;
  /** No progress on the terminal. */
  readonly quiet?: boolean;
}

/**
 * The `check` command. Its action is async (rules may be); the exit code is handed to `onExit`,
 * which by default sets process.exitCode once the check has finished.
 */
export function checkCommand(repoRoot: string, onExit: (code: number) => void = (code) => (process.exitCode = code)): Command {
  return addExitCodesHelp(
    new Command("check")
      .description("Check the Terraform of an environment, a synthesized folder or a plan against the policy packs.")
      // Added with addCommand, so it inherits none of the program's settings: errors must throw.
      .exitOverride()
      .showHelpAfterError("(run with --help for usage)")
      .argument("[inputs...]", "cdktf.out folders or `terraform show -json` plan files (default: synthesize --env)")
      .addOption(
        new Option(
          "-e, --env <name>",
          `environment to synthesize and check (default ${DEFAULT_ENV}); with inputs, the environment whose policy settings apply (default: the one the folder was synthesized from, else ${DEFAULT_ENV} inside the project; outside it, rules that need settings are not run)`,
        ),
      )
      .addOption(new Option("-f, --format <format>", "report format").choices(FORMATS).default("text"))
      .addOption(outputOption())
      .addOption(new Option("--sarif <file>", "also write the findings as SARIF to this file (atomically): one check, two reports (CI: JUnit for the pipeline, SARIF for code review)"))
      .addOption(new Option("--baseline <report.json>", "an earlier JSON report (--format json): report only findings that are not in it"))
      .addOption(new Option("-q, --quiet", "no progress on the terminal"))
      .addOption(new Option("--policy-config <file>", "rule configuration and levels as Pulumi policy-pack config JSON: { \"<rule>\": \"advisory\" | { ... } }"))
      .addOption(new Option("--as-of <date>", "judge suppression expiry as of this day, YYYY-MM-DD (default: today in Vietnam)").argParser(parseDay))
      .addOption(agencyOption("the findings (and the exit code)"))
      .addOption(new Option("--catalog", "regenerate docs/policies.md from the rules, then exit"))
      .action(async (inputs: string[], opts: CheckCommandOptions) => {
        onExit(await executeCheck(repoRoot, inputs, opts));
      }),
  );
}

/** Runs `check` with its own arguments, without the rest of the CLI; resolves to the exit code. */
export async function runCheck(argv: readonly string[], repoRoot: string): Promise<number> {
  let code = 0;
  try {
    await checkCommand(repoRoot, (c) => (code = c)).parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}

/** The whole command; never throws: every outcome is an exit code. */
export async function executeCheck(repoRoot: string, inputs: readonly string[], opts: CheckCommandOptions): Promise<number> {
  try {
    if (opts.catalog) {
      const { CATALOG_FILE, renderPolicyCatalog } = await lazyImport<typeof import("../policies/catalog")>(policiesModule("catalog"));
      await writeFileAtomic(path.join(repoRoot, CATALOG_FILE), renderPolicyCatalog());
      process.stdout.write(`${CATALOG_FILE}: written\n`);
      return 0;
    }
    const [{ PACKS }, { runChecks }, reporters] = await Promise.all([
      lazyImport<typeof import("../policies/packs")>(policiesModule("packs", "index")),
      lazyImport<typeof import("../policies/engine/check")>(policiesModule("engine", "check")),
      lazyImport<typeof import("../policies/engine/reporters")>(policiesModule("engine", "reporters", "index")),
    ]);
    const policyConfig = opts.policyConfig === undefined ? undefined : readPolicyConfig(opts.policyConfig);
    const classified = inputs.map(classify);
    const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline);
    const environment = inputs.length > 0 && opts.env === undefined ? settingsEnvironment(repoRoot, classified) : undefined;
    if (environment !== undefined) process.stderr.write(`govcloud check: ${environment.message}\n`);
    // Resolved first: an unknown id is bad input, found before the (long) check.
    const agency =
      opts.agency === undefined ? undefined : resolveAgency(loadEnvironmentConfig(repoRoot, opts.env ?? environment?.file ?? DEFAULT_ENV), opts.agency);
    const onProgress = opts.quiet ? undefined : terminalProgress();
    const all = await runChecks({
      repoRoot,
      packs: PACKS,
      inputs: inputs.length === 0 ? [{ kind: "environment", name: opts.env ?? DEFAULT_ENV }] : classified,
      ...(inputs.length > 0 && opts.env !== undefined ? { environment: opts.env } : {}),
      ...(environment?.file === undefined ? {} : { environment: environment.file }),
      ...(policyConfig === undefined ? {} : { policyConfig, policyConfigFile: opts.policyConfig }),
      ...(opts.asOf === undefined ? {} : { now: opts.asOf }),
      ...(baseline === undefined ? {} : { baseline }),
      ...(onProgress === undefined ? {} : { onProgress }),
      ...(process.env.GOVCLOUD_DEBUG ? { onCrash: (rule: string, at: string, error: unknown) => debugCrash(rule, at, error) } : {}),
      synthesize: async (environment, out, onProgress) => {
        // Loaded lazily: synthesis pulls in cdktf, which the other inputs do not need.
        const { synthesize } = await lazyImport<typeof import("../engine")>(path.join(__dirname, "..", "engine", "index"));
        synthesize({ repoRoot, environment, out, frozenLock: true, ...(onProgress === undefined ? {} : { onProgress: (message: string) => onProgress(message) }) });
      },
    });
    const result = agency === undefined ? all : onlyAgencyFindings(all, agency);
    for (const skipped of result.notRun) process.stderr.write(`govcloud check: warning: rule ${skipped.rule} not run: ${skipped.reason}\n`);
    if (result.baselined > 0) process.stderr.write(`govcloud check: ${result.baselined} finding(s) already in the baseline ${displayPath(opts.baseline ?? "")} not reported\n`);
    const report = reporters.render(opts.format, result, packageVersion(repoRoot), { catalogUri: catalogUri(repoRoot) });
    if (opts.sarif !== undefined) await writeFileAtomic(path.resolve(opts.sarif), reporters.render("sarif", result, packageVersion(repoRoot), { catalogUri: catalogUri(repoRoot) }));
    if (opts.output === undefined) {
      process.stdout.write(report);
    } else {
      await writeOutputFile(opts.output, report);
      const verdict = result.exitCode === 0 ? "passed" : "failed: mandatory violations";
      process.stdout.write(`govcloud check ${verdict}; ${opts.format} report written to ${displayPath(path.resolve(opts.output))}\n`);
    }
    return result.exitCode;
  } catch (error) {
    return reportFailure(error, "nothing was checked");
  }
}

/** The result with only the findings about `agency`; the exit code is theirs. */
function onlyAgencyFindings(result: CheckResult, agency: LoadedAgency): CheckResult {
  const findings = result.findings.filter((f) => namesAgency(f, agency));
  const failing = findings.some((f) => f.level === "mandatory" && f.suppressedBy === undefined);
  return { ...result, findings, exitCode: failing ? 1 : 0 };
}

function policiesModule(...parts: string[]): string {
  return path.join(__dirname, "..", "policies", ...parts);
}

type Input = { kind: "folder"; dir: string } | { kind: "plan"; file: string };

/** The environment whose settings apply to folder and plan inputs given without --env, and how it was chosen. */
export interface SettingsChoice {
  /** The environment file; undefined outside a project. */
  readonly file?: string;
  /** For stderr: which environment, and why. */
  readonly message: string;
}

/**
 * Without --env: the environment the first folder (or a plan's enclosing cdktf.out folder) was
 * synthesized from, as its sources.json records; else, inside the project (the working directory
 * or an input in the repository), the default environment; else none.
 */
export function settingsEnvironment(repoRoot: string, inputs: readonly Input[]): SettingsChoice {
  for (const input of inputs) {
    const recorded = recordedEnvironment(input.kind === "folder" ? input.dir : path.dirname(path.resolve(input.file)), input.kind === "plan");
    if (recorded === undefined) continue;
    const file = path.resolve(repoRoot, recorded.environment);
    if (fs.existsSync(file)) {
      return { file, message: `policy settings of ${displayPath(file)}, the environment ${displayPath(recorded.from)} names as its source` };
    }
  }
  const defaultFile = resolveEnvironmentFile(repoRoot, DEFAULT_ENV);
  const inside = [process.cwd(), ...inputs.map((i) => (i.kind === "folder" ? i.dir : i.file))].some((p) => isInside(repoRoot, path.resolve(p)));
  if (inside && fs.existsSync(defaultFile)) {
    return { file: defaultFile, message: `policy settings of ${displayPath(defaultFile)}, the default environment (the inputs name none; choose another with --env <name>)` };
  }
  return { message: "outside a govcloud project: no environment's settings; rules that need them are not run (choose one with --env <name>)" };
}

/** `environment.file` of the sources.json in `dir` (or, for a plan, in a folder above it). */
function recordedEnvironment(dir: string, searchUp: boolean): { environment: string; from: string } | undefined {
  for (let at = path.resolve(dir), depth = 0; depth < (searchUp ? 4 : 1); depth++, at = path.dirname(at)) {
    const file = path.join(at, "sources.json");
    try {
      const environment = (JSON.parse(fs.readFileSync(file, "utf8")) as { environment?: { file?: unknown } }).environment?.file;
      if (typeof environment === "string") return { environment, from: file };
    } catch {
      // No sources.json here (or not ours): look further up.
    }
    if (path.dirname(at) === at) break;
  }
  return undefined;
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Fingerprints of the findings of an earlier JSON report (`govcloud check --format json`), suppressed
 * ones included.
 */
function readBaseline(file: string): Set<string> {
  let text: string;
  let report: unknown;
  try {
    text = fs.readFileSync(file, "utf8");
    report = JSON.parse(text);
  } catch (error) {
    throw new UserError([{ file: displayPath(file), line: 1, col: 1, path: "", message: `cannot read the baseline report: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const findings = (report as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) throw jsonProblemsError(file, text, [{ path: ["findings"], message: "is missing; the baseline must be a report of govcloud check --format json" }]);
  const problems: JsonProblem[] = [];
  const fingerprints = new Set<string>();
  findings.forEach((f: unknown, i) => {
    const finding = (typeof f === "object" && f !== null ? f : {}) as Record<string, unknown>;
    const bad = ["rule", "stack", "address", "message"].filter((key) => typeof finding[key] !== "string");
    for (const key of bad) problems.push({ path: ["findings", i, key], message: `expected string, got ${finding[key] === undefined ? "nothing" : jsonType(finding[key])}` });
    if (bad.length === 0) fingerprints.add(findingFingerprint(finding as unknown as FingerprintSubject));
  });
  if (problems.length > 0) throw jsonProblemsError(file, text, problems);
  return fingerprints;
}

/** A folder is a synthesized cdktf output; a file is a plan in JSON. */
function classify(input: string): Input {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new UserError([{ file: displayPath(input), line: 1, col: 1, path: "", message: "not found: expected a cdktf.out folder or a terraform show -json plan file" }]);
  }
  return stat.isDirectory() ? { kind: "folder", dir: input } : { kind: "plan", file: input };
}

function readPolicyConfig(file: string): Record<string, string | Record<string, unknown>> {
  const at = (message: string) => new UserError([{ file: displayPath(file), line: 1, col: 1, path: "", message }]);
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw at(`cannot read the policy config: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw at('must be a JSON object: { "<rule-id>": "<level>" | { ... } }');
  for (const [rule, entry] of Object.entries(value)) {
    if (typeof entry !== "string" && (typeof entry !== "object" || entry === null || Array.isArray(entry))) {
      throw at(`${rule}: must be an enforcement level or an object of settings`);
    }
  }
  return value as Record<string, string | Record<string, unknown>>;
}

/** `YYYY-MM-DD` as the start of that day in Vietnam. */
function parseDay(value: string): Date {
  const day = new Date(`${value}T00:00:00+07:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(day.getTime())) throw new InvalidArgumentError("must be a date written as YYYY-MM-DD");
  return day;
}

/**
 * The absolute URI of docs/policies.md for SARIF's helpUri: GOVCLOUD_DOCS_URL when set; in CI, the
 * file at the commit checked (GitHub Actions, GitLab CI); else the file in this repository.
 */
export function catalogUri(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const catalog = "docs/policies.md";
  if (env.GOVCLOUD_DOCS_URL) return env.GOVCLOUD_DOCS_URL;
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA) return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/${catalog}`;
  if (env.CI_PROJECT_URL && env.CI_COMMIT_SHA) return `${env.CI_PROJECT_URL}/-/blob/${env.CI_COMMIT_SHA}/${catalog}`;
  return pathToFileURL(path.join(repoRoot, catalog)).href;
}

function packageVersion(repoRoot: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

function debugCrash(rule: string, at: string, error: unknown): void {
  process.stderr.write(`govcloud: rule ${rule} crashed on ${at}:\n${error instanceof Error ? error.stack : String(error)}\n`);
}
