/**
 * Rule sessions: immutable values over a shared, journaled working memory (see runtime/journal.ts
 * for how old values stay valid). `insert`/`retract` only buffer; `fire` applies the buffer and
 * runs the rules to a fixpoint, returning a new session; the receiver is untouched.
 */
import { EavError } from "../errors.js";
import type { Network } from "./plan.js";
import type { QuerySpec } from "./spec.js";
import { runFire } from "./runtime/engine.js";
import { EngineState } from "./runtime/state.js";
import type { EngineActionContext, FireOptions, FireReport, PendingOp } from "./runtime/api.js";
import { advance, Journal, NO_JOURNAL, reroot, StateSnapshot, undoJournal, Version } from "./runtime/journal.js";
import { queryRows, type Row } from "./runtime/query.js";

interface PendingList {
  readonly op: PendingOp;
  readonly prev: PendingList | null;
}

/**
 * An immutable rule session. Every method either reads or returns a new session; a session value
 * never changes, and every earlier value keeps working (firing an old value again gives the same
 * result as the first time).
 */
export class RuleSession {
  /** @internal use {@link newRuleSession}. */
  constructor(
    /** The compiled network this session runs. */
    readonly network: Network,
    private readonly state: EngineState,
    private readonly version: Version,
    private readonly pending: PendingList | null,
    /** What the fire that produced this session did; undefined for a session not produced by `fire`. */
    readonly lastFire: FireReport | undefined,
  ) {}

  /**
   * A session with `facts` buffered for insertion (unconditional) at the next fire. Nothing changes.
   * @example const s2 = s.insert([eav(1, "order/total", 1500)]).fire();
   */
  insert(facts: readonly unknown[]): RuleSession {
    return this.buffer({ kind: "insert", facts: [...facts] });
  }

  /**
   * {@link insert} of an array the caller hands over and never changes again: buffered as it is,
   * without the defensive copy (a session's 500k-fact load kept a second 500k-cell array alive
   * until the fire). Nothing changes.
   * @internal
   */
  insertOwned(facts: readonly unknown[]): RuleSession {
    return this.buffer({ kind: "insert", facts });
  }

  /**
   * A session with `facts` buffered for retraction at the next fire (removed whatever their
   * supports; absent facts are ignored). Nothing changes.
   * @example s.retract([eav(1, "order/total", 1500)]).fire()
   */
  retract(facts: readonly unknown[]): RuleSession {
    return this.buffer({ kind: "retract", facts: [...facts] });
  }

  private buffer(op: PendingOp): RuleSession {
    return new RuleSession(this.network, this.state, this.version, { op, prev: this.pending }, undefined);
  }

  /** True when inserts or retracts are waiting for `fire`. */
  get hasPending(): boolean {
    return this.pending !== null;
  }

  /**
   * Applies the buffered changes and fires rules to a fixpoint. Returns a new session (with
   * `lastFire`); this one is unchanged. Throws `rules/action-failed` (a test, accumulator, salience
   * or action threw; `data.rule`, `data.bindings`, `cause`) or `rules/loop-limit`; then nothing
   * changed.
   * @example const s2 = s.insert(facts).fire({ maxFirings: 10_000 }); s2.lastFire?.total
   */
  fire<C = EngineActionContext>(options: FireOptions<C> = {}): RuleSession {
    const st = this.enter();
    if (st.busy) {
      // an action firing a session of the chain it is running in would see half-applied memories
      throw new EavError("rules/invalid-spec", "fire() was called on a session while a fire of the same session chain is running (from a rule's action or a listener)", {});
    }
    const ops: PendingOp[] = [];
    for (let p = this.pending; p !== null; p = p.prev) ops.push(p.op);
    ops.reverse();
    // a state that never fired is restored by swapping in fresh memories: no journal needed
    const pristine = !st.initialized;
    const j: Journal = pristine ? NO_JOURNAL : new Journal();
    let report: FireReport;
    st.busy = true;
    try {
      report = runFire(st, ops, options as FireOptions<unknown>, j);
    } catch (err) {
      if (pristine) st.reset();
      else undoJournal(j);
      throw err;
    } finally {
      st.busy = false;
    }
    const next = new Version();
    advance(st, this.version, pristine ? new StateSnapshot(null) : j, next);
    return new RuleSession(this.network, st, next, null, report);
  }

  /**
   * The rows of a query (by name, or its spec) for `params` (keys with or without `?`), as of the
   * last fire: buffered changes are not visible until `fire`. Rows are keyed without `?`. Reads only.
   * Throws `rules/unknown-query` or `rules/invalid-query-params`.
   * @example s.query("orders-over", { limit: 1000 }) // [{ o: 1, t: 1500, limit: 1000 }]
   */
  query(q: string | QuerySpec, params?: Readonly<Record<string, unknown>>): Row[] {
    return queryRows(this.network.core, this.enter(), q, params);
  }

  /** Every fact in working memory as of the last fire, in insertion order. Reads only. */
  facts(): unknown[] {
    const st = this.enter();
    return [...st.wm.entries()].sort((a, b) => a.id - b.id).map((e) => e.fact);
  }

  /** Number of facts in working memory as of the last fire. */
  get size(): number {
    return this.enter().wm.size;
  }

  /** Makes this session's version the live one. */
  private enter(): EngineState {
    const st = this.state;
    if (st.current !== this.version) {
      if (st.busy) {
        throw new EavError("rules/invalid-spec", "an older session value cannot be used while a fire of the same session chain is running", {});
      }
      reroot(st, this.version);
    }
    return st;
  }
}

/**
 * A new, empty session on `network`. Nothing changes; sessions of one network are independent.
 * @example const s = newRuleSession(compileRules(rules)).insert(facts).fire();
 */
export function newRuleSession(network: Network): RuleSession {
  const st = new EngineState(network.core);
  return new RuleSession(network, st, st.current, null, undefined);
}
