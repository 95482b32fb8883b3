"use strict";
// Entry of the second thread: compiles TypeScript on the fly like bin/govcloud.cjs (core/register.cjs).
require("../core/register.cjs");
require("./second-thread-worker.ts");
