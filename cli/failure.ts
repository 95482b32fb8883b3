/**
 * How a command ends when something goes wrong: bad input is listed, one located line per
 * problem, with exit code 2; anything else is an internal error (exit code 1) whose stack trace
 * is shown only with GOVCLOUD_DEBUG=1.
 */
import { UserError } from "../environments/diagnostics";

/** Prints `error` the way users should see it and returns the exit code. */
export function reportFailure(error: unknown, nothingDone = "nothing was written"): 1 | 2 {
  if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    const count = error.diagnostics.length;
    if (count > 1) process.stderr.write(`govcloud: ${count} problems; ${nothingDone}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`govcloud: internal error: ${message}\n`);
  if (process.env.GOVCLOUD_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ""}\n`);
  else process.stderr.write("govcloud: set GOVCLOUD_DEBUG=1 to see where it happened, and please report it\n");
  return 1;
}
