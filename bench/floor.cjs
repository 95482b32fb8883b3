"use strict";
/**
 * The floor (bench/run.ts), in a Node.js process that loads nothing of govcloud: in one thread,
 * parse the environment and every agency YAML file with the `yaml` package as published, then
 * serialize the reference output's stack documents with JSON.stringify (two-space indentation, as
 * synthesized) and write them. The documents are read before the clock starts. Plain JavaScript,
 * so that no module hook of ours (core/register.cjs) changes what it measures; run.ts also runs it
 * with core/yaml-debug-flags.cjs required first, to show what govcloud's one change to how yaml
 * runs is worth.
 *
 *   node bench/floor.cjs <env.yaml> <outdir> <reference-outdir>
 * Prints one JSON line: { ms }.
 */
const fs = require("node:fs");
const path = require("node:path");
const { performance } = require("node:perf_hooks");
const YAML = require("yaml");

const [envFile, outdir, reference] = process.argv.slice(2);
if (envFile === undefined || outdir === undefined || reference === undefined) throw new Error("usage: floor.cjs <env.yaml> <outdir> <reference-outdir>");

const documents = new Map();
for (const entry of fs.readdirSync(reference, { withFileTypes: true, recursive: true })) {
  if (!entry.isFile()) continue;
  const full = path.join(entry.parentPath, entry.name);
  documents.set(path.relative(reference, full), JSON.parse(fs.readFileSync(full, "utf8")));
}

const started = performance.now();
const agencies = path.join(path.dirname(envFile), path.basename(envFile, path.extname(envFile)), "agencies");
let parsed = [YAML.parse(fs.readFileSync(envFile, "utf8"))];
for (const name of fs.existsSync(agencies) ? fs.readdirSync(agencies).sort() : []) {
  if (name.endsWith(".yaml")) parsed.push(YAML.parse(fs.readFileSync(path.join(agencies, name), "utf8")));
}
if (parsed.length === 0) throw new Error("nothing parsed");
parsed = [];
fs.rmSync(outdir, { recursive: true, force: true });
for (const [rel, doc] of documents) {
  fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
  fs.writeFileSync(path.join(outdir, rel), JSON.stringify(doc, null, 2));
}
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started })}\n`);
