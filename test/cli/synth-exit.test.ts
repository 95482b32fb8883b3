/**
 * How `govcloud synth` ends, run as users run it (bin/govcloud.cjs in a new process): a synthesis
 * that finished exits at once (no heap teardown), with its whole report written and its exit
 * code kept; a watch session, however its flag is spelled, keeps running.
 */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { finishedOneSynthesis, run } from "../../cli/main";
import { copyEnvironment } from "../support/estate-copy";
import { REPO_ROOT, tempDir } from "../support/synth";

const BIN = path.join(REPO_ROOT, "bin", "govcloud.cjs");
const root = tempDir();
/** A copy of dev, whose output folders inside the copy are deployable (local state). */
const project = path.join(root, "project");
const env = copyEnvironment(project, "dev");

describe("the end of govcloud synth", () => {
  it("exits at once with its whole report and exit code when it finished", () => {
    const done = spawnSync(process.execPath, [BIN, "synth", "--env", env, "--out", path.join(project, "out")], { cwd: project, encoding: "utf8" });
    expect(done.status, done.stderr).toBe(0);
    // The report's last line (the stack list's total) made it through the pipe.
    expect(done.stdout).toMatch(/^ {2}total +\d+ resources$/m);
    const failed = spawnSync(process.execPath, [BIN, "synth", "--env", "no-such-environment", "--out", path.join(project, "failed")], { cwd: project, encoding: "utf8" });
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain("no-such-environment");
  });

  it("is told only by a synthesis that finished, never by one that failed or by another command", () => {
    expect(run(["synth", "--env", "no-such-environment", "--out", path.join(root, "never"), "--quiet"])).toBe(2);
    expect(finishedOneSynthesis()).toBe(false);
    expect(run(["--version"])).toBe(0);
    expect(finishedOneSynthesis()).toBe(false);
  });

  it.each([["-w"], ["-qw"], ["--watch"]])("keeps a watch session running (%s)", async (flag) => {
    const child = spawn(process.execPath, [BIN, "synth", flag, "--env", env, "--out", path.join(project, `watch${flag}`)], { cwd: project });
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const synthesized = new Promise<void>((resolve) => {
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (/watching for changes/.test(output)) resolve();
        // A failed first run is watched too: the session must have synthesized.
        if (/synthesis failed|:\d+:\d+: /.test(output)) resolve();
      };
      child.stdout.on("data", seen);
      child.stderr.on("data", seen);
    });
    try {
      // The first synthesis is done, and the session goes on watching.
      await Promise.race([synthesized, exited.then((code) => Promise.reject(new Error(`exited with ${code}:\n${output}`)))]);
      const stillRunning = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300))]);
      expect(stillRunning, output).toBe(true);
      expect(output).not.toMatch(/synthesis failed|:\d+:\d+: /);
    } finally {
      child.kill("SIGINT");
      await exited;
    }
  });
});
