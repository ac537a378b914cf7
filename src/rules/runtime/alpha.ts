/**
 * Alpha nodes: facts of one type that pass a pattern's constant tests (and equal fields where one
 * variable occurs twice). They hold no memory: each successor indexes what it needs.
 */
import { equals } from "../expr.js";
import type { FieldOf } from "../accumulators.js";
import type { BetaNode } from "./nodes.js";

/** A compiled alpha node. */
export class AlphaNode {
  /** Nodes fed by this alpha node, in creation order (set while compiling). */
  readonly successors: BetaNode[] = [];
  /**
   * No tests and no equalities: every fact of the type passes. A join reading working memory then
   * skips `matches`, which would read the fact itself, often its only read of it (a cache miss on
   * a big memory, issue 7).
   */
  readonly passesAll: boolean;
  constructor(
    readonly id: number,
    readonly type: string,
    readonly tests: readonly (readonly [field: string, value: unknown])[],
    readonly equalities: readonly (readonly [string, string])[],
  ) {
    this.passesAll = tests.length === 0 && equalities.length === 0;
  }
  /** True when `fact` passes the tests. Reads only. */
  matches(fact: unknown, fieldOf: FieldOf): boolean {
    for (const [f, v] of this.tests) if (!equals(fieldOf(fact, f), v)) return false;
    for (const [f, g] of this.equalities) if (!equals(fieldOf(fact, f), fieldOf(fact, g))) return false;
    return true;
  }
}
