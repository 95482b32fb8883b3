"use strict";
/**
 * The `yaml` package (2.9) reads two debugging switches from the environment as it parses: its
 * parser `process.env.LOG_TOKENS` for every token, its composer `process.env.LOG_STREAM` for
 * every document. A read of `process.env` goes through Node's environment interceptor, 0.13-0.2 µs
 * here: the 3,400 agency files of the bench estate are 816,510 tokens, and parsing all of them
 * with `yaml.parse` took 760-790 ms warm with those reads and 570-600 ms without (docs/engine.md).
 *
 * Those two modules get a `process` of their own whose `env` holds the two switches as they were
 * when govcloud started: setting LOG_TOKENS or LOG_STREAM before a command still makes yaml log
 * as before; changing them while it runs does not. Nothing else of yaml, and nothing else at all,
 * is changed (test/core/yaml-debug-flags.test.ts). Worth reporting upstream: the switches could be
 * read once per parse.
 */
const Module = require("node:module");
const { isFile } = require("./lazy-dependencies.cjs");

/** The files of yaml's CommonJS build that read the switches, each from `require('process')`. */
const READERS = ["yaml/dist/parse/parser.js", "yaml/dist/compose/composer.js"];

const SWITCHES = Object.freeze({ LOG_TOKENS: process.env.LOG_TOKENS, LOG_STREAM: process.env.LOG_STREAM });
/** `process` with an `env` of its own: anything else those modules may use of it, now or after an upgrade, is the real one's. */
const YAML_PROCESS = Object.freeze(Object.create(process, { env: { value: SWITCHES, enumerable: true } }));

function readsSwitches(parent) {
  return READERS.some((reader) => isFile(parent, reader));
}

const load = Module._load;
Module._load = function withYamlSwitches(request, parent, isMain) {
  if ((request === "process" || request === "node:process") && readsSwitches(parent)) return YAML_PROCESS;
  return load.call(this, request, parent, isMain);
};
