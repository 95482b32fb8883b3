/**
 * SARIF 2.1.0, for code scanning: one run; rules with their descriptions, help (the catalog) and tags
 * (pack and legal basis); results located at the agency or environment YAML line that produced
 * the resource, with the Terraform address as logical location. Suppressed findings are results
 * with an accepted external suppression.
 */
import type * as sarif from "sarif";
import type { CheckResult, RuleDescriptor } from "../check";
import { findingFingerprint } from "../fingerprint";

export const CATALOG_PATH = "docs/policies.md";

/** Packs whose mandatory violations expose data or the cluster directly: high severity. */
const HIGH_SEVERITY_PACKS: ReadonlySet<string> = new Set(["kubernetes-security", "tenant-isolation", "data-residency", "backup", "engine"]);

/**
 * `security-severity` for code scanning (0.0–10.0; GitHub shows 9.0+ critical, 7.0+ high, 4.0+
 * medium, else low): mandatory rules of the security, isolation, residency and backup packs are
 * high (8.0), other mandatory rules 7.0 (security-level) or medium 5.0 (green); advisory rules
 * medium 4.0, or low 2.0 for green.
 */
export function securitySeverity(rule: Pick<RuleDescriptor, "pack" | "level" | "defaultLevel">): string {
  const level = rule.level === "disabled" ? rule.defaultLevel : rule.level;
  if (level === "mandatory") return HIGH_SEVERITY_PACKS.has(rule.pack) ? "8.0" : rule.pack === "green" ? "5.0" : "7.0";
  return rule.pack === "green" ? "2.0" : "4.0";
}

/** Where the catalog is read, for rules' `helpUri` (an absolute URI, as SARIF requires). */
export interface SarifOptions {
  /** Absolute URI of docs/policies.md; each rule links to its section (`#<rule-id>`). @default - no helpUri */
  readonly catalogUri?: string;
}

export function buildSarif(result: CheckResult, version: string, options: SarifOptions = {}): sarif.Log {
  const rules: sarif.ReportingDescriptor[] = result.rules.map((r) => ({
    id: r.id,
    shortDescription: { text: r.description },
    fullDescription: { text: `${r.description} ${r.explanation === r.description ? "" : r.explanation}`.trim() },
    // The rule's section of the catalog (docs/policies.md has a heading per rule).
    ...(options.catalogUri === undefined ? {} : { helpUri: `${options.catalogUri}#${r.id}` }),
    help: { text: `See ${CATALOG_PATH}#${r.id}.`, markdown: `See [${CATALOG_PATH}](${CATALOG_PATH}#${r.id}).` },
    defaultConfiguration: r.level === "disabled" ? { enabled: false, level: "none" } : { level: r.level === "mandatory" ? "error" : "warning" },
    properties: {
      tags: [r.pack, ...r.controls.map((c) => (c.control === undefined ? c.source : `${c.source} ${c.control}`))],
      pack: r.pack,
      enforcementLevel: r.level,
      "security-severity": securitySeverity(r),
    },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: sarif.Result[] = result.findings.map((f) => {
    const logical: sarif.LogicalLocation = f.address === "" ? { name: f.stack || "configuration", kind: "module" } : { name: f.address, fullyQualifiedName: `${f.stack}/${f.address}`, kind: "resource" };
    const location: sarif.Location = {
      ...(f.source === undefined
        ? {}
        : { physicalLocation: { artifactLocation: { uri: f.source.file }, region: { startLine: f.source.line, startColumn: f.source.col } } }),
      logicalLocations: [logical],
    };
    return {
      ruleId: f.rule,
      ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) as number } : {}),
      level: f.level === "mandatory" ? "error" : "warning",
      message: { text: f.message },
      locations: [location],
      partialFingerprints: { "govcloudFinding/v1": findingFingerprint(f) },
      ...(f.suppressedBy === undefined
        ? {}
        : {
            suppressions: [
              {
                kind: "external",
                status: "accepted",
                justification: f.suppressedBy.reason,
                location: {
                  physicalLocation: {
                    artifactLocation: { uri: f.suppressedBy.source.file },
                    region: { startLine: f.suppressedBy.source.line, startColumn: f.suppressedBy.source.col },
                  },
                },
                properties: { acceptedBy: f.suppressedBy.acceptedBy, expires: f.suppressedBy.expires },
              },
            ],
          }),
      properties: { stack: f.stack, pack: f.pack, ...(f.crashedRule === undefined ? {} : { crashedRule: f.crashedRule }) },
    };
  });
  return {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: { driver: { name: "govcloud-check", version, rules } },
        invocations: [
          {
            executionSuccessful: true,
            // Rules that could not run for want of settings: a warning, so that a reviewer knows what was not judged.
            toolExecutionNotifications: result.notRun.map((n) => ({
              level: "warning",
              message: { text: `rule ${n.rule} not run: ${n.reason}` },
              descriptor: { id: n.rule, ...(index.has(n.rule) ? { index: index.get(n.rule) as number } : {}) },
              associatedRule: { id: n.rule, ...(index.has(n.rule) ? { index: index.get(n.rule) as number } : {}) },
            })),
          },
        ],
        results,
        columnKind: "unicodeCodePoints",
      },
    ],
  };
}

export function renderSarif(result: CheckResult, version: string, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(result, version, options), null, 2)}\n`;
}
