"use strict";
/**
 * Lets Node require govcloud's TypeScript directly, with no build step: a CommonJS hook for
 * `.ts` files that transpiles each one with esbuild (the compiler tsx uses, with the options of
 * our tsconfig.json) and keeps the result in node_modules/.cache/govcloud-ts, keyed by a hash of
 * the source, the file name, the esbuild version and the options. An edited file is compiled
 * again the next time it is loaded; nothing can go stale.
 *
 * Why not tsx's hook: tsx inspects every module Node loads, the thousands in node_modules
 * included, and turns on source maps for all of them. Loading the CLI took 1.6-1.8 s with tsx
 * and 0.8-0.9 s with this hook (docs/tenant-stacks.md), paid by every command. tsx still runs
 * the scripts and the bench driver; vitest compiles the tests itself.
 *
 * Stack traces point into the compiled code, unless GOVCLOUD_DEBUG is set (the only time the
 * CLI shows them): then source maps are on and they point at the TypeScript lines.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "govcloud-ts");

if (process.env.GOVCLOUD_DEBUG) process.setSourceMapsEnabled(true);

let compilerKey;
/** What, besides the source and its name, the compiled code depends on. */
function compilerFingerprint() {
  compilerKey ??= JSON.stringify([require("esbuild/package.json").version, transformOptions("")]);
  return compilerKey;
}

let tsconfig;
function transformOptions(filename) {
  tsconfig ??= JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
  return {
    loader: "ts",
    format: "cjs",
    target: "node20",
    // Only GOVCLOUD_DEBUG shows stack traces, and only it turns source maps on: without it an
    // inline map would be two thirds of every compiled file, read and scanned for nothing.
    ...(process.env.GOVCLOUD_DEBUG ? { sourcemap: "inline" } : {}),
    sourcefile: filename,
    tsconfigRaw: { compilerOptions: tsconfig.compilerOptions },
  };
}

function compile(source, filename) {
  const key = crypto.createHash("sha256").update(compilerFingerprint()).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // Not compiled yet (or the cache is unreadable): compile now.
  }
  // Loaded on a cache miss only: a warm start never loads the compiler.
  const { code } = require("esbuild").transformSync(source, transformOptions(filename));
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Atomic: another govcloud process may read this entry while it is written.
    require("write-file-atomic").sync(cached, code);
  } catch {
    // A read-only checkout still works, compiling on every start.
  }
  return code;
}

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};

// A relative import in TypeScript means the `.ts` file when there is one, as for the type
// checker: `./provider-blocks` is provider-blocks.ts, not the provider-blocks.json beside it
// (Node alone would try .js and .json first).
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTypeScriptFirst(request, parent, ...rest) {
  if (parent?.filename?.endsWith(".ts") && /^\.\.?\//.test(request) && path.extname(request) === "") {
    const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

// And dependencies that govcloud's own paths never use are loaded only if used.
require("./lazy-dependencies.cjs");
// And yaml reads its debugging switches once, not for every token it parses.
require("./yaml-debug-flags.cjs");
