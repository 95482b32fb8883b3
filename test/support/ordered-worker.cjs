"use strict";
// A worker for test/engine/blocking-worker.test.ts (core/register.cjs compiles its TypeScript).
require("../../core/register.cjs");
require("./ordered-worker.ts");
