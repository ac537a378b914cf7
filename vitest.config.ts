import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup/no-console.ts"],
    // `npm test` adds --typecheck (tests are type-checked in CI and by the README's command);
    // focused runs (`npx vitest run test/x`) skip it to stay fast.
    typecheck: { tsconfig: "./tsconfig.json", include: ["test/**/*.test.ts"] },
    testTimeout: 30_000,
    // forced GCs for the tests of the benchmark's memory figures (test/bench), as the runner's cells
    execArgv: ["--expose-gc"],
    // the JSON report lets .ci/run print the plain "N passed, N failed" closing line
    reporters: ["default", ["json", { outputFile: ".vitest/results.json" }]],
  },
});
