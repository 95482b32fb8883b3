/**
 * JUnit XML for CI dashboards: one testsuite per pack, one testcase per rule. A mandatory rule
 * with violations fails (its failure lists the resources); advisory violations are written to
 * the testcase's system-out; disabled rules are skipped.
 */
import type { CheckResult } from "../check";
import { byRule, subject, where } from "./summary";

export function renderJunit(result: CheckResult): string {
  const active = result.findings.filter((f) => f.suppressedBy === undefined);
  const notRun = new Map(result.notRun.map((n) => [n.rule, n.reason]));
  const groups = byRule(result, active);
  const packs = new Map<string, typeof result.rules>();
  for (const r of result.rules) packs.set(r.pack, [...(packs.get(r.pack) ?? []), r]);

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const [pack, rules] of packs) {
    const cases: string[] = [];
    let packFailures = 0;
    let packSkipped = 0;
    for (const rule of rules) {
      const findings = groups.get(rule.id) ?? [];
      const lines = findings.map((f) => `${subject(f)}${where(f) === undefined ? "" : ` (${where(f)})`}: ${f.message}`);
      const open = `    <testcase classname="${xml(pack)}" name="${xml(rule.id)}">`;
      if (rule.level === "disabled" || notRun.has(rule.id)) {
        packSkipped++;
        cases.push(`${open}\n      <skipped message="${xml(notRun.has(rule.id) ? `not run: ${notRun.get(rule.id)}` : "disabled")}"/>\n    </testcase>`);
      } else if (findings.some((f) => f.level === "mandatory")) {
        packFailures++;
        const resources = new Set(findings.map((f) => `${f.stack}/${f.address}`)).size;
        cases.push(
          `${open}\n      <failure type="mandatory" message="${xml(`${resources} resource(s) violate ${rule.id}`)}">${xml(lines.join("\n"))}</failure>\n    </testcase>`,
        );
      } else if (findings.length > 0) {
        cases.push(`${open}\n      <system-out>${xml(lines.map((l) => `advisory: ${l}`).join("\n"))}</system-out>\n    </testcase>`);
      } else {
        cases.push(`${open}</testcase>`);
      }
    }
    tests += rules.length;
    failures += packFailures;
    skipped += packSkipped;
    suites.push(
      `  <testsuite name="${xml(pack)}" tests="${rules.length}" failures="${packFailures}" errors="0" skipped="${packSkipped}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="govcloud check" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${suites.join("\n")}\n</testsuites>\n`;
}

function xml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest escaped.
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
