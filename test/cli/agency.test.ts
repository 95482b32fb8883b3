/**
 * `govcloud agency <id>` and the `--agency` filters of `check` and `report`: one agency's share
 * of the national estate, nothing of the others, and an unknown id is bad input with the
 * closest known id.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { type AgencyView, runAgency } from "../../cli/agency";
import { closestId, namesAgency } from "../../cli/agency-filter";
import type { BackupCoverage } from "../../cli/report-backups";
import { runCheck } from "../../cli/check";
import type { EnergyEstimate } from "../../estate/energy";
import { REPORT_SUBCOMMANDS } from "../../cli/report";
import { cli } from "../support/cli";
import { REPO_ROOT, tempDir } from "../support/synth";

const dir = tempDir("govcloud-agency-");
const AGENCIES = fs.readdirSync(path.join(REPO_ROOT, "environments", "national", "agencies")).map((f) => f.replace(/\.yaml$/, "")).sort();

/** Runs an async command's runner with stdout and stderr captured. */
async function captured(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((c) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((c) => ((stderr += String(c)), true));
  try {
    return { code: await run(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("govcloud agency <id>", () => {
  it("shows what bo-y-te's file produced, and only that: tenants, workloads, backups, energy share, systems, findings", async () => {
    const result = await captured(() => runAgency(["bo-y-te", "--format", "json", "--as-of", "2031-01-01"], REPO_ROOT));
    expect(result.code, result.stderr).toBe(0);
    const view = JSON.parse(result.stdout) as AgencyView;
    expect(view.agency).toMatchObject({ id: "bo-y-te", homeRegion: "north", drRegion: "south", file: "environments/national/agencies/bo-y-te.yaml", dpia: { reference: "08/HSĐGTĐ-BYT" } });
    expect(view.tenants.map((t) => [t.region, t.role, t.namespace, t.stack])).toEqual([
      ["north", "home", "tenant-bo-y-te", "tenants-north-000"],
      ["south", "dr", "tenant-bo-y-te", "tenants-south-000"],
    ]);
    expect(view.tenants[0]?.quota).toEqual({ cpu: 64, memoryGiB: 256, storageGiB: 100, gpus: 4 });
    expect(view.workloads.map((w) => [w.name, w.region, w.hosts])).toEqual([
      ["chan-doan", "north", []],
      ["du-lieu-mo", "north", ["dulieumo.moh.gov.vn"]],
      ["ho-so", "north", ["hososuckhoe.moh.gov.vn"]],
    ]);
    // Backups: its namespaces only, each with its RPO and the regions its copies go to.
    expect(view.backups.map((n) => [n.agencyId, n.regionId, n.rpoHours, [...n.copyRegions].sort()])).toEqual([
      ["bo-y-te", "north", 1, ["central", "north", "south"]],
      ["bo-y-te", "south", 1, ["central", "north", "south"]],
    ]);
    expect(view.energy.shareOfFacilityKWh).toBeGreaterThan(0);
    expect(view.energy.shareOfFacilityKWh).toBeLessThan(1);
    // As of 2031 every review is overdue, and the check says so about bo-y-te's systems only.
    expect(view.systems.map((s) => [s.id, s.status])).toEqual([
      ["du-lieu-mo", "review overdue"],
      ["ho-so-suc-khoe", "review overdue"],
    ]);
    // Its mandatory findings are the overdue reviews; the advisory ones are about its own workloads.
    const mandatory = (view.findings ?? []).filter((f) => f.level === "mandatory");
    expect(mandatory.map((f) => f.rule)).toEqual(["systems-have-current-approval", "systems-have-current-approval"]);
    for (const f of mandatory) expect(f.message).toMatch(/^agency bo-y-te: /);
    for (const f of view.findings ?? []) expect(f.level === "mandatory" || f.address.includes('"bo-y-te/')).toBe(true);
  });

  it("renders Markdown, judging reviews due within 90 days as due soon; --no-findings skips the check", async () => {
    const file = path.join(dir, "bo-y-te.md");
    const result = await captured(() => runAgency(["bo-y-te", "--no-findings", "--as-of", "2028-03-01", "--output", file], REPO_ROOT));
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const text = fs.readFileSync(file, "utf8");
    for (const heading of ["# Bộ Y tế (bo-y-te) in national", "## Tenants", "## Workloads", "## Backups", "## Energy and carbon", "## Information systems", "## Policy findings"]) {
      expect(text.split("\n")).toContain(heading);
    }
    expect(text).toContain("| ho-so-suc-khoe | Hồ sơ sức khỏe điện tử | 4 | 845/QĐ-BYT | 2026-04-21 | 2028-04-21 | review due soon |");
    expect(text).toContain("Not checked (--no-findings).");
  });

  it("an unknown id: exit code 2, the closest id suggested", async () => {
    const result = await captured(() => runAgency(["bo-y-tee", "--no-findings"], REPO_ROOT));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^environments\/national\/agencies\/bo-y-tee\.yaml:1:1: <document>: no agency 'bo-y-tee' \(--agency\) in environment national; did you mean 'bo-y-te'\?\n$/);
  });
});

describe("--agency filters", () => {
  it("report energy: the agency's workloads and figures only, its total its own", () => {
    const all = JSON.parse(cli("report", "energy", "--format", "json").stdout) as EnergyEstimate;
    const one = cli("report", "energy", "--format", "json", "--agency", "xa-ba-na");
    expect(one.code, one.stderr).toBe(0);
    const estimate = JSON.parse(one.stdout) as EnergyEstimate;
    expect(estimate.agency).toBe("xa-ba-na");
    expect(estimate.agencies.map((a) => a.agencyId)).toEqual(["xa-ba-na"]);
    expect(estimate.workloads.length).toBeGreaterThan(0);
    expect(estimate.workloads.every((w) => w.agencyId === "xa-ba-na")).toBe(true);
    expect(estimate.workloads).toEqual(all.workloads.filter((w) => w.agencyId === "xa-ba-na"));
    expect(estimate.placements.map((p) => p.workload)).toEqual(["bao-cao"]);
    const { agencyId: _a, regions: _r, ...own } = all.agencies.find((a) => a.agencyId === "xa-ba-na")!;
    // One agency's figures are all allocated: platform and idle belong to the site.
    expect(estimate.total).toMatchObject(own);
    expect(estimate.total.allocated).toEqual(own);
    expect(estimate.total.platform.facilityKWh + estimate.total.idle.facilityKWh).toBe(0);
    expect(cli("report", "energy", "--agency", "xa-ba-na").stdout).toMatch(/^# Energy and carbon estimate: national, agency xa-ba-na\n/);
  });

  it("report backups: the agency's namespaces only, for every agency", () => {
    for (const id of AGENCIES) {
      const result = cli("report", "backups", "--format", "json", "--agency", id);
      expect(result.code, result.stderr).toBe(0);
      const coverage = JSON.parse(result.stdout) as BackupCoverage;
      expect(coverage.namespaces.length, id).toBeGreaterThan(0);
      expect(coverage.namespaces.every((n) => n.agencyId === id), id).toBe(true);
    }
  });

  it("every report subcommand takes --agency", () => {
    const names = REPORT_SUBCOMMANDS.map((make) => make(REPO_ROOT, () => undefined)).map((c) => [c.name(), c.options.some((o) => o.long === "--agency")]);
    expect(names).toEqual(REPORT_SUBCOMMANDS.map((_m, i) => [names[i]![0], true]));
    expect(names.map((n) => n[0]).sort()).toEqual(["backups", "energy", "estate", "kpis"]);
  });

  it.each([["report", "energy"], ["report", "backups"], ["report", "kpis"], ["report", "estate"]])("%s %s: an unknown agency is bad input with the closest id", (...command) => {
    const result = cli(...command, "--agency", "thanh-pho-ha-nol");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no agency 'thanh-pho-ha-nol' \(--agency\) in environment national; did you mean 'thanh-pho-ha-noi'\?/);
  });

  it("check: only the agency's findings, and the exit code is theirs", async () => {
    const failing = path.join(dir, "bo-tai-chinh.json");
    expect(await captured(() => runCheck(["--as-of", "2031-01-01", "--format", "json", "--agency", "bo-tai-chinh", "--output", failing], REPO_ROOT))).toMatchObject({ code: 1 });
    const findings = (JSON.parse(fs.readFileSync(failing, "utf8")) as { findings: { message: string; address: string; level: string }[] }).findings;
    expect(findings.filter((f) => f.level === "advisory").every((f) => f.address.includes('"bo-tai-chinh/'))).toBe(true);
    expect(findings.filter((f) => f.level === "mandatory").map((f) => f.address)).toEqual(['kubernetes_namespace_v1.tenant["bo-tai-chinh"]', 'kubernetes_namespace_v1.tenant["bo-tai-chinh"]']);
    // xa-ba-na's one system is level 1 (no approval to review): nothing about it, exit 0.
    const clean = path.join(dir, "xa-ba-na.json");
    expect(await captured(() => runCheck(["--as-of", "2031-01-01", "--format", "json", "--agency", "xa-ba-na", "--output", clean], REPO_ROOT))).toMatchObject({ code: 0 });
    expect((JSON.parse(fs.readFileSync(clean, "utf8")) as { findings: { level: string }[] }).findings.filter((f) => f.level === "mandatory")).toEqual([]);
    const unknown = await captured(() => runCheck(["--agency", "xa-ba-naa"], REPO_ROOT));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean 'xa-ba-na'\?/);
  });
});

describe("namesAgency and closestId", () => {
  const agency = { path: path.join(REPO_ROOT, "environments/national/agencies/bo-y-te.yaml"), value: { id: "bo-y-te" } };
  it.each([
    [{ message: "x", address: "a.b", source: { file: "environments/national/agencies/bo-y-te.yaml" } }, true],
    [{ message: "x", address: 'kubernetes_manifest.workload["bo-y-te/ho-so"]' }, true],
    [{ message: "x", address: "a.b", key: "bo-y-te" }, true],
    [{ message: "agency bo-y-te: system x", address: "a.b" }, true],
    // Another agency whose id starts with this one's, and a file of the same name elsewhere.
    [{ message: "agency bo-y-te-ha-noi: system x", address: 'kubernetes_namespace_v1.tenant["bo-y-te-ha-noi"]' }, false],
    [{ message: "x", address: "a.b", source: { file: "environments/dev/agencies/bo-y-te.yaml" } }, false],
  ])("%j names bo-y-te: %s", (finding, expected) => {
    expect(namesAgency(finding, agency)).toBe(expected);
  });

  it("suggests the nearest id", () => {
    expect(closestId("bo-tai-chin", AGENCIES)).toBe("bo-tai-chinh");
    expect(closestId("phuong-hoan-kim", AGENCIES)).toBe("phuong-hoan-kiem");
    expect(closestId("x", [])).toBeUndefined();
  });
});
