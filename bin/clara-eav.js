#!/usr/bin/env node
// The clara-eav command. Runs from a fresh clone right after `npm install`, with no build step:
// tsx is registered so that src/cli/main.ts and `.ts` rule modules load directly. A built package
// (dist/cli/main.js present) runs the compiled JavaScript instead.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/cli/main.js", import.meta.url);
let main;
if (existsSync(fileURLToPath(built))) {
  ({ main } = await import(built.href));
  // rule modules written in TypeScript still need tsx
  const { register } = await import("tsx/esm/api");
  register();
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(new URL("../src/cli/main.ts", import.meta.url).href));
}

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal });
process.exitCode = code;
