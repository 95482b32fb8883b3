/**
 * Runs the GitLab pipeline `govcloud pipeline` writes for national, job by job as `needs:`
 * allows (test/support/gitlab-executor.ts), with the real `govcloud synth`, `plan-report` and
 * `check`, against a fake `terraform` on PATH that records every call. One plan deletes a backup
 * location: its policy check fails, and neither that stack's apply nor anything after it runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPipeline } from "../../cli/pipeline";
import { type JobRun, runPipeline } from "../support/gitlab-executor";
import { REPO_ROOT, tempDir } from "../support/synth";

const EMPTY_PLAN = { format_version: "1.2", terraform_version: "1.9.8", resource_changes: [] };
const DESTROYING_PLAN = {
  format_version: "1.2",
  terraform_version: "1.9.8",
  resource_changes: [
    {
      address: "kubernetes_manifest.velero_backup_location_local",
      mode: "managed",
      type: "kubernetes_manifest",
      name: "velero_backup_location_local",
      provider_name: "registry.terraform.io/hashicorp/kubernetes",
      change: {
        actions: ["delete"],
        before: { manifest: { apiVersion: "velero.io/v1", kind: "BackupStorageLocation", metadata: { name: "local", namespace: "velero" } } },
        after: null,
      },
    },
  ],
};

/** A `terraform` that records `<stack> <args>` and writes plans; `show` prints a JSON plan. */
const FAKE_TERRAFORM = `#!/usr/bin/env bash
set -eu
stack=$(basename "$PWD")
echo "$stack $(basename "$0") $*" >> "$FAKE_TF_LOG"
case "$1" in
  init) mkdir -p .terraform ;;
  plan) for arg in "$@"; do case "$arg" in -out=*) echo "plan of $stack" > "\${arg#-out=}" ;; esac; done ;;
  show) if [ "$stack" = "$FAKE_TF_DESTROY_STACK" ]; then cat "$FAKE_TF_DIR/destroying-plan.json"; else cat "$FAKE_TF_DIR/empty-plan.json"; fi ;;
  apply) plan="\${!#}"; [ -f "$plan" ] || { echo "no saved plan $plan" >&2; exit 1; } ;;
  *) echo "fake terraform: unexpected $*" >&2; exit 3 ;;
esac
`;

let runs: Map<string, JobRun>;
let calls: string[];
let project: string;

beforeAll(async () => {
  const root = tempDir("govcloud-pipeline-run-");
  project = path.join(root, "project");
  const bin = path.join(root, "bin");
  fs.mkdirSync(project);
  // The checkout: CI runs in the repository, whose environments/ folder is the project root that
  // local state lives under (state/<env>/); here, a copy of national's files.
  fs.mkdirSync(path.join(project, "environments"));
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(project, "environments", "national.yaml"));
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(project, "environments", "national"), { recursive: true });
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "terraform"), FAKE_TERRAFORM, { mode: 0o755 });
  // npm ci installs the CLI in CI; here it is already installed in the repository.
  fs.writeFileSync(path.join(bin, "npm"), `#!/usr/bin/env bash\necho "npm $*" >> "$FAKE_TF_LOG"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(root, "empty-plan.json"), JSON.stringify(EMPTY_PLAN));
  fs.writeFileSync(path.join(root, "destroying-plan.json"), JSON.stringify(DESTROYING_PLAN));
  const log = path.join(root, "calls.log");
  fs.writeFileSync(log, "");

  const config = YAML.parse(buildPipeline(REPO_ROOT, { env: "national", format: "gitlab", engine: "terraform", out: "cdktf.out", maxJobs: 500 }).stdout!) as Record<string, unknown>;
  const results = await runPipeline(config, {
    projectDir: project,
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, HOME: root, FAKE_TF_LOG: log, FAKE_TF_DIR: root, FAKE_TF_DESTROY_STACK: "backup-north" },
    variables: {
      CI_COMMIT_BRANCH: "main",
      CI_DEFAULT_BRANCH: "main",
      CI_PIPELINE_ID: "1",
      GOVCLOUD: `node ${path.join(REPO_ROOT, "bin", "govcloud.cjs")}`,
      // The same environment, at its place in the checkout above.
      GOVCLOUD_ENV: "environments/national.yaml",
    },
    playManual: true,
  });
  runs = new Map(results.map((r) => [r.name, r]));
  calls = fs.readFileSync(log, "utf8").split("\n").filter((l) => l !== "");
}, 600_000);

const wave = (job: string) => runs.get(job)?.wave;
const tf = (stack: string, verb: string) => calls.findIndex((c) => c.startsWith(`${stack} terraform ${verb}`));

describe("the GitLab pipeline of national, run against a fake terraform", () => {
  it("synthesizes, then plans, checks and applies management, platforms, backups and tenants in that order", () => {
    expect(runs.get("synth")?.status, runs.get("synth")?.output).toBe("success");
    expect(fs.existsSync(path.join(project, "cdktf.out", "manifest.json"))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, "cdktf.out", "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies: string[] }> };
    for (const [stack, { dependencies }] of Object.entries(manifest.stacks)) {
      if (runs.get(`plan:${stack}`)?.wave === undefined) continue;
      for (const dependency of dependencies) {
        // Every dependency was applied before the stack was even planned.
        expect(tf(dependency, "apply"), `${dependency} before ${stack}`).toBeGreaterThanOrEqual(0);
        expect(tf(dependency, "apply"), `${dependency} before ${stack}`).toBeLessThan(tf(stack, "plan"));
        expect(wave(`apply:${dependency}`)!).toBeLessThan(wave(`plan:${stack}`)!);
      }
    }
    const order = ["synth", "plan:management", "apply:management", "plan:platform-north", "apply:platform-north", "plan:backup-south", "apply:backup-south", "plan:tenants-south-000", "apply:tenants-south-000"];
    expect(order.map(wave)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each plan ran init, plan and show, and each apply applied the saved plan of its plan job.
    expect(calls.filter((c) => c.startsWith("management "))).toEqual([
      "management terraform init -input=false",
      "management terraform plan -input=false -out=plan.tfplan",
      "management terraform show -json plan.tfplan",
      "management terraform init -input=false",
      "management terraform apply -input=false plan.tfplan",
    ]);
  });

  it("runs the three regions side by side: their platform stacks in one wave, then their backups, then their tenants", () => {
    for (const kind of ["platform", "backup"]) {
      const waves = ["north", "central", "south"].map((r) => wave(`plan:${kind}-${r}`));
      expect(new Set(waves).size, kind).toBe(1);
      expect(waves[0]).toBeDefined();
    }
    expect(wave("plan:tenants-central-000")).toBe(wave("plan:tenants-south-000"));
  });

  it("gates every apply on the policy check of its own plan: a plan that deletes a backup location stops there", () => {
    const failed = runs.get("plan:backup-north")!;
    expect(failed.status).toBe("failed");
    expect(failed.output).toMatch(/govcloud check failed: mandatory violations/);
    const junit = fs.readFileSync(path.join(project, "cdktf.out", "stacks", "backup-north", "check.junit.xml"), "utf8");
    expect(junit).toMatch(/<failure type="mandatory"[^>]*protected-resources-not-destroyed/);
    expect(JSON.parse(fs.readFileSync(path.join(project, "cdktf.out", "stacks", "backup-north", "check.sarif"), "utf8")).runs[0].results.length).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(project, "cdktf.out", "stacks", "backup-north", "plan-report.json"), "utf8"))).toEqual({ create: 0, update: 0, delete: 1 });
    // Not applied, and nothing that depends on it planned or applied.
    expect(runs.get("apply:backup-north")?.status).toBe("skipped");
    expect(runs.get("plan:tenants-north-000")?.status).toBe("skipped");
    expect(runs.get("apply:tenants-north-000")?.status).toBe("skipped");
    expect(calls.filter((c) => /^(backup-north terraform apply|tenants-north-000 terraform)/.test(c))).toEqual([]);
    // The other regions went all the way.
    for (const stack of ["platform-north", "backup-central", "backup-south", "tenants-central-000", "tenants-south-000"]) {
      expect(runs.get(`apply:${stack}`)?.status, stack).toBe("success");
    }
    // Every apply that ran came after its own plan job passed the check.
    for (const run of runs.values()) {
      if (!run.name.startsWith("apply:") || run.status !== "success") continue;
      expect(runs.get(run.name.replace("apply:", "plan:"))?.status).toBe("success");
    }
  });

  it("waited for a person on the applies of stacks that hold data", () => {
    expect([...runs.values()].filter((r) => r.manual).map((r) => r.name).sort()).toEqual([
      "apply:backup-central",
      "apply:backup-north",
      "apply:backup-south",
      "apply:management",
      "apply:tenants-north-000",
      "apply:tenants-south-000",
    ]);
  });
});
