/**
 * Loads our engine's modules for the benchmark entries. The session and the rule engine are
 * imported dynamically so that the runner, the harness and every peer keep working while those
 * modules are being written: a module that is not there yet makes our entries report "not
 * available yet" (never a pass); any other failure to load is an error.
 *
 * The types are the real ones (type-only imports, erased at run time, so nothing is loaded
 * statically and the peers run whatever state our modules are in).
 */
import type { compileRules, newRuleSession } from "../../src/rules/index.js";
import type { createSession } from "../../src/session/index.js";
import { Unavailable } from "../harness.js";

/** src/session's entry: the real types (a type-only import, erased at run time). */
export interface SessionModule {
  readonly createSession: typeof createSession;
}

/** src/rules' entry: the real types (a type-only import, erased at run time). */
export interface RulesModule {
  readonly compileRules: typeof compileRules;
  readonly newRuleSession: typeof newRuleSession;
}

function isModuleNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

async function importOurs<T>(path: string, what: string, check: (m: Record<string, unknown>) => boolean): Promise<T> {
  let m: Record<string, unknown>;
  try {
    // A computed specifier: the type checker must not require the module to exist yet.
    m = (await import(path)) as Record<string, unknown>;
  } catch (e) {
    if (isModuleNotFound(e)) throw new Unavailable(`${what} is not available yet (${(e as Error).message.split("\n")[0]})`);
    throw e;
  }
  if (!check(m)) throw new Unavailable(`${what} does not export the API the benchmark uses yet`);
  return m as T;
}

const SESSION_ENTRY = new URL("../../src/session/index.js", import.meta.url).href;
const RULES_ENTRY = new URL("../../src/rules/index.js", import.meta.url).href;

/**
 * src/session, or throws `Unavailable` when it has not landed. Imports the module; changes nothing.
 * @example const { createSession } = await sessionModule();
 */
export function sessionModule(): Promise<SessionModule> {
  return importOurs<SessionModule>(SESSION_ENTRY, "src/session", (m) => typeof m.createSession === "function");
}

/**
 * src/rules, or throws `Unavailable` when it has not landed. Imports the module; changes nothing.
 * @example const { compileRules, newRuleSession } = await rulesModule();
 */
export function rulesModule(): Promise<RulesModule> {
  return importOurs<RulesModule>(RULES_ENTRY, "src/rules", (m) => typeof m.compileRules === "function" && typeof m.newRuleSession === "function");
}
