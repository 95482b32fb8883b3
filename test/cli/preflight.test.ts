/**
 * `govcloud preflight`: every kube context the environment names is in the kubeconfig, with its
 * cluster and user; problems at the line that names the context, all at once, exit code 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { kubeconfigFiles } from "../../cli/preflight";
import { cli } from "../support/cli";
import { REPO_ROOT, tempDir } from "../support/synth";

const dir = tempDir("govcloud-preflight-");

function kubeconfig(name: string, contexts: readonly { name: string; cluster: string; user: string }[], clusters: readonly string[], users: readonly string[]): string {
  const file = path.join(dir, name);
  const text = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    ...clusters.map((c) => `  - name: ${c}\n    cluster:\n      server: https://${c}.k8s.govcloud.gov.vn:6443`),
    "users:",
    ...users.map((u) => `  - name: ${u}\n    user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: kubelogin`),
    "contexts:",
    ...contexts.map((c) => `  - name: ${c.name}\n    context:\n      cluster: ${c.cluster}\n      user: ${c.user}`),
    "",
  ].join("\n");
  fs.writeFileSync(file, text);
  return file;
}

const NATIONAL = ["govcloud-management", "govcloud-north", "govcloud-central", "govcloud-south"];
/** 1-based line of the first line holding `text`, after the first holding `after` when given. */
const lineOf = (file: string, text: string, after?: string) => {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const from = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  return lines.findIndex((l, i) => i > from - (after === undefined ? 1 : 0) && l.includes(text)) + 1;
};

describe("govcloud preflight", () => {
  it("passes when every context of national is there, and names what uses each", () => {
    const file = kubeconfig("all.yaml", NATIONAL.map((n) => ({ name: n, cluster: n, user: "ops" })), NATIONAL, ["ops"]);
    const result = cli("preflight", "--env", "national", "--kubeconfig", file);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4 kube context\(s\) present in .*all\.yaml:\n/);
    expect(result.stdout).toMatch(/govcloud-management +the management cluster\n/);
    expect(result.stdout).toMatch(/govcloud-south +region south's cluster\n/);
  });

  it("reports every missing context at the environment line that names it, and broken ones at the kubeconfig line, exit 2", () => {
    const file = kubeconfig(
      "partial.yaml",
      [
        { name: "govcloud-management", cluster: "govcloud-management", user: "ops" },
        { name: "govcloud-north", cluster: "govcloud-north", user: "nobody" },
      ],
      ["govcloud-management", "govcloud-north"],
      ["ops"],
    );
    const result = cli("preflight", "--env", "national", "--kubeconfig", file);
    expect(result.code).toBe(2);
    const env = path.join(REPO_ROOT, "environments", "national.yaml");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`national\\.yaml:${lineOf(env, "kubeContext: govcloud-central")}:\\d+: regions\\.central\\.kubeContext: context 'govcloud-central' \\(region central's cluster\\) is not in .*partial\\.yaml \\(contexts there: govcloud-management, govcloud-north\\); after the management stack is applied: clusterctl get kubeconfig national-central -n govcloud-clusters, then name its context govcloud-central`)),
      expect.stringMatching(new RegExp(`national\\.yaml:${lineOf(env, "kubeContext: govcloud-south")}:\\d+: regions\\.south\\.kubeContext: context 'govcloud-south'`)),
      expect.stringMatching(new RegExp(`partial\\.yaml:${lineOf(file, "- name: govcloud-north", "contexts:")}:5: contexts\\.govcloud-north\\.user: names user 'nobody', which is not in the kubeconfig's users`)),
      expect.stringMatching(/^govcloud: 3 problems/),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("needs no management context where the clusters already exist (dev)", () => {
    const file = kubeconfig("dev.yaml", ["kind-govcloud-north", "kind-govcloud-south"].map((n) => ({ name: n, cluster: n, user: n })), ["kind-govcloud-north", "kind-govcloud-south"], ["kind-govcloud-north", "kind-govcloud-south"]);
    const result = cli("preflight", "--env", "dev", "--kubeconfig", file);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/kind-govcloud-north +region north's cluster\n/);
    expect(result.stdout).not.toMatch(/management/);
  });

  it("reports a kubeconfig that is missing or not YAML at its place, exit 2", () => {
    const missing = cli("preflight", "--env", "dev", "--kubeconfig", path.join(dir, "none.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.yaml:1:1: <document>: no such kubeconfig file/);
    const broken = path.join(dir, "broken.yaml");
    fs.writeFileSync(broken, "contexts:\n  - name: a\n  - name: [\n");
    const bad = cli("preflight", "--env", "dev", "--kubeconfig", broken);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.yaml:\d+:\d+: <document>: /);
  });

  it("reads the kubeconfig the providers read: the flag, then KUBE_CONFIG_PATH, then KUBECONFIG (a list), then ~/.kube/config", () => {
    expect(kubeconfigFiles("a", { KUBE_CONFIG_PATH: "b", KUBECONFIG: "c" })).toEqual(["a"]);
    expect(kubeconfigFiles(undefined, { KUBE_CONFIG_PATH: "b", KUBECONFIG: "c" })).toEqual(["b"]);
    expect(kubeconfigFiles(undefined, { KUBECONFIG: `c${path.delimiter}d` })).toEqual(["c", "d"]);
    expect(kubeconfigFiles(undefined, {})[0]).toMatch(/\.kube[/\\]config$/);
  });
});
