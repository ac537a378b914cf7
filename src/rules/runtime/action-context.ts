/**
 * What an action runs against: the engine's action context (changes buffered until the action
 * returns) and the error that wraps a failure in user code. Split from engine.ts (the fire loop).
 */
import { EavError, isEavError } from "../../errors.js";
import { formatValue } from "../../eav/value.js";
import type { Bindings, QuerySpec } from "../spec.js";
import type { EngineActionContext } from "./api.js";
import type { Row } from "./query.js";
import { objectArray } from "./arrays.js";
import type { Token } from "./memory.js";
import type { VarLoc } from "./nodes.js";

/** An action's buffered operations: a logical insert, an unconditional insert, a retraction. */
export const LOGICAL = 0;
/** See {@link LOGICAL}. */
export const UNCONDITIONAL = 1;
/** See {@link LOGICAL}. */
export const RETRACT = 2;
/** The kind of a buffered operation. */
export type OpKind = typeof LOGICAL | typeof UNCONDITIONAL | typeof RETRACT;

/** What an action context reads of the fire in progress (working memory as it stands, a match's bindings). */
export interface LiveReader {
  queryNow(q: string | QuerySpec, params: Readonly<Record<string, unknown>> | undefined): Row[];
  factsNow(): unknown[];
  /** The bindings of the variables in `scope` for the match ending at `t` (at `level`): a new object. */
  bindingsOf(t: Token, level: number, scope: readonly VarLoc[]): Bindings;
}

/**
 * The engine's action context. A class, not an object of closures: one small allocation per firing.
 * Changes are buffered (as `kind, facts` pairs) and applied after the action returns, as Clara
 * does, so an action never sees the network half-updated by its own inserts. `ops` is read by the
 * engine after the action; `closed` is set then, and any later use throws `rules/invalid-spec`.
 *
 * The bindings object is made on first read of `bindings` (then kept: every reader gets the same
 * object), from the match's token chain, which never changes. Why: an action body of the DSL reads
 * its variables from the match directly (match-env.ts) and a session's `upsert!` never reads the
 * bindings, yet building them per firing cost a keyed store per variable through a megamorphic
 * inline cache (Builtins_StoreIC; join 100k update, callgrind, issue 7). Tested by
 * test/rules/action-context.test.ts.
 * @example const ctx = new BaseContext(fire, t, 1, scope, "r"); ctx.insert(fact); ctx.ops // [0, fact]
 */
export class BaseContext implements EngineActionContext {
  readonly ops: unknown[] = objectArray();
  closed = false;
  private made: Bindings | null = null;
  constructor(
    private readonly fire: LiveReader,
    /** The match: the token it ends at, that token's level, and the variables to bind. */
    private readonly match: Token,
    private readonly level: number,
    private readonly scope: readonly VarLoc[],
    readonly rule: string,
  ) {}
  /** The activation's bindings, keyed without `?`: made on first read, the same object after. */
  get bindings(): Bindings {
    return (this.made ??= this.fire.bindingsOf(this.match, this.level, this.scope));
  }
  private push(kind: OpKind, facts: unknown): void {
    if (this.closed) throw new EavError("rules/invalid-spec", `rule ${this.rule}: its action context was used after the action returned`, { rule: this.rule });
    this.ops.push(kind, facts);
  }
  insert(facts: unknown): void {
    this.push(LOGICAL, facts);
  }
  insertUnconditional(facts: unknown): void {
    this.push(UNCONDITIONAL, facts);
  }
  retract(facts: unknown): void {
    this.push(RETRACT, facts);
  }
  query(q: string | QuerySpec, params?: Readonly<Record<string, unknown>>): Row[] {
    return this.fire.queryNow(q, params);
  }
  facts(): unknown[] {
    return this.fire.factsNow();
  }
}

/**
 * The `rules/action-failed` error for a failure in user code (`where`: action, test, salience,
 * accumulator, withdrawal); an action-failed or loop-limit error passes through. Nothing changes.
 * @example throw failure("r", { e: 1 }, "test", err)
 */
export function failure(rule: string, bindings: Bindings, where: string, cause: unknown): EavError {
  if (isEavError(cause, "rules/action-failed") || isEavError(cause, "rules/loop-limit")) return cause;
  const why = cause instanceof Error ? cause.message : formatValue(cause);
  return new EavError("rules/action-failed", `rule ${rule} failed in its ${where}: ${why}`, { rule, bindings, where }, { cause });
}
