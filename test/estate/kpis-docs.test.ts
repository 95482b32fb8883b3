/**
 * docs/kpis.md defines every KPI the code reports, and nothing else: one section per id of
 * KPI_DEFINITIONS, in the same order, each with its definition, source, target and reference.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { KPI_DEFINITIONS } from "../../estate/kpis";
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
