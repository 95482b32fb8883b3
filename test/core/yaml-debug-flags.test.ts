/**
 * core/yaml-debug-flags.cjs: the yaml package's parser and composer read their debugging switches
 * (LOG_TOKENS, LOG_STREAM) as they were when the process started, not from the environment for
 * every token; everything else gets the real `process`, and yaml parses the same.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";

const REGISTER = path.join(REPO_ROOT, "core", "register.cjs");
const AGENCY = path.join(REPO_ROOT, "environments", "national", "agencies", "bo-y-te.yaml");

/** Runs `script` in a new Node process, with the CLI's module hooks or without; its stdout. */
function run(script: string, options: { hooks: boolean; env?: Record<string, string>; cwd?: string }): string {
  return execFileSync(process.execPath, [...(options.hooks ? ["-r", REGISTER] : []), "-e", script], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, LOG_TOKENS: "", LOG_STREAM: "", ...options.env },
  });
}

/** Counts the reads of the two switches from the environment while yaml parses the agency file, and prints the value parsed. */
const PARSE_AND_COUNT = [
  "const reads = { LOG_TOKENS: 0, LOG_STREAM: 0 };",
  "const real = process.env;",
  'Object.defineProperty(process, "env", { configurable: true, value: new Proxy(real, { get: (t, k) => { if (k in reads) reads[k]++; return Reflect.get(t, k); } }) });',
  'const value = require("yaml").parse(require("fs").readFileSync(process.argv[1], "utf8"));',
  "console.log(JSON.stringify({ reads, value }));",
].join("\n");

function parseAndCount(hooks: boolean): { reads: Record<string, number>; value: unknown } {
  const output = execFileSync(process.execPath, [...(hooks ? ["-r", REGISTER] : []), "-e", PARSE_AND_COUNT, AGENCY], { cwd: REPO_ROOT, encoding: "utf8" });
  return JSON.parse(output) as { reads: Record<string, number>; value: unknown };
}

describe("core/yaml-debug-flags.cjs", () => {
  it("parses without reading the environment for every token, and parses the same", () => {
    const plain = parseAndCount(false);
    const hooked = parseAndCount(true);
    // The pinned yaml reads them per token and per document: if an upgrade stops, this file can go.
    expect(plain.reads.LOG_TOKENS).toBeGreaterThan(100);
    expect(plain.reads.LOG_STREAM).toBeGreaterThan(0);
    expect(hooked.reads).toEqual({ LOG_TOKENS: 0, LOG_STREAM: 0 });
    expect(hooked.value).toEqual(plain.value);
  });

  it("logs tokens as yaml does when LOG_TOKENS is set before the process starts, and not when it is set later", () => {
    const parse = 'require("yaml").parse("a: 1\\n");';
    expect(run(parse, { hooks: true, env: { LOG_TOKENS: "1" } })).toContain("| <DOC>");
    expect(run(parse, { hooks: false, env: { LOG_TOKENS: "1" } })).toContain("| <DOC>");
    expect(run(`process.env.LOG_TOKENS = "1"; ${parse}`, { hooks: true })).toBe("");
  });

  it("gives the stand-in only to yaml's parser and composer; other modules get the real process", () => {
    // A package laid out as yaml's: its parser, its composer, and its warnings (log.js).
    const dir = tempDir();
    for (const file of ["dist/parse/parser.js", "dist/compose/composer.js", "dist/log.js"]) {
      fs.mkdirSync(path.dirname(path.join(dir, "node_modules", "yaml", file)), { recursive: true });
      fs.writeFileSync(path.join(dir, "node_modules", "yaml", file), 'module.exports = require("process");\n');
    }
    const script = [
      'const real = (m) => require(m) === process;',
      'const env = (m) => JSON.stringify(require(m).env);',
      'console.log(JSON.stringify({ parser: real("yaml/dist/parse/parser.js"), composer: real("yaml/dist/compose/composer.js"), log: real("yaml/dist/log.js"), parserEnv: env("yaml/dist/parse/parser.js") }));',
    ].join("\n");
    expect(JSON.parse(run(script, { hooks: true, cwd: dir, env: { LOG_STREAM: "x" } }))).toEqual({ parser: false, composer: false, log: true, parserEnv: JSON.stringify({ LOG_TOKENS: "", LOG_STREAM: "x" }) });
    expect(JSON.parse(run(script, { hooks: false, cwd: dir }))).toMatchObject({ parser: true, composer: true, log: true });
  });
});
