import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/support/register-typescript.ts", "./test/support/remove-temp-dirs.ts"],
    // Synthesizes every environment once per run, for the tests that only read an output
    // (test/support/synthesized.ts); the run fails if a test writes into those folders.
    globalSetup: ["./test/support/synthesized-once.ts"],
    // Synthesis is CPU-bound; two workers match the 2-core machines we run on.
    pool: "forks",
    maxWorkers: 2,
    // Test files share a worker's module cache: cdktf and the provider bindings load once per
    // worker instead of once per file (imports were two thirds of the run). Tests keep no global state.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test may never reach the network or leave files behind (the persistent cache is off,
    // except in the tests of the cache, which give it a temporary folder).
    env: { CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", GOVCLOUD_CACHE_DIR: "off" },
  },
});
