/**
 * Environment fields read by the policy packs: the audit log store (in-country, like every other
 * endpoint) and the extra tenant role rules (the schema takes them as written: wildcards and
 * escalating verbs are the policy check's to reject, by rule id).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_LIMITS } from "../../environments";
import { UserError } from "../../environments/diagnostics";
import { parseYaml } from "../../environments/loader";
import { EnvironmentSchema } from "../../environments/schema";
import { REPO_ROOT } from "../support/synth";

const FILE = "environments/national.yaml";
const national = fs.readFileSync(path.join(REPO_ROOT, FILE), "utf8");
const parse = (text: string) => parseYaml(text, FILE, EnvironmentSchema, ENVIRONMENT_LIMITS).value;

describe("auditLog", () => {
  it("defaults the retention to 365 days", () => {
    const env = parse(national.replace("  retentionDays: 365\n\nregions:", "\nregions:"));
    expect(env.auditLog).toEqual({ endpoint: "https://audit.govcloud.gov.vn/k8s-audit", retentionDays: 365 });
  });

  it("rejects a store outside sovereignty.allowedDomains, at its line", () => {
    const text = national.replace("https://audit.govcloud.gov.vn/k8s-audit", "https://logs.example.com/audit");
    const line = text.split("\n").findIndex((l) => l.includes("logs.example.com")) + 1;
    expect(() => parse(text)).toThrow(UserError);
    expect(() => parse(text)).toThrow(`${FILE}:${line}:13: auditLog.endpoint: [endpoints-in-country] audit log store host 'logs.example.com' is not in Vietnam`);
  });
});

describe("tenancy.extraRoleRules", () => {
  it("is empty by default, and takes rules as written, wildcards included", () => {
    expect(parse(national).tenancy.extraRoleRules).toEqual({ admin: [], developer: [], viewer: [] });
    const text = national.replace("tenancy:\n", 'tenancy:\n  extraRoleRules:\n    viewer:\n      - apiGroups: ["*"]\n        resources: ["*"]\n        verbs: ["get"]\n');
    expect(parse(text).tenancy.extraRoleRules.viewer).toEqual([{ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }]);
  });
});
