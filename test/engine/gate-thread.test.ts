/**
 * `govcloud synth` starts its policy gate's thread before the CLI loads (engine/start.ts, called
 * by bin/govcloud.cjs): the start-up entry must load nothing heavy, and the command's gate must
 * take that thread rather than start another.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/synth";
import { startPolicyGateThread } from "../../engine/start";
import { takeGateThread } from "../../engine/gate-thread";
import { PolicyGate } from "../../engine/policy-gate";

describe("the engine's start-up entry", () => {
  it("loads none of the model, the policies, cdktf or their dependencies", () => {
    const script = [
      "require('./core/register.cjs');",
      "const before = new Set(Object.keys(require.cache));",
      "require('./engine/start.ts').startPolicyGateThread('cdktf.out');",
      "const loaded = Object.keys(require.cache).filter((f) => !before.has(f)).map((f) => require('node:path').relative(process.cwd(), f));",
      "process.stdout.write(JSON.stringify(loaded.sort()));",
    ].join("\n");
    // Run twice: a first run may compile files the TypeScript hook has not cached yet, which loads
    // its compiler and its cache writer (core/register.cjs).
    execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" })) as string[];
    // esbuild's package.json: the TypeScript hook reads its version once (core/register.cjs).
    const light = /^(engine\/(start|gate-thread|thread-setting|blocking-worker)\.ts|environments\/diagnostics\.ts|node_modules\/esbuild\/package\.json)$/;
    expect(loaded.filter((f) => !light.test(f))).toEqual([]);
    expect(loaded).toContain("engine/gate-thread.ts");
  });

  it("keeps the thread it starts for the command's policy gate", () => {
    const script = [
      "require('./core/register.cjs');",
      "require('./engine/start.ts').startPolicyGateThread('cdktf.out');",
      "const kept = require('./engine/gate-thread.ts').takeGateThread();",
      "process.stdout.write(String(kept !== undefined));",
      "kept?.close();",
    ].join("\n");
    expect(execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" })).toBe("true");
  });

  it("leaves that thread to the command's gate, and keeps none once the gate closes (the command synthesizes once)", () => {
    startPolicyGateThread("cdktf.out");
    const gate = new PolicyGate();
    expect(takeGateThread()).toBeUndefined();
    gate.close();
    gate.close(); // again: nothing
    expect(takeGateThread()).toBeUndefined();
  });
});
