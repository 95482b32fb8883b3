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
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const SIZES: BenchSize[] = [
  { name: "bench-3x4", regions: 3, poolsPerRegion: 4 },
  { name: "bench-10x10", regions: 10, poolsPerRegion: 10 },
  { name: "bench-34x10", regions: 34, poolsPerRegion: 10 },
  { name: "bench-100x10", regions: 100, poolsPerRegion: 10 },
];

interface Measurement {
  ms: number;
  maxRssMiB: number;
  resources: number;
  bytes: number;
}

function measure(args: string[]): Measurement {
  const output = execFileSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "bench", "worker.ts"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return JSON.parse(output.trim().split("\n").pop() as string) as Measurement;
}

/** Median by time of several runs; memory is the largest seen. */
function median(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const mid = sorted[Math.floor(sorted.length / 2)] as Measurement;
  return { ...mid, maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) };
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
  const rows: string[] = [];
  const header = "| case | stacks' resources | output | govcloud synth (median) | peak memory | direct-JSON baseline | baseline memory | ratio |";
  const rule = "|---|---:|---:|---:|---:|---:|---:|---:|";
  process.stdout.write(`${header}\n${rule}\n`);
  for (const size of SIZES) {
    const envFile = writeEnvironment(REPO_ROOT, path.join(WORK, "environments"), size);
    const govcloud: Measurement[] = [];
    const baseline: Measurement[] = [];
    const out = path.join(WORK, size.name, "cdktf.out");
    const baseOut = path.join(WORK, size.name, "baseline.out");
    // Alternate the two so that machine noise hits both alike.
    for (let i = 0; i < RUNS; i++) {
      govcloud.push(measure(["govcloud", envFile, out]));
      baseline.push(measure(["baseline", envFile, baseOut, out]));
    }
    if (!identical(out, baseOut)) throw new Error(`${size.name}: baseline output differs from govcloud's`);
    const g = median(govcloud);
    const b = median(baseline);
    const row = `| ${size.name} (${size.regions} regions × ${size.poolsPerRegion} pools) | ${g.resources} | ${(g.bytes / 1024 / 1024).toFixed(1)} MiB | ${(g.ms / 1000).toFixed(2)} s | ${g.maxRssMiB.toFixed(0)} MiB | ${(b.ms / 1000).toFixed(2)} s | ${b.maxRssMiB.toFixed(0)} MiB | ${(g.ms / b.ms).toFixed(1)}× |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const results = [
    "# Benchmark results",
    "",
    "Written by `npm run bench`; every number below was measured in the run that wrote this file.",
    "",
    `- Machine: ${machine}`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Runs per case: ${RUNS} of each, alternated; the median time and the largest peak memory are shown.`,
    "- *govcloud synth*: load and validate the environment, build the cdktf app, synthesize, swap the",
    "  output folder in (`synthesize()`, the code behind `govcloud synth`), in a fresh process.",
    "- *direct-JSON baseline*: load and validate the same environment, then write byte-identical",
    "  documents with the same serializer (json-stable-stringify) and no construct tree. It is the",
    "  floor any generator pays; the ratio is what the construct layer costs on top of it. The bench",
    "  checks that both outputs are identical byte for byte.",
    "- Time is in-process wall time (process start-up, about 0.6 s for Node, tsx and cdktf, is not included).",
    "",
    header,
    rule,
    ...rows,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(REPO_ROOT, "bench", "RESULTS.md"), results);
  process.stdout.write(`\nwrote bench/RESULTS.md\n`);
}

main();
