/**
 * Progress of runs that take a while (synth, check), on stderr when it is a terminal: quick runs
 * show only their result, and pipes and CI logs get none.
 */

/** Shows a progress message once the run has taken a second. */
export function showProgress(message: string, elapsedMs: number): void {
  if (elapsedMs >= 1000) process.stderr.write(`govcloud: [${(elapsedMs / 1000).toFixed(1)} s] ${message}\n`);
}

/** {@link showProgress} when standard error is a terminal, else undefined (no progress). */
export function terminalProgress(isTTY: boolean = process.stderr.isTTY === true): typeof showProgress | undefined {
  return isTTY ? showProgress : undefined;
}
