/**
 * cdktf captures a full stack trace for every token it creates (every reference, every complex
 * attribute of a provider binding, every `each.value` reference each time it is resolved), only
 * to show it if that token later fails to resolve. In profiles of a national estate this was the
 * largest single cost of synthesis after the token resolver itself. While `fn` runs, tokens get
 * no creation trace. An unresolvable token still fails synthesis, with its message but without
 * the trace; set GOVCLOUD_DEBUG=1 to keep traces when chasing one.
 *
 * cdktf is pinned at 0.21.0, its final release, so the internal module replaced here is fixed.
 */

type StackTraceModule = { captureStackTrace: (below?: unknown) => string[] };
let stackTrace: StackTraceModule | undefined;

export function withoutTokenStackTraces<T>(fn: () => T): T {
  if (process.env.GOVCLOUD_DEBUG) return fn();
  // Loaded on first use: commands that synthesize nothing (check, plan-report, --help) never load cdktf.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  stackTrace ??= require("cdktf/lib/tokens/private/stack-trace") as StackTraceModule;
  const capture = stackTrace.captureStackTrace;
  stackTrace.captureStackTrace = () => [];
  try {
    return fn();
  } finally {
    stackTrace.captureStackTrace = capture;
  }
}
