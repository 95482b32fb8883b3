/**
 * cdktf captures a full stack trace for every token it creates (every reference, every complex
 * attribute of a provider binding) and formats it at once, only to show it if that token later
 * fails to resolve. Formatting dominated synthesis in profiles (about a third of the time, more
 * with source maps on). While `fn` runs, traces are captured but not formatted.
 */
export function withoutStackTraceFormatting<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = () => "";
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
