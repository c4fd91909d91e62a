import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: "@", replacement: path.resolve(import.meta.dirname) },
      // Tests are server code: take the marker's react-server export (an empty
      // module), as Next does for server components, instead of the one that throws.
      { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, "node_modules/server-only/empty.js") },
    ],
  },
  test: {
    include: ["{lib,components,emulator,scripts,test}/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Postgres server and spawn processes; two
    // cores do best with few workers.
    maxWorkers: 2,
    // Files and the tests within them run in a random order (the seed is
    // printed; rerun one with --sequence.seed=N): no test may rely on another's leftovers.
    sequence: { shuffle: { files: true, tests: true } },
  },
});
