/** Machine-readable findings, for scripts and dashboards. */
import type { CheckResult } from "../check";
import { findingFingerprint } from "../fingerprint";
import { counts } from "./summary";

export function renderJson(result: CheckResult): string {
  const report = {
    version: 1,
    summary: {
      exitCode: result.exitCode,
      resources: result.resources,
      stacks: result.stacks,
      ...(result.environmentFile === undefined ? {} : { environmentFile: result.environmentFile }),
      ...counts(result.findings),
      ...(result.baselined === 0 ? {} : { baselined: result.baselined }),
    },
    rules: result.rules,
    ...(result.notRun.length === 0 ? {} : { notRun: result.notRun }),
    // The fingerprint is what --baseline compares (rule, stack, address, message without locations).
    findings: result.findings.map((f) => ({ ...f, fingerprint: findingFingerprint(f) })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
