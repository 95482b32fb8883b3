/**
 * `govcloud report kpis` on national: every KPI id, with numerators and denominators counted
 * here again, independently, from the raw agency and environment YAML (the `yaml` package, not
 * the loader or the estate), and the unit totals from ../shared/facts/vietnam.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import type { EnergyEstimate } from "../../estate/energy";
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
  const full = JSON.parse(report("json")) as KpiReport;
  const kpis = full.kpis;
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
    const regions = full.regions;
    expect(regions.map((r) => r.regionId)).toEqual(Object.keys(env.regions).sort());
    for (const r of regions) {
      expect(r.capacity.used.cpu).toBeGreaterThan(0);
      expect(r.capacity.used.cpu).toBeLessThanOrEqual(r.capacity.limit.cpu);
      expect(r.pueStatus).toBe(r.pue <= r.maxPue ? "met" : "not-met");
    }
  });

  it("uses the energy model's site figures per region: the same as report energy, split into allocated, platform and idle", () => {
    const regions = full.regions;
    const energy = cli("report", "energy", "--env", "national", "--format", "json");
    expect(energy.code, energy.stderr).toBe(0);
    const sites = (JSON.parse(energy.stdout) as EnergyEstimate).regions;
    const raw = env.regions as Record<string, { energy: { pue: number; renewableShare: number; gridIntensityGCO2ePerKWh: number } }>;
    for (const r of regions) {
      const site = sites.find((s) => s.regionId === r.regionId);
      expect(site, r.regionId).toBeDefined();
      // Whole-site figures, the same numbers as report energy's (both rounded to 6 decimals).
      for (const key of ["itKWh", "facilityKWh", "locationTCO2e", "marketTCO2e", "embodiedTCO2e"] as const) {
        expect(r.site[key], `${r.regionId} ${key}`).toBeCloseTo(site![key], 5);
        expect(r.site.allocated[key] + r.site.platform[key] + r.site.idle[key], `${r.regionId} parts of ${key}`).toBeCloseTo(r.site[key], 3);
      }
      expect(r.site.facilityKWh).toBeGreaterThanOrEqual(r.site.idleFloorFacilityKWh - 1e-6);
      expect(r.site.idle.facilityKWh).toBeGreaterThan(0);
      expect(r.siteKpis).toEqual(site!.kpis);
      // The KPIs are the site's, from the environment file: PUE, REF and the derived CUE.
      const declared = raw[r.regionId]!.energy;
      expect([r.pue, r.renewableShare]).toEqual([declared.pue, declared.renewableShare]);
      expect(r.siteKpis.cue).toBeCloseTo((declared.pue * declared.gridIntensityGCO2ePerKWh) / 1000, 6);
      expect(r.pueStatus).toBe(r.siteKpis.targets.find((t) => t.kpi === "PUE")?.status === "meets" ? "met" : "not-met");
      expect(r.renewableStatus).toBe(r.siteKpis.targets.find((t) => t.kpi === "REF")?.status === "meets" ? "met" : "not-met");
      expect(r.agencyShare).toBeUndefined();
    }
  });

  it("writes Markdown and HTML too, and the same bytes twice", () => {
    const md = report("md");
    for (const d of KPI_DEFINITIONS) expect(md).toContain(`\`${d.id}\``);
    expect(md).toContain("| region | facility kWh/yr | allocated | platform | idle |");
    expect(md).toMatch(/CUE kgCO2e\/kWh/);
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

  describe("--agency", () => {
    const id = "bo-y-te";
    const own = agencies.find((a) => a.id === id)!;
    const one = JSON.parse(report("json", "--agency", id)) as KpiReport;
    const mine = new Map(one.kpis.map((k) => [k.id as string, k]));
    const counted = (kpi: string) => [mine.get(kpi)?.numerator, mine.get(kpi)?.denominator];

    it("gives every KPI id, over the agency alone, counted from its file", () => {
      expect(one.agency).toBe(id);
      expect(one.kpis.map((k) => k.id)).toEqual(KPI_DEFINITIONS.map((d) => d.id));
      const systems = Object.values(own.systems);
      expect(counted("systems-approved")).toEqual([systems.filter((s) => s.approval !== undefined && !/TODO/i.test(s.approval.decision) && s.approval.reviewDue >= AS_OF).length, systems.length]);
      const has = (template: string) => (Object.values(own.workloads ?? {}).some((w) => w.template === template) ? 1 : 0);
      expect(counted("open-data-agencies")).toEqual([has("open-data-api"), 1]);
      expect(counted("ai-agencies")).toEqual([has("ai-inference"), 1]);
      // Its home and DR tenants.
      expect(mine.get("namespaces-backed-up-cross-region")?.denominator).toBe(2);
      const workloads = Object.values(own.workloads ?? {});
      expect(mine.get("endpoints-in-country")?.denominator).toBe(workloads.length + workloads.filter((w) => w.model !== undefined).length);
      const objects = mine.get("objects-green-labelled");
      expect(objects?.denominator).toBeGreaterThan(0);
      expect(objects?.denominator).toBeLessThan(byId.get("objects-green-labelled")!.denominator);
    });

    it("marks the country- and region-wide KPIs not applicable", () => {
      const wide = ["provinces-onboarded", "communes-onboarded", "regions-meeting-pue-target", "regions-meeting-renewable-target", "regions-within-capacity"];
      for (const k of one.kpis) {
        if (wide.includes(k.id)) expect(k, k.id).toMatchObject({ value: null, numerator: 0, denominator: 0, status: "not-applicable", gaps: [] });
        else expect(k.status, k.id).not.toBe("not-applicable");
      }
    });

    it("keeps the whole sites and adds the agency's share of each, which is part of the allocated share", () => {
      const all = full.regions;
      const energy = JSON.parse(cli("report", "energy", "--env", "national", "--format", "json", "--agency", id).stdout) as EnergyEstimate;
      for (const r of one.regions) {
        expect(r.site).toEqual(all.find((a) => a.regionId === r.regionId)?.site);
        expect(r.agencyShare!.facilityKWh).toBeLessThanOrEqual(r.site.allocated.facilityKWh + 1e-6);
        const there = energy.workloads.filter((w) => w.regionId === r.regionId).reduce((n, w) => n + w.facilityKWh, 0);
        expect(r.agencyShare!.facilityKWh, r.regionId).toBeCloseTo(there, 3);
      }
      expect(one.regions.reduce((n, r) => n + r.agencyShare!.facilityKWh, 0)).toBeCloseTo(energy.total.facilityKWh, 3);
      const md = cli("report", "kpis", "--format", "md", "--as-of", AS_OF, "--agency", id);
      expect(md.stdout).toMatch(/^# Program KPIs: national, agency bo-y-te\n/);
      expect(md.stdout).toContain("| agency kWh/yr | agency market tCO2e/yr |");
    });
  });

  it("rejects a malformed --as-of day", () => {
    const result = cli("report", "kpis", "--as-of", "03/12/2026");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("expected a day as YYYY-MM-DD");
  });
});
