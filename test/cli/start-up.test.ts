/**
 * What a command loads before it runs: the CLI's modules load the synthesis code (cdktf, the
 * provider bindings, the stacks) only when a command synthesizes. `--help`, `check` of a plan,
 * `plan-report` and every spawn in a CI pipeline job start without it.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/synth";

/** The packages whose code (not only a package.json) loading cli/main.ts pulls in, in a fresh process. */
function packagesLoadedByTheCli(): string[] {
  const script = [
    "require('./core/register.cjs');",
    "require('./cli/main.ts');",
    "const names = Object.keys(require.cache).filter((f) => f.includes('/node_modules/') && !f.endsWith('.json')).map((f) => f.split('/node_modules/').pop().split('/').slice(0, f.split('/node_modules/').pop().startsWith('@') ? 2 : 1).join('/'));",
    "process.stdout.write(JSON.stringify([...new Set(names)].sort()));",
  ].join("\n");
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" })) as string[];
}

describe("the CLI's start-up", () => {
  it("loads no synthesis code: cdktf, constructs and the provider bindings wait for a command that synthesizes", () => {
    const loaded = packagesLoadedByTheCli();
    expect(loaded).toContain("commander");
    expect(loaded.filter((name) => name === "cdktf" || name === "constructs" || name.startsWith("@cdktf/"))).toEqual([]);
  });
});
