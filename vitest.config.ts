import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Every core: the default leaves one idle, half the machine on two cores.
    maxWorkers: availableParallelism(),
    // A worker runs file after file, importing the Pulumi SDKs once rather than per file (most of the
    // suite's time). Captures stay apart all the same: each sets up its own mock runtime and config, as
    // the plan does when it runs every stack in one process. No test mocks a module.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
