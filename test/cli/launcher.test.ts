/**
 * bin/govcloud.cjs's launcher line: run as a program (`npm run synth`, `npx govcloud`), the
 * script is a shell script first, which starts Node.js with V8's worker pool sized to the cores
 * that govcloud's two busy threads leave (at least one thread, at most Node's own four), with
 * V8's optimizing compiler started later where none is left, and passes the arguments and the
 * exit code through unchanged.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";

const BIN = path.join(REPO_ROOT, "bin", "govcloud.cjs");
const dir = tempDir("govcloud-launcher-");
/**
 * Preloaded into the Node.js the launcher starts: prints the options and arguments it was started
 * with, and ends there (the CLI is not what these tests are about, and loading it takes a while).
 */
const preload = path.join(dir, "print-options.cjs");
fs.writeFileSync(preload, 'process.stderr.write(`options: ${JSON.stringify(process.execArgv)}\\nargs: ${JSON.stringify(process.argv.slice(2))}\\n`);\nprocess.exit(0);\n');

/**
 * A folder for PATH with this test's `node`, and an `nproc` that prints `cores`; for "unknown",
 * `nproc` and `getconf` (the launcher's second way to count cores) both fail.
 */
function machineWith(cores: number | "unknown"): string {
  const bin = fs.mkdtempSync(path.join(dir, "bin-"));
  fs.symlinkSync(process.execPath, path.join(bin, "node"));
  fs.writeFileSync(path.join(bin, "nproc"), cores === "unknown" ? "#!/bin/sh\nexit 1\n" : `#!/bin/sh\necho ${cores}\n`, { mode: 0o755 });
  if (cores === "unknown") fs.writeFileSync(path.join(bin, "getconf"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  return bin;
}

/**
 * Runs the launcher as a program on a machine with `cores` (PATH: the folder above, then the
 * shell's tools); with `printOnly`, Node.js prints what it was started with and stops.
 */
function launch(cores: number | "unknown", args: readonly string[], printOnly = true) {
  const result = spawnSync(BIN, [...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: `${machineWith(cores)}:/usr/bin:/bin`, NODE_OPTIONS: printOnly ? `--require=${preload}` : "" },
  });
  const printed = (name: string) => {
    const text = new RegExp(`^${name}: (.*)$`, "m").exec(result.stderr)?.[1];
    return text === undefined ? undefined : (JSON.parse(text) as string[]);
  };
  return { ...result, options: printed("options"), args: printed("args") };
}

describe("the launcher of bin/govcloud.cjs", () => {
  /** Where no core is left over for V8's pool, V8 optimizes functions later: four times its default budget (67,584 in Node.js 20). */
  const LATER = ["four times V8's optimization budget", ["--interrupt-budget=270336"]] as const;
  const DEFAULT = ["V8's own optimization budget", []] as const;
  it.each([
    [1, 1, ...LATER],
    [2, 1, ...LATER],
    [3, 1, ...LATER],
    [4, 2, ...DEFAULT],
    [5, 3, ...DEFAULT],
    [6, 4, ...DEFAULT],
    [16, 4, ...DEFAULT],
    ["unknown", 1, ...LATER],
  ] as const)("on %s cores, starts Node.js with a V8 worker pool of %i and %s", (cores, pool, _budget, options) => {
    const run = launch(cores, ["--version"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.options).toEqual([`--v8-pool-size=${pool}`, ...options]);
  });

  it("passes every argument through as it was given, and the command's exit code back", () => {
    const args = ["synth", "--env", "no such environment", "--out", path.join(dir, "never written"), "", "$HOME", "*", "a\"b"];
    expect(launch(2, args).args).toEqual(args);
    const run = launch(2, args.slice(0, 5), false);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("no environment named 'no such environment'");
    expect(fs.existsSync(path.join(dir, "never written"))).toBe(false);
  });

  it("runs as plain JavaScript when Node.js is given it directly", () => {
    // Run with node directly, the first line is a hashbang and the second an expression statement
    // and a comment; "use strict" stays in the directive prologue after it.
    const source = fs.readFileSync(BIN, "utf8").split("\n");
    expect(source[0]).toBe("#!/bin/sh");
    expect(source[1]).toMatch(/^":" \/\/;/);
    expect(source[2]).toBe('"use strict";');
    const run = spawnSync(process.execPath, [BIN, "--version"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
  });
});
