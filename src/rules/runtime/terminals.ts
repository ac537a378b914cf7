/**
 * The ends of the network: a rule's terminal (complete matches become activations on the agenda)
 * and a query's terminal (complete matches indexed by the query's parameters).
 */
import type { Action, Salience } from "../spec.js";
import { compileExpr, type CompiledExpr } from "../expr.js";
import { type Bucket, bucketAdd, bucketItems, bucketRemove, type Token } from "./memory.js";
import { KeyMap } from "./keymap.js";
import { BetaNode, type Rt, type VarLoc } from "./nodes.js";

/** A rule's terminal. Its tokens are the rule's activations (see engine.ts `activate`). */
export class TerminalNode extends BetaNode {
  /**
   * The action's body and the salience expression compiled once, when the network is built (empty
   * / null when they are functions or a number): `evaluate` paid a cache lookup per evaluation.
   */
  readonly compiledBody: readonly CompiledExpr[];
  readonly compiledSalience: CompiledExpr | null;
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly rule: string,
    /** Index of the rule in load order (shared by the branches of an `or`). */
    readonly production: number,
    readonly action: Action<unknown>,
    readonly salience: Salience,
    readonly noLoop: boolean,
    /** The variables visible to the action, by level. */
    readonly scope: readonly VarLoc[],
  ) {
    super(id, level, usedBy);
    this.compiledBody = action.kind === "fn" ? [] : action.body.map((e) => compileExpr(e));
    this.compiledSalience = typeof salience === "object" && salience.kind === "expr" ? compileExpr(salience.expr) : null;
  }
  createMemory(): null {
    return null;
  }
  leftAdd(rt: Rt, t: Token): void {
    rt.activate(this, t);
  }
  leftRemove(): void {
    // the activation is a child token: the engine cancels or withdraws it when it is removed
  }
}

type QueryMem = KeyMap<Bucket<Token>>;

/** A query's terminal: matches indexed by the values of the query's parameters. */
export class QueryNode extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly query: string,
    /** The parameters' locations, in the order of the query's `params`. */
    readonly params: readonly VarLoc[],
    /** The variables a row holds. */
    readonly scope: readonly VarLoc[],
  ) {
    super(id, level, usedBy);
  }
  createMemory(): QueryMem {
    return new KeyMap();
  }
  leftAdd(rt: Rt, t: Token): void {
    bucketAdd(rt.j, rt.mem[this.id] as QueryMem, rt.leftKey(t, this.level - 1, this.params), t);
  }
  leftRemove(rt: Rt, t: Token): void {
    bucketRemove(rt.j, rt.mem[this.id] as QueryMem, rt.leftKey(t, this.level - 1, this.params), t);
  }
  /** The matching tokens (at level `this.level - 1`) for a parameter key. Reads only. */
  matches(mem: unknown, key: unknown): readonly Token[] {
    return bucketItems((mem as QueryMem).get(key));
  }
}
