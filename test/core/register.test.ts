/**
 * core/register.cjs, how the CLI and its worker threads run our TypeScript: a relative import
 * means the `.ts` file, as for the type checker, and an edited file is never served stale from
 * the compile cache.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";

const REGISTER = path.join(REPO_ROOT, "core", "register.cjs");

function run(file: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, ["-r", REGISTER, "-e", `console.log(JSON.stringify(require(${JSON.stringify(file)}).value))`], {
    encoding: "utf8",
    env: { ...withoutDebug(process.env), ...env },
  }).trim();
}

function withoutDebug(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { GOVCLOUD_DEBUG: _debug, ...rest } = env;
  return rest;
}

describe("core/register.cjs", () => {
  it("resolves a relative import to the .ts file before a .json or .js file of the same name", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "main.ts"), 'import { value as inner } from "./data";\nexport const value: string = `main+${inner}`;\n');
    fs.writeFileSync(path.join(dir, "data.ts"), 'export const value: string = "ts";\n');
    fs.writeFileSync(path.join(dir, "data.json"), '{ "value": "json" }\n');
    fs.writeFileSync(path.join(dir, "data.js"), 'exports.value = "js";\n');
    expect(run(path.join(dir, "main.ts"))).toBe('"main+ts"');
  });

  it("compiles a file again after every edit, even one that keeps its size and time", () => {
    const dir = tempDir();
    const file = path.join(dir, "edited.ts");
    const stamp = new Date("2026-01-01T00:00:00Z");
    fs.writeFileSync(file, "export const value: number = 1;\n");
    fs.utimesSync(file, stamp, stamp);
    expect(run(file)).toBe("1");
    fs.writeFileSync(file, "export const value: number = 2;\n");
    fs.utimesSync(file, stamp, stamp);
    expect(run(file)).toBe("2");
  });

  it("compiles with our tsconfig: class fields are defined as in ES2022", () => {
    const dir = tempDir();
    const file = path.join(dir, "fields.ts");
    fs.writeFileSync(
      file,
      "class Base { constructor() { (this as any).init(); } init() {} }\nclass Child extends Base { field?: string; override init() { this.field = 'set'; } }\nexport const value = new Child().field ?? 'reset by the field definition';\n",
    );
    expect(run(file)).toBe('"reset by the field definition"');
  });

  it("adds a source map only for GOVCLOUD_DEBUG, and then stack traces show the TypeScript lines", () => {
    const dir = tempDir();
    const file = path.join(dir, "where.ts");
    // A marker of this run, to find its two compiled entries among every other run's.
    const marker = `marker-${process.pid}-${Date.now()}`;
    // The throw is on line 4 of the TypeScript; compiled, the types and blank lines are gone.
    fs.writeFileSync(
      file,
      `interface Unused {\n  readonly a: string;\n}\nfunction where(): string { try { throw new Error("${marker}"); } catch (e) { return String((e as Error).stack); } }\nexport const value: string = where();\n`,
    );
    const line = (stack: string) => /where\.ts:(\d+)/.exec(stack)?.[1];
    expect(line(run(file, { GOVCLOUD_DEBUG: "1" }))).toBe("4");
    expect(line(run(file))).not.toBe("4");
    // Without the flag, what is compiled and cached carries no map: two thirds fewer bytes to read.
    const cache = path.join(REPO_ROOT, "node_modules", ".cache", "govcloud-ts");
    const compiled = fs
      .readdirSync(cache)
      .filter((name) => name.endsWith(".js"))
      .map((name) => fs.readFileSync(path.join(cache, name), "utf8"))
      .filter((code) => code.includes(marker));
    expect(compiled.map((code) => code.includes("sourceMappingURL")).sort()).toEqual([false, true]);
  });
});
