/**
 * A small GitLab CI executor for tests: runs a pipeline's jobs in the order `needs:` allows, in
 * waves (every job whose needs have all finished runs in the next wave, concurrently), each
 * job's `before_script` and `script` in one bash session with the pipeline's and the job's
 * variables, as a shell runner does. All jobs share one project folder, so artifacts are simply
 * there. What it understands: `extends` (hidden jobs), `variables`, `rules` with `if`
 * comparisons of variables (`==`, `!=`) and `when`/`allow_failure`, `needs` (`optional`), manual
 * jobs (played when asked), `allow_failure`. A job whose needs failed or did not run is skipped.
 */
import { spawn } from "node:child_process";

export interface JobRun {
  readonly name: string;
  /** 1-based wave in which it ran; undefined when it did not run. */
  readonly wave?: number;
  readonly status: "success" | "failed" | "skipped";
  readonly manual: boolean;
  readonly output: string;
}

export interface ExecutorOptions {
  /** $CI_PROJECT_DIR: where every job runs. */
  readonly projectDir: string;
  /** Environment of every job (PATH with the fakes), before the pipeline's variables. */
  readonly env: NodeJS.ProcessEnv;
  /** Predefined variables (CI_COMMIT_BRANCH, CI_DEFAULT_BRANCH, ...) and overrides of the pipeline's. */
  readonly variables: Readonly<Record<string, string>>;
  /** Play manual jobs as soon as they can run, as a person pressing play. */
  readonly playManual: boolean;
}

type Job = Record<string, unknown> & {
  extends?: string | string[];
  script?: string[];
  before_script?: string[];
  variables?: Record<string, string>;
  needs?: Array<string | { job: string; optional?: boolean }>;
  rules?: Array<{ if?: string; when?: string; allow_failure?: boolean }>;
  when?: string;
  allow_failure?: boolean;
};

const RESERVED = new Set(["stages", "variables", "default", "workflow", "include", "image", "services", "cache", "before_script", "after_script"]);

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === "object" && !Array.isArray(value) && current !== null && typeof current === "object" && !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function resolve(config: Record<string, unknown>, name: string, seen: readonly string[] = []): Job {
  if (seen.includes(name)) throw new Error(`extends cycle through ${name}`);
  const job = config[name] as Job | undefined;
  if (job === undefined) throw new Error(`no job ${name}`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? job.extends : [job.extends];
  const { extends: _, ...own } = job;
  const inherited = parents.reduce<Record<string, unknown>>((acc, p) => merge(acc, resolve(config, p, [...seen, name])), {});
  return merge(inherited, own) as Job;
}

/** `$VAR == $OTHER`, `$VAR != "text"`: the rule expressions govcloud writes. */
function evaluate(expression: string, variables: Readonly<Record<string, string>>): boolean {
  const match = /^\s*(\S+)\s*(==|!=)\s*(\S+)\s*$/.exec(expression);
  if (match === null) throw new Error(`unsupported rules:if expression: ${expression}`);
  const value = (term: string) => (term.startsWith("$") ? (variables[term.slice(1)] ?? "") : term.replace(/^"(.*)"$/, "$1"));
  const equal = value(match[1]!) === value(match[3]!);
  return match[2] === "==" ? equal : !equal;
}

function runScript(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    child.on("close", (code) => done({ code: code ?? 1, output }));
  });
}

export async function runPipeline(config: Record<string, unknown>, options: ExecutorOptions): Promise<JobRun[]> {
  const globals = { ...((config.variables as Record<string, string> | undefined) ?? {}) };
  const predefined = { CI_PROJECT_DIR: options.projectDir, ...options.variables };
  const ruleVariables = { ...globals, ...predefined };
  // The jobs in this pipeline, after rules.
  const jobs = new Map<string, Job & { manual: boolean; allowFailure: boolean }>();
  for (const name of Object.keys(config)) {
    if (RESERVED.has(name) || name.startsWith(".")) continue;
    const job = resolve(config, name);
    let when = job.when ?? "on_success";
    let allowFailure = job.allow_failure ?? false;
    if (job.rules !== undefined) {
      const rule = job.rules.find((r) => r.if === undefined || evaluate(r.if, ruleVariables));
      if (rule === undefined || rule.when === "never") continue;
      when = rule.when ?? "on_success";
      if (rule.allow_failure !== undefined) allowFailure = rule.allow_failure;
    }
    jobs.set(name, { ...job, manual: when === "manual", allowFailure });
  }
  const results = new Map<string, JobRun>();
  const needsOf = (job: Job) =>
    (job.needs ?? []).flatMap((n) => {
      const need = typeof n === "string" ? { job: n } : n;
      if (!jobs.has(need.job)) {
        if (need.optional) return [];
        throw new Error(`a job needs ${need.job}, which is not in the pipeline`);
      }
      return [need.job];
    });
  for (let wave = 1; results.size < jobs.size; wave++) {
    const ready = [...jobs].filter(([name, job]) => !results.has(name) && needsOf(job).every((n) => results.has(n)));
    if (ready.length === 0) throw new Error("needs cycle");
    const running: Promise<void>[] = [];
    for (const [name, job] of ready) {
      const blocked = needsOf(job).some((n) => results.get(n)?.status !== "success");
      if (blocked || (job.manual && !options.playManual)) {
        results.set(name, { name, status: "skipped", manual: job.manual, output: "" });
        continue;
      }
      const variables = { ...globals, ...(job.variables ?? {}), ...predefined };
      const script = [...(job.before_script ?? []), ...(job.script ?? [])].join("\n");
      running.push(
        runScript(script, options.projectDir, { ...options.env, ...variables }).then(({ code, output }) => {
          results.set(name, { name, wave, status: code === 0 || job.allowFailure ? "success" : "failed", manual: job.manual, output });
        }),
      );
    }
    await Promise.all(running);
  }
  return [...results.values()];
}
