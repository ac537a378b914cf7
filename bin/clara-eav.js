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

// Ctrl-C ends `test --watch` cleanly (the last run's exit code); anything else stops at once.
const controller = new AbortController();
const args = process.argv.slice(2);
const watching = args.includes("--watch") || args.includes("-w");
process.once("SIGINT", () => {
  controller.abort();
  if (!watching) process.exit(130);
});
// `clara-eav run ... | head` closes the pipe early: that is not an error
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
const code = await main(args, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal });
process.exitCode = code;
