/**
 * One measured run in a fresh process, so that peak memory belongs to that run alone.
 *   worker.ts govcloud <env.yaml> <outdir>   synthesize with cdktf constructs (the product path)
 *   worker.ts baseline <env.yaml> <outdir> <reference-outdir>
 *                                            the direct-JSON baseline: load and validate the same configuration
 *                                            and build the same estate model, then write the
 *                                            identical JSON directly, without constructs
 *   worker.ts watch <env.yaml> <outdir> <agency.yaml>...
 *                                            `govcloud synth --watch`: a session (policy gate on)
 *                                            synthesizes into <outdir>, then each agency file in
 *                                            turn gets one more CPU of quota and is synthesized
 *                                            again; prints { firstMs, editsMs, rebuilt, maxRssMiB }
 *   worker.ts command <env.yaml> <outdir>    the whole `govcloud synth` command, policy gate included
 *   worker.ts warm-up                        compiles the code once, before anything is measured
 * Otherwise prints one JSON line: { ms, processMs, maxRssMiB, resources, bytes } (processMs: from
 * the start of the process, start-up included, to the end of the measured work).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stableJson } from "../core/stable-json";
import { loadEstate } from "../engine";
import { run } from "../cli/main";
import { summarize, synthesize, SynthSession } from "../engine";

const REPO_ROOT = path.resolve(__dirname, "..");
const [mode, envFile, outdir, reference] = process.argv.slice(2) as [string, string, string, string | undefined];

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function readDocuments(dir: string): Map<string, unknown> {
  const docs = new Map<string, unknown>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    docs.set(path.relative(dir, full), JSON.parse(fs.readFileSync(full, "utf8")));
  }
  return docs;
}

/** One more CPU in an agency's quota: an edit that changes its tenants and nothing else. */
function addCpu(file: string): void {
  const text = fs.readFileSync(file, "utf8");
  const edited = text.replace(/^( {2}cpu: )(\d+)$/m, (_m, key: string, n: string) => `${key}${Number(n) + 1}`);
  if (edited === text) throw new Error(`${file}: no quota cpu line to edit`);
  fs.writeFileSync(file, edited);
}

if (mode === "warm-up") {
  // Loading this file compiled every module of the synthesis into core/register.cjs's cache, as
  // any earlier govcloud command would have: the measured runs start warm, as a user's do.
  process.exit(0);
}

if (mode === "watch") {
  const agencyFiles = process.argv.slice(5);
  const session = new SynthSession();
  const options = { repoRoot: REPO_ROOT, environment: envFile, out: outdir, policyGate: true };
  let started = performance.now();
  synthesize(options, session);
  const firstMs = performance.now() - started;
  session.warmUp(); // as synth --watch does while it waits for the first change
  const editsMs: number[] = [];
  const rebuilt: number[] = [];
  for (const file of agencyFiles) {
    addCpu(file);
    started = performance.now();
    const result = synthesize(options, session);
    editsMs.push(performance.now() - started);
    rebuilt.push(result.rebuilt.length);
  }
  session.close();
  process.stdout.write(`${JSON.stringify({ firstMs, editsMs, rebuilt, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

let ms: number;
/** From the start of this process (performance.now() counts from it) to the end of the work. */
let processMs: number;
if (mode === "govcloud") {
  const started = performance.now();
  synthesize({ repoRoot: REPO_ROOT, environment: envFile, out: outdir });
  processMs = performance.now();
  ms = processMs - started;
} else if (mode === "command") {
  const started = performance.now();
  const code = run(["synth", "--quiet", "--env", envFile, "--out", outdir]);
  if (code !== 0) throw new Error(`govcloud synth exited with ${String(code)}`);
  processMs = performance.now();
  ms = processMs - started;
} else if (mode === "baseline" && reference !== undefined) {
  // The documents to write are read before the clock starts: the baseline measures what any
  // generator must pay (config, validation, serialization, writing), nothing of how it is built.
  const documents = readDocuments(reference);
  const started = performance.now();
  loadEstate(REPO_ROOT, envFile);
  fs.rmSync(outdir, { recursive: true, force: true });
  for (const [rel, doc] of documents) {
    fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outdir, rel), stableJson(doc));
  }
  processMs = performance.now();
  ms = processMs - started;
} else {
  throw new Error("usage: worker.ts govcloud|command|baseline <env.yaml> <outdir> [<reference-outdir>]");
}

const resources = summarize(outdir).reduce((n, s) => n + s.resources, 0);
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms, processMs, maxRssMiB, resources, bytes: treeBytes(outdir) })}\n`);
