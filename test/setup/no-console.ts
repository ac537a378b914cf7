// Fails any test during which the library (or the test) writes to the console.
// STYLE.md: observability goes through listeners, never console calls.
import { afterEach, beforeEach, expect } from "vitest";

const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
type Method = (typeof methods)[number];
const originals = new Map<Method, (...args: unknown[]) => void>();
let writes: string[] = [];

beforeEach(() => {
  writes = [];
  for (const m of methods) {
    originals.set(m, console[m]);
    console[m] = (...args: unknown[]) => {
      writes.push(`console.${m}: ${args.map(String).join(" ")}`);
    };
  }
});

afterEach(() => {
  for (const m of methods) {
    const original = originals.get(m);
    if (original) console[m] = original;
  }
  expect(writes, "the test wrote to the console").toEqual([]);
});
