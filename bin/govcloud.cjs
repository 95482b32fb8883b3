#!/usr/bin/env node
"use strict";
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
if (args[0] === "synth" && !args.includes("--watch") && !args.includes("--help") && !args.includes("-h")) {
  // The output folder as the command will read it (cli/main.ts: -o/--out, default cdktf.out).
  const at = args.findIndex((a) => a === "-o" || a === "--out");
  const inline = args.find((a) => a.startsWith("--out="));
  const out = inline !== undefined ? inline.slice("--out=".length) : at > 0 && args[at + 1] !== undefined ? args[at + 1] : "cdktf.out";
  require("../engine/start.ts").startPolicyGateThread(out);
}
process.exitCode = require("../cli/main.ts").run(args);
