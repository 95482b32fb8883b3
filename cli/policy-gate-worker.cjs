"use strict";
// Entry of the policy-gate worker thread: compiles TypeScript on the fly like bin/govcloud.cjs.
require("tsx/cjs/api").register();
require("./policy-gate-worker.ts");
