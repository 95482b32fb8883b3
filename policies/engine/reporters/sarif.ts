/**
 * SARIF 2.1.0, for code scanning: one run; rules with their descriptions, help (the catalog) and tags
 * (pack and legal basis); results located at the agency or environment YAML line that produced
 * the resource, with the Terraform address as logical location. Suppressed findings are results
 * with an accepted external suppression.
 */
import type * as sarif from "sarif";
import type { CheckResult } from "../check";

export const CATALOG_PATH = "docs/policies.md";

export function buildSarif(result: CheckResult, version: string): sarif.Log {
  const rules: sarif.ReportingDescriptor[] = result.rules.map((r) => ({
    id: r.id,
    shortDescription: { text: r.description },
    fullDescription: { text: `${r.description} ${r.explanation === r.description ? "" : r.explanation}`.trim() },
    // helpUri must be an absolute URI; the catalog lives in the repository, so it is named in help.
    help: { text: `See ${CATALOG_PATH}#${r.id}.`, markdown: `See [${CATALOG_PATH}](${CATALOG_PATH}#${r.id}).` },
    defaultConfiguration: r.level === "disabled" ? { enabled: false, level: "none" } : { level: r.level === "mandatory" ? "error" : "warning" },
    properties: {
      tags: [r.pack, ...r.controls.map((c) => (c.control === undefined ? c.source : `${c.source} ${c.control}`))],
      pack: r.pack,
      enforcementLevel: r.level,
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
        results,
        columnKind: "unicodeCodePoints",
      },
    ],
  };
}

export function renderSarif(result: CheckResult, version: string): string {
  return `${JSON.stringify(buildSarif(result, version), null, 2)}\n`;
}
