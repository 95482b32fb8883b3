"use strict";
// Entry of the second thread: compiles TypeScript on the fly like bin/govcloud.cjs (bin/register.cjs).
require("../bin/register.cjs");
require("./second-thread-worker.ts");
