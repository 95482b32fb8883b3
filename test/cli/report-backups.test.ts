/**
 * `govcloud report backups`: every tenant namespace listed with its schedules, RPO, copies,
 * retention and drill; exit code 1 when any namespace is not covered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describe, expect, it, vi } from "vitest";
import { run } from "../../cli/main";
import { reportCommand } from "../../cli/report";
import type { BackupCoverage } from "../../cli/report-backups";
import { REPO_ROOT, tempDir } from "../support/synth";

const dir = tempDir();

/** Runs `report <args>` in-process with the exit code captured, not set on this process. */
function report(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  let code = 0;
  const outSpy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const errSpy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    reportCommand(REPO_ROOT, { onExit: (c) => (code = c) }).parse(args, { from: "user" });
    return { code, stdout, stderr };
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
}

describe("report backups", () => {
  it("covers every tenant namespace of national and exits 0", () => {
    const result = report("backups", "--env", "national", "--format", "json");
    expect(result.code).toBe(0);
    const coverage = JSON.parse(result.stdout) as BackupCoverage;
    const agencies = fs.readdirSync(path.join(REPO_ROOT, "environments/national/agencies")).length;
    expect(coverage.namespaces).toHaveLength(2 * agencies);
    expect(coverage.uncovered).toBe(0);
    for (const ns of coverage.namespaces) {
      expect(ns.covered, `${ns.regionId} ${ns.namespace}: ${ns.gaps.join("; ")}`).toBe(true);
      expect(ns.intervalHours!).toBeLessThanOrEqual(ns.rpoHours!);
      expect(ns.copyRegions.length).toBeGreaterThanOrEqual(ns.requiredRegions!);
      expect(ns.copyRegions[0]).toBe(ns.regionId);
      if (ns.role === "home") expect(ns.drill).toMatchObject({ cadence: "0 2 * * 6" });
    }
    const ledger = coverage.namespaces.find((n) => n.agencyId === "bo-tai-chinh" && n.role === "home")!;
    expect(ledger).toMatchObject({ classification: "confidential", rpoHours: 4, intervalHours: 4, requiredRegions: 2, copyRegions: ["north", "south"], retentionDays: 180 });
    expect(ledger.drill).toEqual({ region: "south", location: "from-north", cadence: "0 2 * * 6", rtoMinutes: 240 });
  });

  it("writes Markdown to a file, atomically, through the installed command line", () => {
    const file = path.join(dir, "backups.md");
    const code = run(["report", "backups", "--output", file]);
    expect(code).toBe(0);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^# Backup coverage: national\n/);
    expect(text).toContain("| bo-y-te | north | home | tenant-bo-y-te | secret | 1 | 1 | north, south, central (3) | 365 |");
    expect(text).not.toContain("**NO**");
  });

  it("flags every namespace without backups and exits 1", () => {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(REPO_ROOT, "environments/national.yaml"), "utf8"));
    doc.delete("backup");
    const envDir = path.join(dir, "no-backup");
    fs.mkdirSync(path.join(envDir, "national", "agencies"), { recursive: true });
    fs.writeFileSync(path.join(envDir, "national.yaml"), doc.toString());
    // Internal data only: allowed without a backup section, but not covered.
    fs.copyFileSync(path.join(REPO_ROOT, "environments/national/agencies/bo-khoa-hoc-va-cong-nghe.yaml"), path.join(envDir, "national", "agencies", "bo-khoa-hoc-va-cong-nghe.yaml"));
    const result = report("backups", "--env", path.join(envDir, "national.yaml"));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("govcloud: 2 tenant namespace(s) not covered by backups\n");
    expect(result.stdout).toContain("Topology none (no backup section); 2 tenant namespace(s), 2 not covered.");
    expect(result.stdout).toContain("**NO**: the environment has no backup section; no Velero Schedule selects the namespace");
  });

  it("rejects an unknown format as a usage error", () => {
    const errSpy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(run(["report", "backups", "--format", "pdf"])).toBe(2);
    } finally {
      errSpy.mockRestore();
    }
  });
});
