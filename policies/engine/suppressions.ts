/**
 * Suppressions: accepted exceptions to a rule, from the environment file (any resource) and
 * from agency files (that agency's resources only). Each carries a reason, who accepted it and
 * an expiry date. An expired suppression suppresses nothing and is itself a mandatory finding.
 */
import type { Finding, SourceLocation, SuppressionRef } from "./types";

export interface Suppression {
  readonly rule: string;
  /** Terraform address, or a glob on it (`*` any characters, `?` one). */
  readonly resource: string;
  /** Glob on the stack name; absent: every stack. */
  readonly stack?: string;
  readonly reason: string;
  readonly acceptedBy: string;
  /** Last valid day, YYYY-MM-DD. */
  readonly expires: string;
  /** Set for a suppression written in an agency file: it covers only that agency's instances. */
  readonly agency?: string;
  /** Where it is written (repository-relative). */
  readonly source: SourceLocation;
}

/** Today's date in Vietnam (UTC+7, no daylight saving), YYYY-MM-DD. */
export function vietnamDate(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** A glob on addresses as a regular expression: `*` any run of characters, `?` one; the rest literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === "*" ? ".*" : c === "?" ? "." : `\\${c}`));
  return new RegExp(`^${body}$`, "s");
}

/** The agency a for_each key belongs to: `bo-tai-chinh/portal` and `a/x->b/y` (consumer a). */
export function agencyOfKey(key: string | number | undefined): string | undefined {
  if (typeof key !== "string") return undefined;
  const consumer = key.split("->")[0] ?? "";
  return consumer.split("/")[0] || undefined;
}

export interface SuppressionOutcome {
  /** The findings, those covered by a valid suppression marked with `suppressedBy`. */
  readonly findings: Finding[];
  /** One `suppression-expired` finding per expired suppression. */
  readonly expired: Finding[];
}

export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[], now: Date): SuppressionOutcome {
  const today = vietnamDate(now);
  const expired: Finding[] = [];
  const valid: { s: Suppression; resource: RegExp; stack?: RegExp; ref: SuppressionRef }[] = [];
  for (const s of suppressions) {
    if (s.expires < today) {
      expired.push({
        rule: "suppression-expired",
        pack: "engine",
        level: "mandatory",
        message: `the suppression of '${s.rule}' for '${s.resource}' expired on ${s.expires} (accepted by ${s.acceptedBy}: "${s.reason}"); fix the resources or renew it with a new decision and date`,
        stack: "",
        address: "",
        source: s.source,
      });
      continue;
    }
    valid.push({
      s,
      resource: globToRegExp(s.resource),
      ...(s.stack === undefined ? {} : { stack: globToRegExp(s.stack) }),
      ref: { reason: s.reason, acceptedBy: s.acceptedBy, expires: s.expires, source: s.source },
    });
  }
  if (valid.length === 0) return { findings: [...findings], expired };
  const out = findings.map((f) => {
    const match = valid.find(
      ({ s, resource, stack }) =>
        s.rule === f.rule &&
        resource.test(f.address) &&
        (stack === undefined || stack.test(f.stack)) &&
        (s.agency === undefined || agencyOfKey(f.key) === s.agency),
    );
    return match === undefined ? f : { ...f, suppressedBy: match.ref };
  });
  return { findings: out, expired };
}
