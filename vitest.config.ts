import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup/no-console.ts"],
    typecheck: { enabled: true, tsconfig: "./tsconfig.json", include: ["test/**/*.test.ts"] },
    testTimeout: 30_000,
  },
});
