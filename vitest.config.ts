// Test runner configuration: one run covers unit, integration (real HTTP, real databases) and end-to-end tests.
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // type-graphql loads graphql's CommonJS build; the tests must share that one module instance.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
