/**
 * A reader that stops before the command has written everything (`govcloud synth | head`): the
 * command ends with the exit code of its work, quietly, not with a stack trace for EPIPE.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/synth";

/** Runs the CLI with its standard output (and standard error with `both`) read by `true`, which reads nothing. */
function intoClosedPipe(args: string, both = false): { status: string; stderr: string } {
  const result = spawnSync("bash", ["-c", `node bin/govcloud.cjs ${args} ${both ? "2>&1 " : ""}| true; echo "\${PIPESTATUS[0]}"`], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: result.stdout.trim(), stderr: result.stderr };
}

describe("a command whose reader stops early", () => {
  it("exits 0 without a word when it succeeded", () => {
    expect(intoClosedPipe("report kpis --env dev")).toEqual({ status: "0", stderr: "" });
  });

  it("keeps the exit code of a failure", () => {
    expect(intoClosedPipe("validate --env /nonexistent/env.yaml", true)).toEqual({ status: "2", stderr: "" });
  });
});
