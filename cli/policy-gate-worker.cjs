"use strict";
// Entry of the policy-gate worker thread: compiles TypeScript on the fly like bin/govcloud.cjs (bin/register.cjs).
require("../bin/register.cjs");
require("./policy-gate-worker.ts");
