/**
 * Rule files: `parseRules(text)` (pure) and `loadRules(pathOrText)` (reads a file when given a
 * path). Rule files need no JavaScript: tests and actions are expressions, and the host may
 * register more functions by name.
 */
import { readFileSync } from "node:fs";
import type { HostFunction, ProductionSpec } from "../rules/spec.js";
import { EavError } from "../errors.js";
import { buildProductions } from "./build.js";
import type { BuildContext } from "./expr.js";
import { parseSource } from "./parse.js";

/** Options of {@link parseRules} and {@link loadRules}. */
export interface ParseOptions {
  /** The file name shown in error messages and recorded in each spec's `source`. */
  readonly file?: string;
  /**
   * Host functions callable from expressions, by name. The DSL checks that called names exist;
   * pass the same functions to `compileRules({ functions })`, which runs them. Their arity is not
   * checked here.
   */
  readonly functions?: Readonly<Record<string, HostFunction>>;
}

/**
 * Parses rule text (any number of `(defrule ...)` and `(defquery ...)` forms) into rule data.
 * Pure: nothing is read or changed. Throws `EavError` with a `dsl/...` code and the location.
 * @example
 * const [r] = parseRules(`(defrule done [?e :todo/done true] => (retract! [?e :todo/done true]))`);
 * r.name // "done"
 */
export function parseRules(text: string, options: ParseOptions = {}): ProductionSpec[] {
  const src = { text, template: false, ...(options.file === undefined ? {} : { file: options.file }) };
  const ctx: BuildContext = { src, holes: [], functions: new Set(Object.keys(options.functions ?? {})) };
  return buildProductions(ctx, parseSource(src));
}

/**
 * Loads rules from a file path or from rule text. A string that starts (after whitespace) with
 * `(` or `;`, or spans several lines, is rule text; anything else is a path, read as UTF-8 (and
 * used as `file` in messages unless `options.file` says otherwise). `{ path }` and `{ text }`
 * say which explicitly. Reads the file system; changes nothing.
 * @example loadRules("examples/todos.rules", { functions: { slugify } })
 */
export function loadRules(input: string | { readonly path: string } | { readonly text: string }, options: ParseOptions = {}): ProductionSpec[] {
  const path = typeof input === "string" ? (looksLikeText(input) ? undefined : input) : "path" in input ? input.path : undefined;
  if (path === undefined) return parseRules(typeof input === "string" ? input : "text" in input ? input.text : "", options);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new EavError("dsl/file-not-found", `cannot read rule file ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
  return parseRules(text, { ...options, file: options.file ?? path });
}

function looksLikeText(s: string): boolean {
  return /^\s*[(;]/.test(s) || s.includes("\n") || s.trim() === "";
}
