/**
 * `govcloud report kpis` on national: every KPI id, with numerators and denominators counted
 * here again, independently, from the raw agency and environment YAML (the `yaml` package, not
 * the loader or the estate), and the unit totals from ../shared/facts/vietnam.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { KPI_DEFINITIONS, type KpiReport } from "../../estate/kpis";
import { cli } from "../support/cli";
import { REPO_ROOT, tempDir } from "../support/synth";

const AS_OF = "2026-12-03";
const dir = tempDir();
const agencyDir = path.join(REPO_ROOT, "environments", "national", "agencies");
type RawAgency = {
  id: string;
  level: string;
  code?: string;
  dataClassification: string;
  systems: Record<string, { securityLevel: number; approval?: { decision: string; reviewDue: string } }>;
  workloads?: Record<string, { template: string; image: string; model?: string }>;
};
const agencies: RawAgency[] = fs
  .readdirSync(agencyDir)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => YAML.parse(fs.readFileSync(path.join(agencyDir, f), "utf8")) as RawAgency);
const env = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8")) as {
  regions: Record<string, unknown>;
  backup: { minCopyRegions: Record<string, number>; regions: Record<string, unknown> };
  auditLog?: unknown;
};

function report(format: string, ...extra: string[]): string {
  const file = path.join(dir, `kpis.${format}`);
  const result = cli("report", "kpis", "--env", "national", "--format", format, "--as-of", AS_OF, "--output", file, ...extra);
  expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
  return fs.readFileSync(file, "utf8");
}

describe("govcloud report kpis", () => {
  const kpis = (JSON.parse(report("json")) as KpiReport).kpis;
  const byId = new Map(kpis.map((k) => [k.id as string, k]));
  const counts = (id: string) => [byId.get(id)?.numerator, byId.get(id)?.denominator];

  it("gives every KPI id, each with value, numerator, denominator, target and status", () => {
    const required = [
      "systems-approved",
      "open-data-agencies",
      "ai-agencies",
      "namespaces-backed-up-cross-region",
      "objects-green-labelled",
      "endpoints-in-country",
      "provinces-onboarded",
      "communes-onboarded",
    ];
    expect(kpis.map((k) => k.id)).toEqual(expect.arrayContaining(required));
    expect(kpis.map((k) => k.id)).toEqual(KPI_DEFINITIONS.map((d) => d.id));
    for (const k of kpis) {
      expect(Object.keys(k).slice(0, 7)).toEqual(["id", "title", "value", "numerator", "denominator", "target", "status"]);
      expect(k.numerator).toBeLessThanOrEqual(k.denominator);
      expect(k.denominator).toBeGreaterThan(0);
      expect(k.value).toBeCloseTo(k.numerator / k.denominator, 4);
      expect(k.status).toBe(k.numerator >= k.target * k.denominator ? "met" : "not-met");
    }
  });

  it("counts approved systems as the agency files say: a real decision whose review is not past", () => {
    const systems = agencies.flatMap((a) => Object.values(a.systems));
    const approved = systems.filter((s) => s.approval !== undefined && !/TODO/i.test(s.approval.decision) && s.approval.reviewDue >= AS_OF);
    expect(counts("systems-approved")).toEqual([approved.length, systems.length]);
  });

  it("counts agencies with open data and with AI from their workloads", () => {
    const has = (template: string) => agencies.filter((a) => Object.values(a.workloads ?? {}).some((w) => w.template === template)).length;
    expect(counts("open-data-agencies")).toEqual([has("open-data-api"), agencies.length]);
    expect(counts("ai-agencies")).toEqual([has("ai-inference"), agencies.length]);
  });

  it("counts onboarded provinces and communes over the totals of the facts file", () => {
    const facts = fs.readFileSync(path.join(REPO_ROOT, "..", "shared", "facts", "vietnam.md"), "utf8");
    const total = (what: string) => Number(new RegExp(`\\*\\*([\\d,]+) ${what}-level units\\*\\*`).exec(facts)?.[1]?.replace(/,/g, ""));
    expect(total("provincial")).toBe(34);
    expect(total("commune")).toBe(3321);
    const level = (l: string) => agencies.filter((a) => a.level === l).length;
    expect(counts("provinces-onboarded")).toEqual([level("provincial"), total("provincial")]);
    expect(counts("communes-onboarded")).toEqual([level("commune"), total("commune")]);
  });

  it("counts tenant namespaces backed up to another region: two per agency, cross-region where the class needs two copies", () => {
    const floor: Record<number, string> = { 3: "internal", 4: "confidential", 5: "secret" };
    const order = ["public", "internal", "confidential", "secret"];
    const effective = (a: RawAgency) =>
      Object.values(a.systems).reduce((c, s) => (order.indexOf(floor[s.securityLevel] ?? "public") > order.indexOf(c) ? (floor[s.securityLevel] as string) : c), a.dataClassification);
    // national places no flexible workload outside its agency's home or DR region: two tenants each.
    const crossRegion = agencies.filter((a) => (env.backup.minCopyRegions[effective(a)] ?? 1) >= 2).length;
    expect(counts("namespaces-backed-up-cross-region")).toEqual([2 * crossRegion, 2 * agencies.length]);
    expect(byId.get("namespaces-backed-up-cross-region")?.gaps).toEqual(
      agencies.filter((a) => (env.backup.minCopyRegions[effective(a)] ?? 1) < 2).flatMap((a) => [expect.stringContaining(`tenant-${a.id}`), expect.stringContaining(`tenant-${a.id}`)]),
    );
  });

  it("counts every configured endpoint, registry and bucket, all inside Vietnam", () => {
    const workloads = agencies.flatMap((a) => Object.values(a.workloads ?? {}));
    const expected =
      3 * Object.keys(env.regions).length + // object storage, image and chart registries
      2 * Object.keys(env.backup.regions).length + // backup bucket and its object-lock replica
      (env.auditLog === undefined ? 0 : 1) +
      1 + // tenancy.starterImage
      workloads.length +
      workloads.filter((w) => w.model !== undefined).length;
    expect(counts("endpoints-in-country")).toEqual([expected, expected]);
  });

  it("judges every synthesized object with the green-label rule: all labelled", () => {
    const objects = byId.get("objects-green-labelled");
    expect(objects?.denominator).toBeGreaterThan(500);
    expect(objects?.numerator).toBe(objects?.denominator);
  });

  it("gives the regions against the green targets and their capacity", () => {
    const regions = (JSON.parse(report("json")) as KpiReport).regions;
    expect(regions.map((r) => r.regionId)).toEqual(Object.keys(env.regions).sort());
    for (const r of regions) {
      expect(r.capacity.used.cpu).toBeGreaterThan(0);
      expect(r.capacity.used.cpu).toBeLessThanOrEqual(r.capacity.limit.cpu);
      expect(r.pueStatus).toBe(r.pue <= r.maxPue ? "met" : "not-met");
    }
  });

  it("writes Markdown and HTML too, and the same bytes twice", () => {
    const md = report("md");
    for (const d of KPI_DEFINITIONS) expect(md).toContain(`\`${d.id}\``);
    const html = report("html");
    expect(html).toContain('<table id="kpis">');
    expect(report("json")).toBe(report("json"));
  });

  it("exits 0 when KPIs are not met: a report, not a gate", () => {
    expect(byId.get("communes-onboarded")?.status).toBe("not-met");
    const result = cli("report", "kpis", "--env", "national", "--format", "json", "--as-of", AS_OF);
    expect(result.code).toBe(0);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it("rejects a malformed --as-of day", () => {
    const result = cli("report", "kpis", "--as-of", "03/12/2026");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected a day as YYYY-MM-DD");
  });
});
