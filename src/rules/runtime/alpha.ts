/**
 * Alpha nodes: facts of one type that pass a pattern's constant tests (and equal fields where one
 * variable occurs twice). They hold no memory: each successor indexes what it needs.
 */
import { equals } from "../expr.js";
import type { FieldOf } from "../accumulators.js";
import type { BetaNode } from "./nodes.js";
import type { FactEntry } from "./memory.js";
import { sameKey } from "./keys.js";

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
  /**
   * The pattern's one test is a primitive constant in field `v` (`[?c :customer/tier "gold"]`) and
   * it has no equalities: then, under the default fieldOf, a fact in working memory's index passes
   * exactly when its entry's value key (FactEntry.vkey) is that constant (primitives are their own
   * key), and a join reading working memory tests the entry without reading the fact (issue 7).
   */
  readonly byValueKey: boolean;
  /** The constant of {@link byValueKey}, else undefined. */
  readonly valueKey: unknown;
  constructor(
    readonly id: number,
    readonly type: string,
    readonly tests: readonly (readonly [field: string, value: unknown])[],
    readonly equalities: readonly (readonly [string, string])[],
  ) {
    this.passesAll = tests.length === 0 && equalities.length === 0;
    const only = tests.length === 1 && equalities.length === 0 ? tests[0] : undefined;
    const c = only?.[1];
    this.byValueKey = only !== undefined && only[0] === "v" && (c === null || (typeof c !== "object" && typeof c !== "function" && c !== undefined));
    this.valueKey = this.byValueKey ? c : undefined;
  }
  /**
   * `matches` for a fact whose working-memory entry is `e`: without reading the fact when every
   * fact passes, or when `byValueKey` holds and `eavFields` (the default fieldOf) lets the entry's
   * vkey decide (see above). Reads only.
   */
  passes(e: FactEntry, fact: unknown, fieldOf: FieldOf, eavFields: boolean): boolean {
    if (this.passesAll) return true;
    if (this.byValueKey && eavFields && e.vkey !== undefined) return sameKey(e.vkey, this.valueKey);
    return this.matches(fact, fieldOf);
  }
  /** True when `fact` passes the tests. Reads only. */
  matches(fact: unknown, fieldOf: FieldOf): boolean {
    // indexed loops: no iterator and no destructuring per test (every inserted and retracted fact
    // of the type runs this)
    const tests = this.tests;
    for (let i = 0; i < tests.length; i++) {
      const t = tests[i] as readonly [string, unknown];
      if (!equals(fieldOf(fact, t[0]), t[1])) return false;
    }
    const eqs = this.equalities;
    for (let i = 0; i < eqs.length; i++) {
      const q = eqs[i] as readonly [string, string];
      if (!equals(fieldOf(fact, q[0]), fieldOf(fact, q[1]))) return false;
    }
    return true;
  }
}
