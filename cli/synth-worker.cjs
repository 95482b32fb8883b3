"use strict";
// Entry of the synthesis worker thread: compiles TypeScript on the fly like bin/govcloud.cjs (bin/register.cjs).
require("../bin/register.cjs");
require("./synth-worker.ts");
