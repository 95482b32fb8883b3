/**
 * `govcloud pipeline`: GitLab CI and Atlantis configurations that the engines' own schemas
 * accept, that follow every stack dependency of the synthesized manifest, and in which no apply
 * can start before `govcloud check` passed on its plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizedOutput } from "../support/synthesized";
import { buildPipeline, type PipelineOptions } from "../../cli/pipeline";
import { atlantisErrors, gitlabCiErrors } from "../support/ci-schemas";
import { cli } from "../support/cli";
import { readStacks, REPO_ROOT, tempDir } from "../support/synth";

/** Stack -> dependencies, as synth writes them to manifest.json, per environment. */
const manifests = new Map<string, Record<string, string[]>>();
/** Stacks that hold data, per environment, read from the synthesized stacks (not from the pipeline's model). */
const dataStacks = new Map<string, Set<string>>();

beforeAll(() => {
  for (const env of ["national", "dev"]) {
    const outdir = synthesizedOutput(env);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies: string[] }> };
    manifests.set(env, Object.fromEntries(Object.entries(manifest.stacks).map(([name, s]) => [name, [...s.dependencies].sort()])));
    // Management (the clusters), backup locations, and tenant stacks holding a namespace of an
    // agency with volumes (its home tenant's, or its standby that a failover restores them into).
    const stacks = readStacks(outdir);
    const keys = (doc: (typeof stacks extends Map<string, infer D> ? D : never), type: string) =>
      Object.values(doc.resource?.[type] ?? {}).flatMap((body) => Object.keys((body.for_each as object | undefined) ?? {}));
    const withVolumes = new Set([...stacks.values()].flatMap((doc) => keys(doc, "kubernetes_persistent_volume_claim_v1").map((k) => k.split("/")[0])));
    dataStacks.set(
      env,
      new Set(
        [...stacks]
          .filter(([name, doc]) => name === "management" || Object.keys(doc.resource?.kubernetes_manifest ?? {}).some((n) => n.startsWith("velero_backup_location_")) || keys(doc, "kubernetes_namespace_v1").some((a) => withVolumes.has(a)))
          .map(([name]) => name),
      ),
    );
  }
});

const options = (env: string, extra: Partial<PipelineOptions> = {}): PipelineOptions => ({ env, format: "gitlab", engine: "terraform", out: "cdktf.out", maxJobs: 500, ...extra });

type Job = { extends?: string; stage?: string; needs?: Array<string | { job: string; optional?: boolean; pipeline?: string }>; rules?: Array<{ when?: string; allow_failure?: boolean }>; variables?: Record<string, string>; resource_group?: string; artifacts?: { reports?: Record<string, string> }; script?: string[]; trigger?: unknown };

const needsOf = (job: Job) => (job.needs ?? []).map((n) => (typeof n === "string" ? n : n.job));
const parse = (text: string) => YAML.parse(text) as Record<string, unknown>;

/** Every property of a GitLab pipeline's stack jobs against the manifest. */
function expectGitlabFollowsManifest(jobs: Record<string, Job>, manifest: Record<string, string[]>, stacks: readonly string[], dataStacks: ReadonlySet<string>, outside: ReadonlySet<string> = new Set()): void {
  const plan = jobs[".govcloud-plan"] as Job;
  const apply = jobs[".govcloud-apply"] as Job;
  // The gate: the plan's JSON, then govcloud check, whose failure fails the plan job.
  const gate = plan.script!.findIndex((l) => /^\$GOVCLOUD check "[^"]+\/plan\.json" --env "\$GOVCLOUD_ENV" --format junit --output /.test(l));
  expect(gate).toBeGreaterThan(plan.script!.findIndex((l) => l.startsWith("$TF show -json plan.tfplan > plan.json")));
  expect(plan.script![gate]).not.toMatch(/\|\||;|&/);
  expect(apply.script).toContain("$TF apply -input=false plan.tfplan");
  expect(apply.script!.join("\n")).not.toMatch(/\$TF (plan|apply(?! -input=false plan\.tfplan))/);
  for (const stack of stacks) {
    const p = jobs[`plan:${stack}`];
    const a = jobs[`apply:${stack}`];
    expect(p?.extends, stack).toBe(".govcloud-plan");
    expect(a?.extends, stack).toBe(".govcloud-apply");
    expect(p?.variables?.STACK).toBe(stack);
    expect(a?.variables?.STACK).toBe(stack);
    // Planned after every dependency's apply; applied only after its own plan (and so its check).
    expect(needsOf(p!).filter((n) => n.startsWith("apply:")).sort(), stack).toEqual(manifest[stack]!.filter((d) => !outside.has(d)).map((d) => `apply:${d}`));
    expect(needsOf(a!).filter((n) => n !== "synth"), stack).toEqual([`plan:${stack}`]);
    expect(p?.resource_group).toMatch(new RegExp(`-${stack}$`));
    expect(a?.resource_group).toBe(p?.resource_group);
    expect(p?.artifacts?.reports?.junit).toBe(`cdktf.out/stacks/${stack}/check.junit.xml`);
    expect(p?.artifacts?.reports?.terraform).toBe(`cdktf.out/stacks/${stack}/plan-report.json`);
    expect(a?.rules?.[0]?.when, stack).toBe(dataStacks.has(stack) ? "manual" : "on_success");
    if (dataStacks.has(stack)) expect(a?.rules?.[0]?.allow_failure).toBe(false);
  }
  const groups = stacks.map((s) => jobs[`plan:${s}`]?.resource_group);
  expect(new Set(groups).size).toBe(stacks.length);
}

describe("govcloud pipeline --format gitlab", () => {
  for (const env of ["national", "dev"]) {
    it(`${env}: validates against GitLab's schema and follows every dependency of manifest.json`, () => {
      const result = buildPipeline(REPO_ROOT, options(env));
      const config = parse(result.stdout!);
      expect(gitlabCiErrors(config)).toEqual([]);
      // The validator is not blind: a misspelt key fails.
      expect(gitlabCiErrors({ ...config, "plan:x": { script: ["true"], needz: [] } }).join("\n")).toMatch(/needz/);
      const manifest = manifests.get(env)!;
      const stacks = Object.keys(manifest);
      const jobs = config as Record<string, Job>;
      expect(Object.keys(jobs).filter((j) => /^(plan|apply):/.test(j)).sort()).toEqual(stacks.flatMap((s) => [`apply:${s}`, `plan:${s}`]).sort());
      expectGitlabFollowsManifest(jobs, manifest, stacks, dataStacks.get(env)!);
    });
  }

  it("makes the applies of stacks holding data manual: management, backup locations and tenants with stateful services", () => {
    const jobs = parse(buildPipeline(REPO_ROOT, options("national")).stdout!) as Record<string, Job>;
    const manual = Object.keys(jobs).filter((j) => j.startsWith("apply:") && jobs[j]!.rules?.[0]?.when === "manual").sort();
    expect(manual).toEqual(expect.arrayContaining(["apply:management", "apply:backup-central", "apply:backup-north", "apply:backup-south"]));
    expect(manual.filter((j) => j.startsWith("apply:platform-"))).toEqual([]);
    // bo-tai-chinh's ledger database: its volumes in north, its standby in south.
    expect(manual.filter((j) => j.startsWith("apply:tenants-"))).toEqual(["apply:tenants-north-000", "apply:tenants-south-000"]);
  });

  it("runs OpenTofu with --engine tofu", () => {
    const config = parse(buildPipeline(REPO_ROOT, options("national", { engine: "tofu" })).stdout!);
    expect(gitlabCiErrors(config)).toEqual([]);
    expect((config.variables as Record<string, string>).TF).toBe("tofu");
  });

  it("splits an estate with more jobs than --max-jobs into a child pipeline per region, each valid and complete", () => {
    const dir = tempDir("govcloud-pipeline-");
    const output = path.join(REPO_ROOT, "node_modules", ".cache", `govcloud-pipeline-test-${process.pid}`, ".gitlab-ci.yml");
    fs.mkdirSync(path.dirname(output), { recursive: true });
    try {
      const result = buildPipeline(REPO_ROOT, options("national", { output, maxJobs: 9 }));
      expect([...result.files.keys()].map((f) => path.basename(f)).sort()).toEqual([".gitlab-ci.yml", "gitlab-ci-central.yml", "gitlab-ci-north.yml", "gitlab-ci-south.yml"]);
      const manifest = manifests.get("national")!;
      const parent = parse(result.files.get(output)!) as Record<string, Job>;
      expect(gitlabCiErrors(parent)).toEqual([]);
      for (const region of ["central", "north", "south"]) {
        const trigger = parent[`deploy:${region}`] as Job & { trigger: { include: { local: string }[]; strategy: string } };
        expect(trigger.trigger.strategy).toBe("depend");
        const file = path.join(REPO_ROOT, trigger.trigger.include[0]!.local);
        expect(result.files.has(file), file).toBe(true);
        expect(needsOf(trigger).sort()).toEqual(["apply:management", "synth"]);
        const child = parse(result.files.get(file)!) as Record<string, Job>;
        expect(gitlabCiErrors(child)).toEqual([]);
        const stacks = Object.keys(manifest).filter((s) => new RegExp(`^(platform|backup|tenants)-${region}(-\\d{3})?$`).test(s));
        const jobs = Object.keys(child).filter((j) => /^(plan|apply):/.test(j));
        expect(jobs.length).toBeLessThanOrEqual(9);
        expect(jobs.sort()).toEqual(stacks.flatMap((s) => [`apply:${s}`, `plan:${s}`]).sort());
        // Dependencies in the parent (management) are waited for by the trigger job.
        expectGitlabFollowsManifest(child, manifest, stacks, dataStacks.get("national")!, new Set(["management"]));
        expect((child[`plan:platform-${region}`]!.needs![0] as { pipeline: string }).pipeline).toBe("$PARENT_PIPELINE_ID");
      }
      void dir;
    } finally {
      fs.rmSync(path.dirname(output), { recursive: true, force: true });
    }
  });

  it("refuses, exit 2, to write child pipelines outside the repository or into a missing folder", () => {
    const outside = tempDir("govcloud-pipeline-out-");
    const split = cli("pipeline", "--env", "national", "--format", "gitlab", "--max-jobs", "9", "--output", path.join(outside, "ci.yml"));
    expect(split.code).toBe(2);
    expect(split.stderr).toMatch(/--output: .*is outside the repository; child pipelines are included from the repository/);
    const missing = cli("pipeline", "--env", "dev", "--format", "atlantis", "--output", path.join(outside, "no", "such", "atlantis.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--output.*folder .* does not exist/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe("govcloud pipeline --format atlantis", () => {
  for (const env of ["national", "dev"]) {
    for (const engine of ["terraform", "tofu"] as const) {
      it(`${env}, ${engine}: one project per stack, depends_on as in manifest.json, groups by depth, the check in the plan`, () => {
        const config = parse(buildPipeline(REPO_ROOT, options(env, { format: "atlantis", engine })).stdout!) as {
          version: number;
          projects: { name: string; dir: string; depends_on: string[]; execution_order_group: number; workflow: string; terraform_distribution?: string }[];
          workflows: Record<string, { plan: { steps: unknown[] }; apply: { steps: unknown[] } }>;
        };
        expect(atlantisErrors(config)).toEqual([]);
        expect(atlantisErrors({ ...config, projects: [{ ...config.projects[0], execution_order_group: "1" }] })).not.toEqual([]);
        expect(config.version).toBe(3);
        const manifest = manifests.get(env)!;
        expect(config.projects.map((p) => p.name).sort()).toEqual(Object.keys(manifest).sort());
        const group = new Map(config.projects.map((p) => [p.name, p.execution_order_group]));
        for (const project of config.projects) {
          expect(project.dir).toBe(`cdktf.out/stacks/${project.name}`);
          expect([...project.depends_on].sort()).toEqual(manifest[project.name]);
          const after = Math.max(-1, ...project.depends_on.map((d) => group.get(d)!));
          expect(project.execution_order_group, project.name).toBe(after + 1);
          expect(project.terraform_distribution).toBe(engine === "tofu" ? "opentofu" : undefined);
          const steps = config.workflows[project.workflow]!.plan.steps;
          const show = steps.indexOf("show");
          expect(steps.indexOf("plan")).toBeLessThan(show);
          expect(steps.slice(show + 1)).toEqual([{ run: expect.stringMatching(/govcloud check "\$SHOWFILE" --env /) }]);
        }
      });
    }
  }
});
