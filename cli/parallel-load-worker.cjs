"use strict";
// Entry of the agency-file loading thread: compiles TypeScript on the fly like bin/govcloud.cjs (bin/register.cjs).
require("../bin/register.cjs");
require("./parallel-load-worker.ts");
