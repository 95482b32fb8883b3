/**
 * How a command ends: the exit codes of every command, and how something going wrong is shown.
 * Bad input is listed, one located line per problem, with exit code 2; anything else is an
 * internal error (exit code 3) whose stack trace is shown only with GOVCLOUD_DEBUG=1.
 */
import { UserError } from "../environments/diagnostics";

/** The exit codes of every govcloud command, so that CI can tell a finding from a crash. */
export const EXIT_CODES = {
  /** Success; for check and report, nothing failed. */
  ok: 0,
  /** `check`: mandatory policy violations; `report backups`: a tenant namespace without backups. */
  violations: 1,
  /** Bad input: arguments, environment or agency files, plans, folders, output paths. */
  badInput: 2,
  /** A bug in govcloud: please report it. */
  internal: 3,
} as const;

/** The exit codes as `--help` shows them (after every command's options). */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success (check: no mandatory violation)
  1  violations found (check: mandatory policy violations; report backups: a namespace without backups)
  2  bad input (arguments, environment, agency, plan or folder, --output path), each problem as file:line:col: path: message
  3  internal error: a bug in govcloud (GOVCLOUD_DEBUG=1 shows where); please report it`;

/** Prints `error` the way users should see it and returns the exit code. */
export function reportFailure(error: unknown, nothingDone = "nothing was written"): 2 | 3 {
  if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    const count = error.diagnostics.length;
    if (count > 1) process.stderr.write(`govcloud: ${count} problems; ${nothingDone}\n`);
    return EXIT_CODES.badInput;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`govcloud: internal error: ${message}\n`);
  if (process.env.GOVCLOUD_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
  else process.stderr.write("govcloud: set GOVCLOUD_DEBUG=1 to see where it happened, and please report it\n");
  return EXIT_CODES.internal;
}

const withExitCodes = new WeakSet<object>();

/** Adds {@link EXIT_CODES_HELP} to the `--help` of `command` and all its subcommands (once each). */
export function addExitCodesHelp<T extends { addHelpText(position: "after", text: string): unknown; readonly commands: readonly T[] }>(command: T): T {
  if (!withExitCodes.has(command)) {
    withExitCodes.add(command);
    command.addHelpText("after", EXIT_CODES_HELP);
  }
  for (const sub of command.commands) addExitCodesHelp(sub);
  return command;
}
