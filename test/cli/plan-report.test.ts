/** `govcloud plan-report`: GitLab's plan summary of a `terraform show -json` plan. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { summarizePlanChanges } from "../../cli/plan-report";
import { cli } from "../support/cli";
import { tempDir } from "../support/synth";

const dir = tempDir("govcloud-plan-report-");
const change = (address: string, actions: string[]) => ({ address, change: { actions } });

describe("govcloud plan-report", () => {
  it("counts creates, updates and deletes as GitLab does: a replacement is one delete and one create", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [change("a.x", ["create"]), change("a.y", ["update"]), change("a.z", ["delete", "create"]), change("a.w", ["no-op"]), change("a.v", ["create", "delete"])],
    };
    expect(summarizePlanChanges(plan)).toEqual({ create: 3, update: 1, delete: 2 });
    expect(summarizePlanChanges({ format_version: "1.2" })).toEqual({ create: 0, update: 0, delete: 0 });
    const file = path.join(dir, "plan.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    const result = cli("plan-report", file, "--output", path.join(dir, "report.json"));
    expect(result.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"))).toEqual({ create: 3, update: 1, delete: 2 });
  });

  it("reports a missing or malformed plan at its place, exit 2, and writes nothing", () => {
    const missing = cli("plan-report", path.join(dir, "none.json"), "--output", path.join(dir, "none-report.json"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json:1:1: <document>: no such file/);
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, '{"resource_changes": []}');
    const notPlan = cli("plan-report", bad);
    expect(notPlan.code).toBe(2);
    expect(notPlan.stderr).toMatch(/bad\.json:1:1: <document>: not a `terraform show -json` plan/);
    expect(fs.existsSync(path.join(dir, "none-report.json"))).toBe(false);
  });
});
