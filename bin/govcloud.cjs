#!/bin/sh
":" //; n=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2); exec node --v8-pool-size=$((n > 5 ? 4 : n > 3 ? n - 2 : 1)) $([ "$n" -gt 3 ] 2>/dev/null || echo --interrupt-budget=270336) "$0" "$@"
"use strict";
// The line above is for the shell (Node.js reads a string and a comment): it starts Node.js with
// V8's worker pool sized to the cores left over by govcloud's two busy threads (the main thread,
// the policy gate's), at least one and at most Node's own four. The pool runs the garbage
// collectors' helpers and background compilation; on two cores, Node's four threads only took
// turns with the two busy ones (docs/engine.md). A pool size can only be set when Node.js starts.
// Where no core is left over (three or fewer), V8 also waits four times as long as by default
// (67,584 in Node.js 20) before it optimizes a function: on two cores, its optimizing compiler
// took 2.4 s of CPU in a cold synthesis of the 3,400-agency estate, and 1.5 s with this option,
// CPU the two busy threads wait for (docs/engine.md).
// Runs the TypeScript CLI directly (no build step): core/register.cjs compiles on the fly and caches.
// No telemetry: cdktf and Terraform check for updates unless this is set.
process.env.CHECKPOINT_DISABLE = process.env.CHECKPOINT_DISABLE || "1";
require("../core/register.cjs");
// A reader that stops early (`govcloud synth | head`) is no error: the command's work is done and
// its exit code stands; nothing more reaches that reader.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}
// `govcloud synth` starts its policy gate's thread before the CLI loads, so that the thread's own
// loading (the packs, the synthesis code) overlaps with the CLI's (engine/start.ts).
const args = process.argv.slice(2);
// `--watch`, or `w` among short flags (`-w`, `-qw`); a false alarm only costs the early start.
const mayWatch = args.some((a) => a === "--watch" || a.startsWith("--watch=") || /^-[^-]*w/.test(a));
if (args[0] === "synth" && !mayWatch && !args.includes("--help") && !args.includes("-h")) {
  // The output folder as the command will read it (cli/main.ts: -o/--out, default cdktf.out).
  const at = args.findIndex((a) => a === "-o" || a === "--out");
  const inline = args.find((a) => a.startsWith("--out="));
  const out = inline !== undefined ? inline.slice("--out=".length) : at > 0 && args[at + 1] !== undefined ? args[at + 1] : "cdktf.out";
  require("../engine/start.ts").startPolicyGateThread(out);
}
const cli = require("../cli/main.ts");
process.exitCode = cli.run(args);
// A synthesis that has finished has nothing left to run (its gate's thread is stopped): exit now
// rather than tear the heap down at the end of the event loop: 20-35 ms of a re-synthesis
// (medians of alternated runs, docs/tenant-stacks.md).
// Only once what it printed is written (stdout and stderr are synchronous on Linux).
if (cli.finishedOneSynthesis() && process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
