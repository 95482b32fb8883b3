"use strict";
// Entry of the policy-gate worker thread: compiles TypeScript on the fly like bin/govcloud.cjs (core/register.cjs).
require("../core/register.cjs");
require("./policy-gate-worker.ts");
