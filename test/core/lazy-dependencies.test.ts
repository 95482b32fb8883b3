/**
 * core/lazy-dependencies.cjs: modules that our dependencies require at start-up but govcloud never
 * uses (cdktf's archiver, zod's other languages) are loaded only when used, and then behave as
 * the real modules.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";

const REGISTER = path.join(REPO_ROOT, "core", "register.cjs");

/** Runs `script` in a new Node process with the CLI's module hooks; its stdout, parsed as JSON. */
function runWithHooks(script: string, cwd: string): unknown {
  return JSON.parse(execFileSync(process.execPath, ["-r", REGISTER, "-e", script], { cwd, encoding: "utf8" }));
}

/** Whether any file of the package `name` was loaded (an expression for the child process). */
const loaded = (name: string) => `Object.keys(require.cache).some((f) => f.split(require("path").sep).join("/").includes("/node_modules/${name}/"))`;

describe("core/lazy-dependencies.cjs", () => {
  it("loads cdktf, the provider bindings and our stacks without archiver", () => {
    const result = runWithHooks(
      `require("cdktf"); require("./stacks/govcloud-app"); console.log(JSON.stringify({ cdktf: ${loaded("cdktf")}, archiver: ${loaded("archiver")} }))`,
      REPO_ROOT,
    );
    expect(result).toEqual({ cdktf: true, archiver: false });
  });

  it("loads zod with its English messages only, and the other languages when asked for", () => {
    const result = runWithHooks(
      [
        'const { z } = require("zod");',
        'const files = () => Object.keys(require.cache).filter((f) => f.split(require("path").sep).join("/").includes("/zod/v4/locales/")).map((f) => require("path").basename(f));',
        "const before = files();",
        "const english = z.string().safeParse(1).error.issues[0].message;",
        "z.config(z.locales.fr());",
        "const french = z.string().safeParse(1).error.issues[0].message;",
        'console.log(JSON.stringify({ before, english, french, loaded: files().includes("index.cjs") }));',
      ].join("\n"),
      REPO_ROOT,
    );
    expect(result).toEqual({ before: ["en.cjs"], english: "Invalid input: expected string, received number", french: expect.stringMatching(/^Entrée invalide/), loaded: true });
  });

  it("loads the deferred module on first use, and forwards calls and properties to it", () => {
    // A package laid out as cdktf's, requiring a stand-in archiver that records how it is used.
    const dir = tempDir();
    const file = (relative: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      fs.writeFileSync(path.join(dir, relative), text);
    };
    file("node_modules/archiver/index.js", 'module.exports = function archiver(format, options) { return { format, level: options.zlib.level }; };\nmodule.exports.version = "7-test";\n');
    file("node_modules/cdktf/lib/private/fs.js", 'const archiver = require("archiver");\nexports.zip = () => archiver("zip", { zlib: { level: 9 } });\nexports.version = () => archiver.version;\n');
    file("node_modules/other/index.js", 'exports.archiver = require("archiver");\n');
    const result = runWithHooks(
      [
        'const fsModule = require("cdktf/lib/private/fs.js");',
        `const before = ${loaded("archiver")};`,
        "const zip = fsModule.zip();",
        `const after = ${loaded("archiver")};`,
        // Any other requirer gets the module itself.
        'const direct = typeof require("other").archiver === "function" && require("other").archiver.version;',
        "console.log(JSON.stringify({ before, zip, after, version: fsModule.version(), direct }));",
      ].join("\n"),
      dir,
    );
    expect(result).toEqual({ before: false, zip: { format: "zip", level: 9 }, after: true, version: "7-test", direct: "7-test" });
  });
});
