// Shared by the DSL tests.
import { isEavError } from "../../src/errors.js";
import type { ProductionSpec } from "../../src/rules/spec.js";

/** Host functions the golden files call (their bodies do not matter to the parser). */
export const GOLDEN_FUNCTIONS = { "pos-ish": (x: number) => x > 0, "cond-ish": (t: number) => (t > 100 ? "big" : "small") };

/** The code of the EavError `f` throws, or undefined when it does not throw. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isEavError(e) ? e.code : `not an EavError: ${String(e)}`;
  }
  return undefined;
}

/** The EavError `f` throws (fails when it throws something else or nothing). */
export function errorOf(f: () => unknown): { code: string; data: Readonly<Record<string, unknown>>; message: string } {
  try {
    f();
  } catch (e) {
    if (isEavError(e)) return { code: e.code, data: e.data, message: e.message };
    throw e;
  }
  throw new Error("expected an error");
}

/** Specs without their `source` (which differs between a file and a template). */
export function withoutSource(specs: readonly ProductionSpec[]): unknown[] {
  return specs.map(({ source: _s, ...rest }) => rest);
}
