"use strict";
// Entry of the synthesis worker thread: compiles TypeScript on the fly like bin/govcloud.cjs.
require("tsx/cjs/api").register();
require("./synth-worker.ts");
