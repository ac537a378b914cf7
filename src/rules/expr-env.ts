/**
 * What a running expression sees (its environment), and the call steps shared by the interpreter
 * (`expr-interpret.ts`) and the compiled form (`expr-compile.ts`): calling a host function,
 * finding an effect, describing an arity. Nothing here changes anything by itself.
 */
import { EavError } from "../errors.js";
import type { HostFunction } from "./spec.js";
import { BUILTIN_SIGNATURES } from "./signatures.js";
import { evalError } from "./expr-values.js";

/** What an expression can see while it runs. */
export interface EvalEnv {
  /** The value of a rule variable, by its name WITH `?` (`"?total"`). */
  lookup(name: string): unknown;
  /** Host-registered functions by name. */
  readonly functions: Readonly<Record<string, HostFunction>>;
  /** Effects (`insert!`, `upsert!`, `retract!`, `transact!`, ...), supplied by an action's context only. */
  readonly effects?: Readonly<Record<string, (arg: unknown) => void>>;
}

/** Any function, as host functions are called. */
export type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Calls a host function with evaluated arguments. Its own exception becomes `rules/eval-error`
 * naming it, the arguments and the cause; an EavError passes through. Changes what `f` changes.
 * @example callHost("double", (x) => (x as number) * 2, [2]) // 4
 */
export function callHost(name: string, f: AnyFunction, args: unknown[]): unknown {
  try {
    return f(...args);
  } catch (cause) {
    if (cause instanceof EavError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw evalError(name, args, `host function failed: ${reason}`, cause);
  }
}

/**
 * The effect `fn` of `env`, or the error of its absence: `rules/eval-error` for a known action used
 * outside a right-hand side (where there are no effects), `rules/unknown-function` otherwise.
 * Reads only.
 * @example effectOf("insert!", { lookup: () => null, functions: {}, effects: { "insert!": f } }) // f
 */
export function effectOf(fn: string, env: EvalEnv): (arg: unknown) => void {
  const effect = env.effects !== undefined && Object.prototype.hasOwnProperty.call(env.effects, fn) ? env.effects[fn] : undefined;
  if (effect !== undefined) return effect;
  const known = BUILTIN_SIGNATURES[fn]?.effect === true;
  throw new EavError(
    known ? "rules/eval-error" : "rules/unknown-function",
    known ? `${fn} is an action: it is only allowed in a rule's right-hand side` : `unknown action ${fn}`,
    { fn },
  );
}

/**
 * The message of a wrong argument count: `inc takes 1 argument, given 0`. Effects not in the
 * signatures take one argument.
 * @example arityText("subs", 4) // "subs takes 2 to 3 arguments, given 4"
 */
export function arityText(fn: string, n: number): string {
  const sig = BUILTIN_SIGNATURES[fn];
  const min = sig?.min ?? 1;
  const max = sig === undefined ? 1 : sig.max;
  const expected = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  return `${fn} takes ${expected} argument${expected === "1" ? "" : "s"}, given ${n}`;
}

/** The error of a call to a name that is neither built-in, nor an effect, nor a host function. */
export function unknownFunction(fn: string): EavError<"rules/unknown-function"> {
  return new EavError("rules/unknown-function", `unknown function ${fn}`, { fn });
}
