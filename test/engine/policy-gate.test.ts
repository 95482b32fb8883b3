/**
 * The policy gate of `govcloud synth`: an environment that violates a mandatory rule fails
 * synthesis with the rule id, the resource and the source file, exit code 2, and the previous
 * output stays as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";
import { PolicyGate } from "../../engine/policy-gate";
import { buildSources } from "../../environments/source-map-file";
import { synthesize } from "../../engine/synth";
import { loadEnvironmentConfig } from "../../environments";
import { UserError } from "../../environments/diagnostics";

const root = tempDir();
const out = path.join(root, "cdktf.out");
const national = fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8");


/** National with its agencies and lock, the environment file edited by `edit`. */
function variant(name: string, edit: (text: string) => string): string {
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
  const text = edit(national);
  expect(text).not.toBe(national);
  fs.writeFileSync(path.join(dir, "national.yaml"), text);
  return path.join(dir, "national.yaml");
}

const addOnValues = (values: string) => (text: string) =>
  text.replace("platform:\n  namespaces:", `platform:\n  addOns:\n${values}\n  namespaces:`);

describe("the policy gate of govcloud synth", () => {
  let before: Map<string, Buffer>;
  beforeAll(() => {
    // A copy of national in the same project as the variants: local state must be reachable from --out.
    const good = path.join(root, "good");
    fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(good, "national"), { recursive: true });
    fs.writeFileSync(path.join(good, "national.yaml"), national);
    expect(cli("synth", "--env", path.join(good, "national.yaml"), "--out", out, "--quiet").code).toBe(0);
    before = readTree(out);
  });

  it.each([
    [
      "a Helm value pointing outside Vietnam",
      addOnValues('    monitoring:\n      values:\n        grafana:\n          plugins: ["https://grafana.com/api/plugins/x/versions/1/download"]'),
      /national\.yaml:\d+:\d+: platform-north\/helm_release\.\S+: \[endpoints-in-country\] Helm value https:\/\/grafana\.com\/\S+ is on grafana\.com, outside Vietnam/,
    ],
    [
      "a privileged container in Helm values",
      addOnValues("    ingress-nginx:\n      values:\n        controller:\n          containerSecurityContext:\n            privileged: true"),
      /national\.yaml:\d+:\d+: platform-north\/helm_release\.\S+: \[helm-values-not-privileged\] .*privileged/,
    ],
    [
      "a wildcard Role",
      (text: string) =>
        text.replace("tenancy:\n", "tenancy:\n  extraRoleRules:\n    developer:\n      - apiGroups: [\"*\"]\n        resources: [\"*\"]\n        verbs: [\"*\"]\n"),
      /national\.yaml:\d+:\d+: platform-north\/kubernetes_cluster_role_v1\.\S+: \[rbac-has-no-wildcards-or-escalation\]/,
    ],
    [
      "a backup endpoint outside Vietnam",
      (text: string) => text.replace("endpoint: https://s3-vault.north.govcloud.gov.vn", "endpoint: https://s3.ap-southeast-1.amazonaws.com"),
      /national\.yaml:\d+:\d+: backup\.regions\.north\.objectLock\.endpoint: \[endpoints-in-country\] .*s3\.ap-southeast-1\.amazonaws\.com' is not in Vietnam/,
    ],
  ])("fails on %s with the rule, the resource and the source file", (_name, edit, expected) => {
    const result = cli("synth", "--env", variant(_name.replace(/\W+/g, "-"), edit), "--out", out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
    const after = readTree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
  });
});

describe("the policy gate's thread", () => {
  it("reports the violations of every batch it was given, not only the last", () => {
    const env = variant("batches", (text) =>
      text.replace("tenancy:\n", 'tenancy:\n  extraRoleRules:\n    developer:\n      - apiGroups: ["*"]\n        resources: ["*"]\n        verbs: ["*"]\n'),
    );
    const dir = path.join(root, "batches", "cdktf.out");
    synthesize({ repoRoot: REPO_ROOT, environment: env, out: dir });
    const gate = new PolicyGate();
    try {
      const config = loadEnvironmentConfig(REPO_ROOT, env);
      gate.prepare(REPO_ROOT, config, buildSources(config, REPO_ROOT));
      // As synth does: one batch of stacks after another, then one verdict.
      gate.submit({ repoRoot: REPO_ROOT, dir, environment: env, stacks: ["platform-central"] });
      gate.submit({ repoRoot: REPO_ROOT, dir, environment: env, stacks: ["management", "platform-north"] });
      gate.submit({ repoRoot: REPO_ROOT, dir, environment: env, stacks: ["platform-south"] });
      let error: unknown;
      try {
        gate.verdict(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const stacks = (error as UserError).diagnostics.filter((d) => d.message.startsWith("[rbac-has-no-wildcards-or-escalation]")).map((d) => d.path.split("/")[0]);
      expect([...new Set(stacks)].sort()).toEqual(["platform-central", "platform-north", "platform-south"]);
      // A verdict forgets what it reported.
      expect(() => gate.verdict(env)).not.toThrow();
    } finally {
      gate.close();
    }
  });

  it("serves the next synthesis of the process when closed idle, judging it afresh", () => {
    // A gate closed with nothing in flight leaves its thread to the next gate: neither the
    // findings nor the settings of one synthesis may reach the next.
    const bad = variant("kept-thread", (text) =>
      text.replace("tenancy:\n", 'tenancy:\n  extraRoleRules:\n    developer:\n      - apiGroups: ["*"]\n        resources: ["*"]\n        verbs: ["*"]\n'),
    );
    const good = path.join(root, "good", "national.yaml");
    const fails = () => {
      const result = cli("synth", "--env", bad, "--out", path.join(root, "kept-thread", "cdktf.out"), "--quiet");
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/\[rbac-has-no-wildcards-or-escalation\]/);
    };
    fails();
    expect(cli("synth", "--env", good, "--out", out, "--quiet")).toMatchObject({ code: 0, stderr: "" });
    fails();
    const gate = new PolicyGate();
    const config = loadEnvironmentConfig(REPO_ROOT, good);
    try {
      gate.prepare(REPO_ROOT, config, buildSources(config, REPO_ROOT));
      gate.submit({ repoRoot: REPO_ROOT, dir: out, environment: good });
      expect(() => gate.verdict(good)).not.toThrow();
    } finally {
      gate.close();
    }
  });
});


describe("suppressions in agency files, at the gate", () => {
  /** National with bo-y-te's file ending in `suppressions`. */
  function withAgencySuppression(name: string, rule: string, expires: string): string {
    const dir = path.join(root, name);
    fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
    fs.writeFileSync(path.join(dir, "national.yaml"), national);
    const suppression = `suppressions:\n  - rule: ${rule}\n    resource: '*'\n    reason: approved exception for the pilot\n    acceptedBy: CISO, decision 42/QĐ\n    expires: ${expires}\n`;
    fs.appendFileSync(path.join(dir, "national", "agencies", "bo-y-te.yaml"), `\n${suppression}`);
    return path.join(dir, "national.yaml");
  }

  it("fail synthesis when expired, at the suppression's line in the agency file", () => {
    const result = cli("synth", "--env", withAgencySuppression("expired", "services-not-exposed-without-approval", "2026-05-31"), "--out", path.join(root, "expired.out"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bo-y-te\.yaml:\d+:\d+: .*\[suppression-expired\] the suppression of 'services-not-exposed-without-approval'/);
  });

  it("fail synthesis when they name a rule that does not exist, at that rule", () => {
    const result = cli("synth", "--env", withAgencySuppression("unknown", "no-such-rule", "2026-12-31"), "--out", path.join(root, "unknown.out"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bo-y-te\.yaml:\d+:\d+: suppressions\[0\]\.rule: unknown policy rule 'no-such-rule'/);
  });
});
