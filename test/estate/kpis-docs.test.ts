/**
 * docs/kpis.md defines every KPI the code reports, and nothing else: one section per id of
 * KPI_DEFINITIONS, in the same order, each with its definition, source, target and reference.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { KPI_DEFINITIONS, measureKpis } from "../../estate/kpis";
import { NATIONAL, sampleAgency, WORKLOAD_SAMPLES } from "../support/fixtures";
import { REPO_ROOT } from "../support/synth";

const doc = fs.readFileSync(path.join(REPO_ROOT, "docs", "kpis.md"), "utf8");
const kpiPart = doc.slice(doc.indexOf("\n## KPIs\n"), doc.indexOf("\n## ", doc.indexOf("\n## KPIs\n") + 1));

it("has one section per KPI id of the code, in the code's order, and no other", () => {
  const sections = [...kpiPart.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]);
  expect(sections).toEqual(KPI_DEFINITIONS.map((d) => d.id));
});

it("gives each KPI a definition, a source, a target and a reference", () => {
  const bodies = kpiPart.split(/^### /m).slice(1);
  expect(bodies).toHaveLength(KPI_DEFINITIONS.length);
  for (const [i, body] of bodies.entries()) {
    const id = KPI_DEFINITIONS[i]?.id;
    for (const field of ["Definition", "Source", "Target", "Reference"]) expect(body, `${id}: ${field}`).toContain(`- **${field}.**`);
    const target = /- \*\*Target\.\*\* (\d+)%/.exec(body)?.[1];
    expect(Number(target) / 100, `${id}: target`).toBe(KPI_DEFINITIONS[i]?.target);
  }
});

/** The text of the section `## <title>` of docs/kpis.md. */
function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  expect(start, title).toBeGreaterThan(0);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

it("documents every per-region field the report gives, the site figures and the site KPIs included", () => {
  const units = { provincial: 34, commune: 3321, source: "test" };
  const agencies = [sampleAgency({ app: WORKLOAD_SAMPLES.worker })];
  const report = measureKpis({ environment: NATIONAL, agencies, units, today: "2026-06-01", tenantStacks: [], backups: [], agency: agencies[0]!.id });
  const region = report.regions[0]!;
  const perRegion = section("Per region");
  const keys = [...Object.keys(region), ...Object.keys(region.siteKpis), ...Object.keys(region.site), "erf", "wue", "waterLitres", "exemptUntil"];
  for (const key of new Set(keys)) {
    const where = key === "agencyShare" ? section("One agency: `--agency <id>`") : perRegion;
    expect(where, key).toContain(`\`${key}\``);
  }
});

it("says what every KPI means for one agency (--agency)", () => {
  const table = section("One agency: `--agency <id>`");
  for (const d of KPI_DEFINITIONS) expect(table, d.id).toContain(`\`${d.id}\``);
});
