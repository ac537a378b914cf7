/**
 * The environment an expression of a rule (a test, a salience, an action's body) runs in: the
 * variables of one match, read from its token chain on demand.
 *
 * A class, not an object of closures: a test runs once per token reaching it, and a closure per
 * evaluation cost an allocation (and, under tsx's keepNames, a defineProperty) each time.
 */
import { EavError } from "../../errors.js";
import type { EvalEnv } from "../expr.js";
import type { HostFunction } from "../spec.js";
import type { Token } from "./memory.js";
import type { VarLoc } from "./nodes.js";

/** Effects by name, as an action's expressions call them. */
export type Effects = Readonly<Record<string, (arg: unknown) => void>>;

/** How a variable's value is read from a token (the fire in progress). */
export interface VarReader {
  valueAt(t: Token, level: number, loc: VarLoc): unknown;
}

/**
 * The variables in `scope` of the match ending at token `t` (at `level`), and the host functions.
 * Reads only; `lookup` throws `rules/unbound-variable` for a name not in scope.
 * @example new MatchEnv(fire, t, 2, scope, {}).lookup("?total") // the value bound to ?total
 */
export class MatchEnv implements EvalEnv {
  constructor(
    private readonly reader: VarReader,
    private readonly t: Token,
    private readonly level: number,
    private readonly scope: readonly VarLoc[],
    readonly functions: Readonly<Record<string, HostFunction>>,
  ) {}

  lookup(name: string): unknown {
    const scope = this.scope;
    for (let i = 0; i < scope.length; i++) {
      const l = scope[i] as VarLoc;
      if (l.name === name) return this.reader.valueAt(this.t, this.level, l);
    }
    throw new EavError("rules/unbound-variable", `${name} is not bound here`, { variable: name });
  }
}

/**
 * A {@link MatchEnv} with an action's effects. Reads only (the effects change what they change).
 * @example new ActionEnv(fire, t, 2, scope, {}, { "insert!": (f) => buffer.push(f) })
 */
export class ActionEnv extends MatchEnv {
  constructor(reader: VarReader, t: Token, level: number, scope: readonly VarLoc[], functions: Readonly<Record<string, HostFunction>>, readonly effects: Effects) {
    super(reader, t, level, scope, functions);
  }
}

/**
 * The effects an action body sees: the engine's own, overridden by a session context's `extra`.
 * Returns `extra` itself when it overrides every engine effect (the EAV session's does), else a
 * merged copy: spreading both per firing was a measured share of Manners' firing cost. Reads only.
 * @example withEffects({ "insert!": f }, { "insert!": g, "upsert!": h }) // the second object
 */
export function withEffects(own: Effects, extra: Effects | undefined): Effects {
  if (extra === undefined) return own;
  for (const k in own) if (!Object.prototype.hasOwnProperty.call(extra, k)) return { ...own, ...extra };
  return extra;
}
