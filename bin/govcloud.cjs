#!/usr/bin/env node
"use strict";
// Runs the TypeScript CLI directly (no build step): core/register.cjs compiles on the fly and caches.
// No telemetry: cdktf and Terraform check for updates unless this is set.
process.env.CHECKPOINT_DISABLE = process.env.CHECKPOINT_DISABLE || "1";
require("../core/register.cjs");
process.exitCode = require("../cli/main.ts").run(process.argv.slice(2));
