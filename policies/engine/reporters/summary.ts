/** Counting and grouping findings, shared by the reporters. */
import type { CheckResult } from "../check";
import type { Finding } from "../types";

export interface Counts {
  readonly mandatory: number;
  readonly advisory: number;
  readonly suppressed: number;
}

export function counts(findings: readonly Finding[]): Counts {
  let mandatory = 0;
  let advisory = 0;
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressedBy !== undefined) suppressed++;
    else if (f.level === "mandatory") mandatory++;
    else advisory++;
  }
  return { mandatory, advisory, suppressed };
}

/** Unsuppressed findings of each rule, in the order of the result's rules. */
export function byRule(result: CheckResult, findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>(result.rules.map((r) => [r.id, []]));
  for (const f of findings) {
    const list = groups.get(f.rule);
    if (list === undefined) groups.set(f.rule, [f]);
    else list.push(f);
  }
  return groups;
}

/** `file:line:col`, or undefined without a source. */
export function where(f: Finding): string | undefined {
  return f.source === undefined ? undefined : `${f.source.file}:${f.source.line}:${f.source.col}`;
}

/** The resource a finding is about, as people read it. */
export function subject(f: Finding): string {
  if (f.address !== "") return f.stack === "" ? f.address : `${f.address}  (${f.stack})`;
  return f.stack === "" ? "(configuration)" : `stack ${f.stack}`;
}
