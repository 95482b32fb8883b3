/**
 * GitLab CI for an estate: a `plan:<stack>` and an `apply:<stack>` job per stack, `needs:`
 * following the stack dependencies, one `resource_group` per stack, and an apply that can only
 * start once `govcloud check` passed on its plan's `terraform show -json`. Stacks that hold data
 * are applied by hand (`when: manual`). A national estate that has more jobs than fit in one
 * pipeline gets a child pipeline per region (docs/deploying.md).
 */
import type { PipelineStack } from "./pipeline-stacks";

/** The CLI that runs the stacks: `terraform` or OpenTofu's `tofu`. */
export type Engine = "terraform" | "tofu";

/** GitLab's default limits: `needs` per job (ci_needs_size_limit), and jobs per pipeline on GitLab.com Free. */
export const GITLAB_MAX_NEEDS = 50;
export const GITLAB_MAX_JOBS = 500;

export interface GitlabOptions {
  /** The `--env` argument the jobs pass to govcloud (a name, or a path relative to the repository). */
  readonly environment: string;
  readonly engine: Engine;
  /** The environment's name, in resource group names. */
  readonly environmentName: string;
  /** The synthesized folder, relative to the repository root. */
  readonly outDir: string;
  /** Most jobs in one pipeline before it is split into a child pipeline per region. */
  readonly maxJobs: number;
  /** Path of a region's child pipeline file relative to the repository root (with `include: local`). */
  readonly childFile: (region: string) => string;
}

export interface GitlabPipelines {
  /** The pipeline of the repository (`.gitlab-ci.yml` or a file it includes). */
  readonly main: Record<string, unknown>;
  /** Child pipelines by region, when the estate is split. */
  readonly children: ReadonlyMap<string, Record<string, unknown>>;
  /** Jobs of each pipeline, by "main" or region. */
  readonly jobCounts: ReadonlyMap<string, number>;
  /** The largest `needs:` list of any job. */
  readonly maxNeeds: number;
}

const SYNTH_JOB = "synth";
const PARENT_PIPELINE = "$PARENT_PIPELINE_ID";
const ON_DEFAULT_BRANCH = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH";

type Need = string | { job: string; artifacts?: boolean; optional?: boolean } | { pipeline: string; job: string; artifacts: boolean };

export function planJob(stack: string): string {
  return `plan:${stack}`;
}

export function applyJob(stack: string): string {
  return `apply:${stack}`;
}

/** Jobs a pipeline of these stacks has, besides synth (2 per stack). */
export function jobCount(stacks: readonly PipelineStack[]): number {
  return 2 * stacks.length;
}

export function renderGitlab(stacks: readonly PipelineStack[], options: GitlabOptions): GitlabPipelines {
  const split = 1 + jobCount(stacks) > options.maxJobs;
  const children = new Map<string, Record<string, unknown>>();
  const jobCounts = new Map<string, number>();
  let maxNeeds = 0;
  const track = (jobs: Record<string, unknown>) => {
    for (const job of Object.values(jobs)) maxNeeds = Math.max(maxNeeds, ((job as { needs?: unknown[] }).needs ?? []).length);
  };

  if (!split) {
    const jobs = { [SYNTH_JOB]: synthJob(options), ...stackJobs(options, stacks, { synth: { job: SYNTH_JOB, artifacts: true } }) };
    track(jobs);
    jobCounts.set("main", Object.keys(jobs).length);
    return { main: pipeline(options, kindsOf(stacks, true), jobs), children, jobCounts, maxNeeds };
  }

  // The parent runs what no region owns (the management stack) and one trigger job per region.
  const shared = stacks.filter((s) => s.region === undefined);
  const regions = [...new Set(stacks.flatMap((s) => (s.region === undefined ? [] : [s.region])))].sort();
  const parentJobs: Record<string, unknown> = { [SYNTH_JOB]: synthJob(options), ...stackJobs(options, shared, { synth: { job: SYNTH_JOB, artifacts: true } }) };
  for (const region of regions) {
    const own = stacks.filter((s) => s.region === region);
    const names = new Set(own.map((s) => s.name));
    const outside = [...new Set(own.flatMap((s) => s.dependencies.filter((d) => !names.has(d))))].sort();
    if (outside.some((d) => stacks.find((s) => s.name === d)?.region !== undefined)) {
      throw new Error(`internal: region ${region}'s stacks depend on another region's stacks`);
    }
    // The child's jobs cannot see the parent's; the trigger job waits for what they need.
    const childJobs = stackJobs(options, own, { synth: { pipeline: PARENT_PIPELINE, job: SYNTH_JOB, artifacts: true } }, new Set(outside));
    track(childJobs);
    jobCounts.set(region, Object.keys(childJobs).length);
    children.set(region, pipeline(options, kindsOf(own, false), childJobs));
    parentJobs[`deploy:${region}`] = {
      stage: "regions",
      needs: [{ job: SYNTH_JOB, artifacts: false }, ...outside.map((d) => ({ job: applyJob(d), artifacts: false, optional: true }))],
      variables: { PARENT_PIPELINE_ID: "$CI_PIPELINE_ID" },
      trigger: { include: [{ local: options.childFile(region) }], strategy: "depend" },
    };
  }
  track(parentJobs);
  jobCounts.set("main", Object.keys(parentJobs).length);
  return { main: pipeline(options, [...kindsOf(shared, true), "regions"], parentJobs), children, jobCounts, maxNeeds };
}

function kindsOf(stacks: readonly PipelineStack[], withSynth: boolean): string[] {
  const kinds = ["management", "platform", "backup", "tenants"].filter((k) => stacks.some((s) => s.kind === k));
  return withSynth ? [SYNTH_JOB, ...kinds] : kinds;
}

function pipeline(options: GitlabOptions, stages: readonly string[], jobs: Record<string, unknown>): Record<string, unknown> {
  return {
    stages: [...stages],
    variables: {
      GOVCLOUD_ENV: options.environment,
      // The engine: terraform or tofu (OpenTofu). Both read the same stacks and write the same plans.
      TF: options.engine,
      // How jobs run govcloud (node_modules comes from `npm ci` in each job that needs it).
      GOVCLOUD: "npx --no-install govcloud",
      TF_IN_AUTOMATION: "true",
      TF_INPUT: "false",
      CHECKPOINT_DISABLE: "1",
    },
    ...templates(options),
    ...jobs,
  };
}

function templates(options: GitlabOptions): Record<string, unknown> {
  const dir = `${options.outDir}/stacks/$STACK`;
  return {
    ".govcloud-plan": {
      before_script: ["npm ci --prefer-offline --no-audit --no-fund"],
      script: [
        `cd "${dir}"`,
        "$TF init -input=false",
        "$TF plan -input=false -out=plan.tfplan",
        "$TF show -json plan.tfplan > plan.json",
        'cd "$CI_PROJECT_DIR"',
        `$GOVCLOUD plan-report "${dir}/plan.json" --output "${dir}/plan-report.json"`,
        // The policy gate: a mandatory violation (exit 1) or a bad plan (exit 2) fails this job,
        // and the stack's apply, which needs it, never starts. JUnit for the pipeline's test
        // report, SARIF (findings at the YAML lines that caused them) for code review.
        `$GOVCLOUD check "${dir}/plan.json" --env "$GOVCLOUD_ENV" --format junit --output "${dir}/check.junit.xml" --sarif "${dir}/check.sarif"`,
      ],
    },
    ".govcloud-apply": {
      script: [`cd "${dir}"`, "$TF init -input=false", "$TF apply -input=false plan.tfplan"],
    },
  };
}

function synthJob(options: GitlabOptions): Record<string, unknown> {
  return {
    stage: SYNTH_JOB,
    script: ["npm ci --prefer-offline --no-audit --no-fund", '$GOVCLOUD synth --env "$GOVCLOUD_ENV" --frozen-lock --quiet'],
    artifacts: { paths: [`${options.outDir}/`], expire_in: "1 week" },
  };
}

/**
 * Plan and apply jobs of these stacks. `outside`: dependencies applied in another pipeline (the
 * parent), which the trigger job waited for.
 */
function stackJobs({ outDir, environmentName }: GitlabOptions, stacks: readonly PipelineStack[], needs: { synth: Need }, outside: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const jobs: Record<string, unknown> = {};
  for (const stack of stacks) {
    const dir = `${outDir}/stacks/${stack.name}`;
    const variables = { STACK: stack.name };
    const resourceGroup = `govcloud-${environmentName}-${stack.name}`;
    jobs[planJob(stack.name)] = {
      extends: ".govcloud-plan",
      stage: stack.kind,
      variables,
      // A stack is planned once the stacks it depends on are applied. Optional: merge-request
      // pipelines have no apply jobs, and plan against what is deployed.
      needs: [needs.synth, ...stack.dependencies.filter((d) => !outside.has(d)).map((d) => ({ job: applyJob(d), artifacts: false, optional: true }))],
      resource_group: resourceGroup,
      artifacts: {
        when: "always",
        access: "developer",
        expire_in: "1 week",
        paths: [`${dir}/plan.tfplan`, `${dir}/plan.json`, `${dir}/check.sarif`, `${dir}/check.junit.xml`],
        reports: { junit: `${dir}/check.junit.xml`, terraform: `${dir}/plan-report.json` },
      },
    };
    jobs[applyJob(stack.name)] = {
      extends: ".govcloud-apply",
      stage: stack.kind,
      variables,
      needs: [needs.synth, { job: planJob(stack.name), artifacts: true }],
      resource_group: resourceGroup,
      rules: [
        stack.holdsData === undefined
          ? { if: ON_DEFAULT_BRANCH, when: "on_success" }
          : // Holds data: a person reads the plan and presses play. allow_failure: false keeps
            // the stacks after it waiting instead of skipping past it.
            { if: ON_DEFAULT_BRANCH, when: "manual", allow_failure: false },
      ],
    };
  }
  return jobs;
}
