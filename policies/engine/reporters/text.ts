/** The report people read in a terminal: by rule, then by resource, with the YAML line behind it. */
import type { CheckResult } from "../check";
import { byRule, counts, subject, where } from "./summary";

export function renderText(result: CheckResult): string {
  const lines: string[] = [];
  const active = result.findings.filter((f) => f.suppressedBy === undefined);
  const suppressed = result.findings.filter((f) => f.suppressedBy !== undefined);
  const descriptors = new Map(result.rules.map((r) => [r.id, r]));
  const settings = result.environmentFile === undefined ? "pack defaults" : `settings from ${result.environmentFile}`;
  const ran = result.rules.filter((r) => r.level !== "disabled" && r.pack !== "engine").length - result.notRun.length;
  lines.push(`govcloud check: ${result.resources} resources in ${result.stacks.length} stacks, ${ran} rules (${settings})`);

  for (const [rule, findings] of byRule(result, active)) {
    if (findings.length === 0) continue;
    const d = descriptors.get(rule);
    const level = findings.some((f) => f.level === "mandatory") ? "mandatory" : "advisory";
    lines.push("", `${level === "mandatory" ? "FAIL" : "WARN"} ${rule} [${level}, ${d?.pack ?? "engine"}]`);
    if (d !== undefined) lines.push(`     ${d.description}`);
    const byResource = new Map<string, typeof findings>();
    for (const f of findings) {
      const key = `${subject(f)}\u0000${where(f) ?? ""}`;
      byResource.set(key, [...(byResource.get(key) ?? []), f]);
    }
    for (const [key, list] of byResource) {
      const [who, at] = key.split("\u0000");
      lines.push(`  ${who}${at ? `  ${at}` : ""}`);
      for (const f of list) lines.push(`    - ${f.message}`);
    }
  }

  if (suppressed.length > 0) {
    lines.push("", `Suppressed (${suppressed.length}):`);
    for (const f of suppressed) {
      const s = f.suppressedBy!;
      lines.push(`  ${f.rule}  ${subject(f)}: ${s.reason} (accepted by ${s.acceptedBy}, until ${s.expires}; ${s.source.file}:${s.source.line})`);
    }
  }

  if (result.notRun.length > 0) {
    lines.push("", `Not run (${result.notRun.length}):`);
    for (const n of result.notRun) lines.push(`  ${n.rule} [${n.pack}]: ${n.reason}`);
  }

  const c = counts(result.findings);
  const verdict = result.exitCode === 0 ? "PASS" : "FAIL";
  const baselined = result.baselined === 0 ? "" : `; ${result.baselined} already in the baseline, not shown`;
  lines.push("", `${verdict}: ${c.mandatory} mandatory and ${c.advisory} advisory violation(s), ${c.suppressed} suppressed${baselined}`);
  return `${lines.join("\n")}\n`;
}
