import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Generous: CI machines are shared and slow; a test that hangs still fails, just later.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
