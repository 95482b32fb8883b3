/**
 * A finding's identity across runs, for `govcloud check --baseline <earlier report.json>`: the
 * rule, the stack and resource address, and the message with what moves between runs taken out
 * (file:line:col locations, line numbers). Editing a YAML file above a finding's line does not
 * change its fingerprint; a different violation of the same rule on the same resource does.
 */
import { createHash } from "node:crypto";

/** What a fingerprint is made of: a finding of this run or one read from an earlier JSON report. */
export interface FingerprintSubject {
  readonly rule: string;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}

/** The message without locations: `environments/x.yaml:12:3` -> `<location>`, `line 12` -> `line <n>`. */
export function messageKey(message: string): string {
  return message
    .replace(/[^\s:()'"`]+\.(?:ya?ml|json):\d+(?::\d+)?/g, "<location>")
    .replace(/\blines? \d+(?:[-–]\d+)?\b/g, "line <n>")
    .replace(/\s+/g, " ")
    .trim();
}

/** 32 hex digits, stable across runs and machines. */
export function findingFingerprint(f: FingerprintSubject): string {
  return createHash("sha256").update(["govcloud-finding/v1", f.rule, f.stack, f.address, messageKey(f.message)].join("\u0000")).digest("hex").slice(0, 32);
}
