/**
 * Imports go one way only (docs/architecture.md):
 *
 *   core -> environments -> estate -> constructs -> stacks -> engine -> cli -> bin
 *
 * A folder may import its own files and the folders before it. `policies` sits beside that line:
 * it may import core, environments and estate (and its own files); only the engine (for the
 * policy gate's worker) and the CLI import it. The synthesis engine is one module: outside
 * engine/, only its entry points are imported, engine/index.ts (and engine/start.ts, what a
 * process starts before its modules load).
 * `core` is the bottom shelf: small modules with no project imports that every layer may use.
 * The model (core, environments, estate) and the policies never load cdktf.
 *
 * There is no exceptions list: an import against the flow fails this test, and the fix is to move
 * the shared piece down (usually into core/) or to pass a callback up, never to list it here.
 * Every kind of import counts: `import`, `import type`, `export ... from`, `require(...)`,
 * `import(...)` (also in `typeof import(...)`), and files loaded by path from `__dirname`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO_ROOT = path.resolve(__dirname, "..");

/** The line, bottom first; each layer may import itself and every layer before it. */
const FLOW = ["core", "environments", "estate", "constructs", "stacks", "engine", "cli", "bin"] as const;
const POLICIES = "policies";
type Layer = (typeof FLOW)[number] | typeof POLICIES;
const LAYERS: readonly Layer[] = [...FLOW, POLICIES];

/** What each layer may import. */
function allowedImports(layer: Layer): ReadonlySet<Layer> {
  if (layer === POLICIES) return new Set<Layer>(["core", "environments", "estate", POLICIES]);
  const below: Layer[] = FLOW.slice(0, FLOW.indexOf(layer) + 1);
  // The engine runs the policy gate, the CLI `govcloud check`: they are the layers that load policies.
  return new Set<Layer>(FLOW.indexOf(layer) >= FLOW.indexOf("engine") ? [...below, POLICIES] : below);
}
const ALLOWED = new Map(LAYERS.map((layer) => [layer, allowedImports(layer)]));

/** Layers that describe and judge the estate without rendering it: no cdktf, no constructs. */
const NO_CDKTF: ReadonlySet<Layer> = new Set(["core", "environments", "estate", POLICIES]);
const CDKTF_PACKAGE = /^(cdktf|cdktf-cli|constructs|@cdktf\/.*)$/;

const SOURCE = /\.(ts|mts|cts|js|cjs|mjs)$/;

function sourceFiles(root: string, layer: Layer): string[] {
  const dir = path.join(root, layer);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The layer a repository path belongs to, or undefined (the root's files, data folders). */
function layerOf(root: string, absolute: string): Layer | undefined {
  const [top] = path.relative(root, absolute).split(path.sep);
  return LAYERS.find((l) => l === top);
}

/** Paths loaded with `path.join(__dirname, "a", "b")` or `path.resolve(__dirname, ...)`. */
const DIRNAME_PATH = /\b(?:join|resolve)\(\s*__dirname((?:\s*,\s*(?:"[^"]*"|'[^']*'))+)/g;

interface Import {
  readonly specifier: string;
  /** Absolute path for a relative specifier or a `__dirname` path, else undefined (a package). */
  readonly target?: string;
}

function importsOf(root: string, file: string): Import[] {
  const text = fs.readFileSync(file, "utf8");
  const dir = path.dirname(file);
  const found: Import[] = ts.preProcessFile(text, true, true).importedFiles.map(({ fileName }) =>
    /^\.\.?(\/|$)/.test(fileName) ? { specifier: fileName, target: path.resolve(dir, fileName) } : { specifier: fileName },
  );
  for (const match of text.matchAll(DIRNAME_PATH)) {
    const parts = [...(match[1] as string).matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => (m[1] ?? m[2]) as string);
    const target = path.resolve(dir, ...parts);
    // Data folders (schemas/, ../shared) and the root are not code: only code layers count here.
    if (layerOf(root, target) !== undefined) found.push({ specifier: `__dirname/${parts.join("/")}`, target });
  }
  return found;
}

const ENGINE = "engine";

/**
 * Whether a path names one of the engine's two entry points: `engine`, `engine/index` or
 * `engine/index.ts` (everything commands use), and `engine/start.ts` (what a process starts before
 * its modules load: bin/govcloud.cjs).
 */
function isEngineInterface(root: string, target: string): boolean {
  const relative = path.relative(path.join(root, ENGINE), target).replace(/\.ts$/, "");
  return relative === "" || relative === "index" || relative === "start";
}

/** Every import against the flow, as `file: specifier (from -> to)`. */
function violations(root: string): string[] {
  const out: string[] = [];
  for (const layer of LAYERS) {
    for (const file of sourceFiles(root, layer)) {
      const shown = path.relative(root, file);
      for (const { specifier, target } of importsOf(root, file)) {
        if (target === undefined) {
          if (NO_CDKTF.has(layer) && CDKTF_PACKAGE.test(specifier)) out.push(`${shown}: ${specifier} (${layer} never loads cdktf)`);
          continue;
        }
        if (path.relative(root, target).startsWith("..")) {
          out.push(`${shown}: ${specifier} (outside the repository)`);
          continue;
        }
        const to = layerOf(root, target);
        // The root's own files (package.json) are read by the command line only.
        if (to === undefined) {
          if (layer !== "cli" && layer !== "bin") out.push(`${shown}: ${specifier} (${layer} -> the repository root)`);
          continue;
        }
        if (!ALLOWED.get(layer)?.has(to)) out.push(`${shown}: ${specifier} (${layer} -> ${to})`);
        else if (to === ENGINE && layer !== ENGINE && !isEngineInterface(root, target)) out.push(`${shown}: ${specifier} (outside engine/, only engine/index.ts)`);
      }
    }
  }
  return out;
}

describe("import direction", () => {
  it("every import goes down the flow, with no exceptions", () => {
    expect(violations(REPO_ROOT)).toEqual([]);
  });

  it("sees every kind of import, so that it can fail", () => {
    // A repository of one estate file that imports against the flow in every way there is.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-import-direction-"));
    const file = path.join(root, "estate", "sub", "probe.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(
        file,
        [
          'import { a } from "../../constructs/a";',
          'import type { B } from "../../stacks/b";',
          'export * from "../../cli/c";',
          'const d = require("../../policies/d");',
          'type E = typeof import("../../cli/e");',
          'const f = path.join(__dirname, "..", "..", "cli", "f");',
          'import { App } from "cdktf";',
          '// import { g } from "../../cli/comment";',
          "",
        ].join("\n"),
      );
      const shown = path.relative(root, file);
      expect(violations(root)).toEqual([
        `${shown}: ../../constructs/a (estate -> constructs)`,
        `${shown}: ../../stacks/b (estate -> stacks)`,
        `${shown}: ../../cli/c (estate -> cli)`,
        `${shown}: ../../policies/d (estate -> policies)`,
        `${shown}: ../../cli/e (estate -> cli)`,
        `${shown}: cdktf (estate never loads cdktf)`,
        `${shown}: __dirname/../../cli/f (estate -> cli)`,
      ]);
      // The CLI may import the engine, through its interface only.
      fs.rmSync(file);
      const command = path.join(root, "cli", "probe.ts");
      fs.mkdirSync(path.dirname(command), { recursive: true });
      fs.writeFileSync(
        command,
        [
          'import { synthesize } from "../engine";',
          'import type { SynthOptions } from "../engine/index";',
          'const e = path.join(__dirname, "..", "engine", "index");',
          'import { SynthSession } from "../engine/synth";',
          'const g = path.join(__dirname, "..", "engine", "policy-gate-worker.cjs");',
          "",
        ].join("\n"),
      );
      const cli = path.relative(root, command);
      expect(violations(root)).toEqual([
        `${cli}: ../engine/synth (outside engine/, only engine/index.ts)`,
        `${cli}: __dirname/../engine/policy-gate-worker.cjs (outside engine/, only engine/index.ts)`,
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("lets each layer import the ones below it, and policies only the model", () => {
    expect(Object.fromEntries(LAYERS.map((l) => [l, [...(ALLOWED.get(l) ?? [])].sort()]))).toEqual({
      core: ["core"],
      environments: ["core", "environments"],
      estate: ["core", "environments", "estate"],
      constructs: ["constructs", "core", "environments", "estate"],
      stacks: ["constructs", "core", "environments", "estate", "stacks"],
      engine: ["constructs", "core", "engine", "environments", "estate", "policies", "stacks"],
      cli: ["cli", "constructs", "core", "engine", "environments", "estate", "policies", "stacks"],
      bin: ["bin", "cli", "constructs", "core", "engine", "environments", "estate", "policies", "stacks"],
      policies: ["core", "environments", "estate", "policies"],
    });
  });
});
