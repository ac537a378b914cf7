#!/usr/bin/env node
// The clara-eav command. Runs from a fresh clone right after `npm install`, with no build step:
// tsx is registered so that src/cli/main.ts and `.ts` rule modules load directly. A published
// package (no src/, only dist/) runs the compiled JavaScript. A clone prefers src/ even after a
// build, so that rule modules importing src/ share the CLI's module graph (one Keyword table).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { register } = await import("tsx/esm/api");
register();
const source = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/cli/main.js", import.meta.url);
const { main } = await import(existsSync(fileURLToPath(source)) ? source.href : built.href);

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
