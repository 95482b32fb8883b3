/** Machine-readable findings, for scripts and dashboards. */
import type { CheckResult } from "../check";
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
    },
    rules: result.rules,
    findings: result.findings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
