"use strict";
/**
 * Dependencies of our dependencies that are loaded at start-up but used only on paths govcloud
 * never takes: each is loaded when first used instead.
 * - cdktf requires `archiver` (a zip library, and about 200 modules under it) at the top of
 *   lib/private/fs.js, for Terraform assets, which govcloud does not have: loading cdktf took
 *   155-170 ms with it and 95-100 ms without. Every thread that synthesizes loads cdktf.
 * - zod loads the messages of its 40 languages (`z.locales`); it sets its English ones from
 *   locales/en.cjs, which stays as it is: loading zod took 70-95 ms with them and 45-60 ms without.
 *   Every thread that validates, or loads the workload catalog, loads zod.
 *
 * The stand-in loads the real module on its first call or property read and forwards to it, so
 * a path that does use it behaves as before (test/core/lazy-dependencies.test.ts).
 */
const Module = require("node:module");
const path = require("node:path");

/**
 * Each `require(request)` deferred when made by `from` (a file under node_modules, `/`-separated).
 * `esModule`: the module is compiled from an ES module, which its requirer checks before using it
 * (`__esModule`), and the stand-in answers that without loading it.
 */
const DEFERRED = [
  { request: "archiver", from: "cdktf/lib/private/fs.js" },
  { request: "../locales/index.cjs", from: "zod/v4/core/index.cjs", esModule: true },
  { request: "../locales/index.cjs", from: "zod/v4/classic/external.cjs", esModule: true },
];

/** Whether `parent` is `file` of a package in node_modules. */
function isFile(parent, file) {
  const name = parent?.filename;
  return typeof name === "string" && name.split(path.sep).join("/").endsWith(`/node_modules/${file}`);
}

/** A function that stands for the module `load()` returns, loading it when first used. */
function standIn(load, esModule) {
  let real;
  const module = () => (real ??= load());
  return new Proxy(function deferredModule() {}, {
    apply: (_target, thisArg, args) => Reflect.apply(module(), thisArg, args),
    construct: (_target, args) => Reflect.construct(module(), args),
    get: (_target, property) => (esModule && property === "__esModule" ? true : Reflect.get(module(), property)),
    has: (_target, property) => Reflect.has(module(), property),
  });
}

const load = Module._load;
Module._load = function loadDeferred(request, parent, isMain) {
  const deferred = DEFERRED.find((d) => d.request === request && isFile(parent, d.from));
  if (deferred !== undefined) return standIn(() => load.call(this, request, parent, isMain), deferred.esModule === true);
  return load.call(this, request, parent, isMain);
};

module.exports = { isFile };
