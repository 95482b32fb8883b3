/**
 * `npm run bench`: synthesizes generated environments of growing size and compares each with a
 * baseline that writes the identical JSON directly, measured side by side in the same run.
 * Prints a table and writes bench/RESULTS.md. Performance is measured here, never in tests.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type BenchSize, writeEnvironment } from "./generate";

const REPO_ROOT = path.resolve(__dirname, "..");
const WORK = path.join(REPO_ROOT, "bench", ".work");
/**
 * Runs per case: five for the national estate (what the targets are about; this machine's speed
 * varies by a quarter from one minute to the next: one bench run measured it from 8.4 to 11.4 s),
 * three for the small cases, one for the 1,000-agency step.
 */
const runsFor = (size: BenchSize) => Number(process.env.BENCH_RUNS ?? (size.agencies === 3400 ? 5 : size.agencies === 1000 ? 1 : 3));

/** Infrastructure-only growth (issue: foundation), then national estates of growing size. */
const SIZES: BenchSize[] = [
  { name: "regions-34x10", regions: 34, poolsPerRegion: 10, agencies: 0 },
  { name: "estate-10", regions: 3, poolsPerRegion: 3, agencies: 10 },
  { name: "estate-100", regions: 3, poolsPerRegion: 3, agencies: 100 },
  { name: "estate-1000", regions: 3, poolsPerRegion: 3, agencies: 1000 },
  { name: "estate-3400", regions: 3, poolsPerRegion: 3, agencies: 3400 },
];

/** Targets for the national estate of 3,400 agencies. */
const TARGETS = { seconds: 10, memoryMiB: 1024, ratio: 10, resynthSeconds: 1 };

interface Measurement {
  ms: number;
  /** From the start of the child process to the end of the work: start-up included, the bench's own checks after it not. */
  processMs: number;
  maxRssMiB: number;
  resources: number;
  bytes: number;
}

function runWorker(args: string[]): { output: unknown } {
  const output = execFileSync(process.execPath, ["-r", path.join(REPO_ROOT, "core", "register.cjs"), path.join(REPO_ROOT, "bench", "worker.ts"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return { output: JSON.parse(output.trim().split("\n").pop() as string) };
}

function measure(args: string[]): Measurement {
  return runWorker(args).output as Measurement;
}

/** A `synth --watch` session: its first run, then one run per edited agency. */
interface WatchMeasurement {
  firstMs: number;
  editsMs: number[];
  rebuilt: number[];
  maxRssMiB: number;
}

/** Agencies edited one after another in the watch session: ministries, provinces and communes of every region. */
const WATCH_EDITS = ["xa-01000", "bo-03", "tinh-10", "xa-02000", "xa-00500", "tinh-30", "xa-03000"];

/** Median by time of several runs; memory is the largest seen. */
function median(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const mid = sorted[Math.floor(sorted.length / 2)] as Measurement;
  return { ...mid, maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) };
}

/** The process wall of every run, fastest first. */
function spread(runs: Measurement[]): string {
  if (runs.length < 2) return "one run";
  const all = runs.map((r) => r.processMs / 1000).sort((a, b) => a - b);
  return `${runs.length} runs: ${all.map((t) => `${t.toFixed(2)} s`).join(", ")}`;
}

function watchSummary(w: WatchMeasurement): string {
  const sorted = [...w.editsMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return `${(median / 1000).toFixed(2)} s median, ${((sorted[sorted.length - 1] as number) / 1000).toFixed(2)} s slowest of ${sorted.length} edits`;
}

function identical(a: string, b: string): boolean {
  const list = (dir: string) =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  const files = list(a);
  if (files.join("\n") !== list(b).join("\n")) return false;
  return files.every((f) => fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
}

function main(): void {
  fs.rmSync(WORK, { recursive: true, force: true });
  execFileSync(process.execPath, ["-r", path.join(REPO_ROOT, "core", "register.cjs"), path.join(REPO_ROOT, "bench", "worker.ts"), "warm-up"]);
  const rows: string[] = [];
  const header =
    "| case | resources | output | govcloud synth (median) | process wall | peak memory | direct-JSON baseline | baseline memory | ratio |";
  const rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  process.stdout.write(`${header}\n${rule}\n`);
  let national: { g: Measurement; runs: Measurement[]; b: Measurement; command: Measurement; resynth: Measurement; watch: WatchMeasurement } | undefined;
  for (const size of SIZES) {
    const envFile = writeEnvironment(REPO_ROOT, path.join(WORK, "environments"), size);
    const govcloud: Measurement[] = [];
    const baseline: Measurement[] = [];
    const out = path.join(WORK, size.name, "cdktf.out");
    const baseOut = path.join(WORK, size.name, "baseline.out");
    // Alternate the two so that machine noise hits both alike.
    for (let i = 0; i < runsFor(size); i++) {
      // A fresh folder each time: into the previous output, unchanged stacks would be reused.
      fs.rmSync(out, { recursive: true, force: true });
      govcloud.push(measure(["govcloud", envFile, out]));
      baseline.push(measure(["baseline", envFile, baseOut, out]));
    }
    if (!identical(out, baseOut)) throw new Error(`${size.name}: baseline output differs from govcloud's`);
    const g = median(govcloud);
    const b = median(baseline);
    const label = size.agencies > 0 ? `${size.name} (${size.agencies} agencies)` : `${size.name} (${size.regions} regions × ${size.poolsPerRegion} pools)`;
    const row = `| ${label} | ${g.resources} | ${(g.bytes / 1024 / 1024).toFixed(1)} MiB | ${(g.ms / 1000).toFixed(2)} s | ${(g.processMs / 1000).toFixed(2)} s | ${g.maxRssMiB.toFixed(0)} MiB | ${(b.ms / 1000).toFixed(2)} s | ${b.maxRssMiB.toFixed(0)} MiB | ${(g.ms / b.ms).toFixed(1)}× |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
    if (size.agencies === 3400) {
      // The command as users run it: the same synthesis, with the policy gate on its own thread.
      const commandOut = path.join(WORK, size.name, "command.out");
      const command = measure(["command", envFile, commandOut]);
      if (!identical(out, commandOut)) throw new Error(`${size.name}: the command's output differs from synthesize()'s`);
      process.stdout.write(`govcloud synth command (policy gate included): ${(command.processMs / 1000).toFixed(2)} s, ${command.maxRssMiB.toFixed(0)} MiB\n`);
      // Edit one agency, then synthesize again into the same folder: only changed stacks rebuild.
      const agencyFile = (id: string) => path.join(path.dirname(envFile), size.name, "agencies", `${id}.yaml`);
      fs.writeFileSync(agencyFile("xa-01000"), fs.readFileSync(agencyFile("xa-01000"), "utf8").replace("cpu: 2\n", "cpu: 3\n"));
      const resynth = measure(["govcloud", envFile, out]);
      // Then the same folder in a watch session: a series of edits, each synthesized in turn.
      const watch = runWorker(["watch", envFile, out, ...WATCH_EDITS.map(agencyFile)]).output as WatchMeasurement;
      national = { g, runs: govcloud, b, command, resynth, watch };
      const ms = watch.editsMs.map((t) => `${Math.round(t)} ms`).join(", ");
      process.stdout.write(`re-synthesis, new process: ${(resynth.processMs / 1000).toFixed(2)} s; watch session: ${ms}\n`);
    }
  }
  // Policy checks over 100,000 resource instances, grown from the 1,000-agency estate's output.
  const throughput = execFileSync(
    process.execPath,
    ["-r", path.join(REPO_ROOT, "core", "register.cjs"), path.join(REPO_ROOT, "bench", "check-throughput.ts"), path.join(WORK, "estate-1000", "cdktf.out"), "100000"],
    { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
  ).trim();
  const checkMs = Number(/read \+ expand \+ evaluate:\s+(\d+) ms/.exec(throughput)?.[1] ?? Number.NaN);
  process.stdout.write(`\n${throughput}\n`);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  const targets =
    national === undefined
      ? []
      : [
          "## National estate (3,400 agencies) against the targets",
          "",
          "| target | measured | |",
          "|---|---:|---|",
          `| full synthesis ≤ ${TARGETS.seconds} s wall | ${(national.g.processMs / 1000).toFixed(2)} s (process), ${(national.g.ms / 1000).toFixed(2)} s (in-process); ${spread(national.runs)} | ${verdict(national.g.processMs / 1000 <= TARGETS.seconds)} |`,
          `| peak memory ≤ ${TARGETS.memoryMiB} MiB | ${national.g.maxRssMiB.toFixed(0)} MiB | ${verdict(national.g.maxRssMiB <= TARGETS.memoryMiB)} |`,
          `| ≤ ${TARGETS.ratio}× the direct-JSON baseline | ${(national.g.ms / national.b.ms).toFixed(1)}× | ${verdict(national.g.ms / national.b.ms <= TARGETS.ratio)} |`,
          `| re-synthesis after editing one agency ≤ ${TARGETS.resynthSeconds} s (\`govcloud synth --watch\`, every edit) | ${watchSummary(national.watch)} | ${verdict(Math.max(...national.watch.editsMs) / 1000 <= TARGETS.resynthSeconds)} |`,
          `| re-synthesis after editing one agency ≤ ${TARGETS.resynthSeconds} s (new \`govcloud synth\` process) | ${(national.resynth.processMs / 1000).toFixed(2)} s | ${verdict(national.resynth.processMs / 1000 <= TARGETS.resynthSeconds)} |`,
          "",
          `The \`govcloud synth\` command as users run it, policy gate included (on a thread of its own, which then has the second core;` +
            ` synthesis stays on one): ${(national.command.processMs / 1000).toFixed(2)} s and ${national.command.maxRssMiB.toFixed(0)} MiB at its peak (one run).`,
          "",
          `Watch session: the first run (all ${national.g.resources} resources, policy gate included) took ${(national.watch.firstMs / 1000).toFixed(2)} s` +
            ` and ${national.watch.maxRssMiB.toFixed(0)} MiB at its peak; then each edit (one more CPU in the quota of ${WATCH_EDITS.join(", ")}, in turn)` +
            ` rebuilt ${[...new Set(national.watch.rebuilt)].join(" or ")} stacks and passed them through the policy gate:` +
            ` ${national.watch.editsMs.map((t) => `${Math.round(t)} ms`).join(", ")}.`,
          "",
        ];
  const results = [
    "# Benchmark results",
    "",
    "Written by `npm run bench`; every number below was measured in the run that wrote this file.",
    "",
    `- Machine: ${machine}`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    "- Runs per case: five of each for 3,400 agencies, one for 1,000, three for the others, alternated;",
    "  the median time and the largest peak memory are shown.",
    "- *govcloud synth*: load and validate the environment and its agencies, build the estate, build",
    "  the cdktf apps and synthesize (sixteen stacks per app), swap the output folder in",
    "  (`synthesize()`, the code behind `govcloud synth`), in a fresh process. Estates of 200 agencies",
    "  or more use a second thread, which reads half of the agency files, builds half of the tenants",
    "  and synthesizes their stacks (cli/threads.ts; in the command, the policy gate's thread has the",
    "  second core instead). *process wall* runs from the start of that process to the end",
    "  of synthesis: start-up (Node, compiling our TypeScript, cdktf) included, as a user running the",
    "  command sees it. The command also runs the policy gate, on a thread of its own as stacks are",
    "  written; its throughput is measured by `bench/check-throughput.ts`.",
    "- *direct-JSON baseline*: load and validate the same configuration and build the same estate,",
    "  then write byte-identical documents with the same serializer (core/stable-json.ts) and no",
    "  construct tree. It is the floor any generator pays; the ratio is what the construct layer costs",
    "  on top of it. The bench checks that both outputs are identical byte for byte.",
    "- *re-synthesis*: after one agency file changes, into the previous output (only stacks whose",
    "  inputs changed are rebuilt; the others are hard-linked). Measured in a `govcloud synth --watch`",
    "  session (cli/watch.ts: start-up, unchanged files and the policy packs are paid for once; the",
    "  policy gate checks each rebuilt stack), and as a new process running `synthesize()` (process",
    "  wall, as above).",
    "- Generated estates: 17 ministries, 34 provinces, then communes (../shared/facts/vietnam.md),",
    "  each with a web service and a scheduled job; ministries and provinces add an open-data API and",
    "  a worker, ministries a stateful service. Resources count Terraform resource instances.",
    "",
    header,
    rule,
    ...rows,
    "",
    ...targets,
    "## Policy check throughput (`bench/check-throughput.ts`)",
    "",
    `Checking 100,000 resource instances with every rule of every pack: ${(checkMs / 1000).toFixed(2)} s (target ≤ 5 s: ${verdict(checkMs <= 5000)}).`,
    "",
    "```",
    throughput,
    "```",
    "",
  ].join("\n");
  fs.writeFileSync(path.join(REPO_ROOT, "bench", "RESULTS.md"), results);
  process.stdout.write(`\n${targets.join("\n")}\nwrote bench/RESULTS.md\n`);
}

main();
