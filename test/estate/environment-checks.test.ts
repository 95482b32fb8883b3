import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_LIMITS } from "../../environments";
import { parseYaml } from "../../environments/loader";
import { EnvironmentSchema } from "../../environments/schema";
import { checkEnvironment } from "../../estate/environment-checks";
import { REPO_ROOT } from "../support/synth";

const FILE = "environments/national.yaml";
const national = fs.readFileSync(path.join(REPO_ROOT, FILE), "utf8");
const parse = (text: string) => parseYaml(text, FILE, EnvironmentSchema, ENVIRONMENT_LIMITS);
const lineOf = (text: string, pattern: RegExp) => text.split("\n").findIndex((l) => pattern.test(l)) + 1;

describe("checkEnvironment", () => {
  it("finds nothing wrong with the national environment", () => {
    expect(checkEnvironment(parse(national), "2026-12-01")).toEqual([]);
  });

  it("reports add-on, backup and green problems of a valid file at once, each at its field", () => {
    // No velero namespace (so no velero add-on, which the backup section needs) and a PUE over the target.
    const text = national.replace(/\n {4}velero:\n {6}podSecurity: privileged\n {6}exemptionReason: [^\n]*/, "").replace(/pue: 1\.35/, "pue: 1.9");
    expect(text).not.toBe(national);
    const problems = checkEnvironment(parse(text), "2026-12-01");
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.path}`)).toEqual([
      `${FILE}:${lineOf(text, /^ {2}topology: full-mesh/)}:3: backup`,
      `${FILE}:${lineOf(text, /pue: 1\.9/)}:12: regions.north.energy.pue`,
    ]);
    expect(problems[0]?.message).toMatch(/^needs the velero add-on/);
    expect(problems[1]?.message).toMatch(/^is 1\.9, over the green target of at most 1\.4/);
  });
});
