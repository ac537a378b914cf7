/**
 * One fire: applying buffered changes, propagating them through the network, running the agenda to
 * a fixpoint, and truth maintenance. This is the only place working memory changes.
 *
 * How immutable sessions stay fast (the design, chosen after measuring with bench/engine-micro.ts):
 * - Memories are plain mutable Maps, Sets, small copy-on-write arrays and intrusive token lists.
 *   A persistent hash map (Immutable.js) costs several times a native Map per operation and
 *   allocates on every write, and a fact costs several memory writes.
 * - Every persistent mutation is journaled (journal.ts); a version tree over the journals
 *   ("rerooting") makes every old session value valid: the newest version owns the memory, an old
 *   one is reached by undoing journals, and a failed fire undoes its own journal.
 * - Writes to objects born in the current fire need no journal entry (`born`), and a fire on a
 *   never-fired state keeps no journal at all: its old version is the fresh, empty memory, swapped
 *   in whole when needed (StateSnapshot). A bulk load therefore pays nothing for immutability.
 * - Tokens hold no binding arrays (variables are read from the ancestor token that bound them),
 *   fact entries pack their flags, and fired activations without logical inserts leave the tree.
 * - Truth maintenance is well-founded (tms.ts): a fact entry keeps its supporting activations (in
 *   the field that holds its flags), and a fact that loses one support but keeps others is checked
 *   for a support that does not rest on itself, so cycles of derived facts (recursive rules) go
 *   with their base facts. A loss where a remaining support rests on unconditional facts only is
 *   settled on the spot; the full check is queued and runs after plain withdrawals.
 * - An activation is its rule's last join token when that join feeds only the terminal (memory.ts),
 *   and the agenda keeps a stack per (salience, rule) (agenda.ts): Manners makes and cancels millions.
 * - On a big memory an update pays cache misses (~14 per change, join 100k, cold; callgrind) and
 *   instructions (~4.2k per change) alike, so it avoids reads and calls it does not need: entries
 *   keep their value's key (FactEntry.vkey, read for join keys, constant tests and a primitive ?v)
 *   and their fact last (joins read the entry's first words only), buckets are told apart without
 *   a prototype walk, a key known to be absent is written without a read (KeyMap.putAbsent), a retraction
 *   reads the caller's equal EAV, the network's strings are internalized, the journal is
 *   monomorphic and never copied, integer keys live in pages (keymap.ts), one lookup by attribute
 *   finds a fact's index and alpha nodes (wm.ts, AttrIndex; docs/ARCHITECTURE.md), a first
 *   pattern's join pairs facts with the root token directly, and removals journal less (an
 *   unconditional entry no token holds keeps no RETRACTED flag; removeTree). No clear gain
 *   measured: a token caching its join key, an entry keeping its entity's key (8 B), bigger pages,
 *   reading a join key at the nearest join on its variable instead of where it is bound, finding
 *   the first 16 attributes' indexes by an identity scan before the Map, a node flag instead of
 *   `instanceof Activation` in removeTree.
 * - A big load allocates nothing per fact beyond its entry and tokens: no iterator results, no
 *   one-item bucket arrays, no growing copies (pages, a report list sized up front); join 100k,
 *   sampling heap profiler: 164 -> 85 MB allocated by the load's fire (issue 7).
 * Measured on the shared 2-core box (about 4x slower than a laptop on a Map micro-benchmark), bench
 * harness on the built package, engine straight: join load 1.3-1.7 us/datom and 205 B/datom retained
 * (100k entities); Manners 64 in 0.3-0.4 s and 128 in 1.3-1.6 s (1.7-2.3 s before these and the
 * agenda/link changes, in the same runs; the spread is the box's load).
 */
import { EavError } from "../../errors.js";
import { formatValue } from "../../eav/value.js";
import { isEav, type EAV } from "../../eav/eav.js";
import { objectArray } from "./arrays.js";
import { isTruthy, type CompiledExpr } from "../expr.js";
import type { NetworkCore } from "../plan.js";
import type { Bindings, QuerySpec } from "../spec.js";
import { Agenda } from "./agenda.js";
import { jfield, NO_JOURNAL, type Journal } from "./journal.js";
import { EngineState } from "./state.js";
import type { FireOptions, FireReport, Listener, PendingOp } from "./api.js";
import { DEFAULT_MAX_FIRINGS } from "./api.js";
import { Activation, FactEntry, JoinToken, linkToken, matchOf, Token, unlinkFromEntry, unlinkToken, RETRACTED, UNCONDITIONAL as UNCOND_STATE } from "./memory.js";
import { keyOf, sameKey } from "./keys.js";
import { findIn, type AttrIndex, type Slot } from "./wm.js";
import { bindingsAt, factKey, tokenKey, varAt } from "./read.js";
import { addSupport, hasUnconditionalSupport, removeSupport, setState, unfounded } from "./tms.js";
import { type AlphaFilter, type BetaNode, type DirtyNode, type NodeInfo, RootNode, type Rt, type TestNode, type VarLoc } from "./nodes.js";
import { queryRows, type Row } from "./query.js";
import type { TerminalNode } from "./terminals.js";
import { loopLimitError } from "./loop-limit.js";
import { ActionEnv, MatchEnv, withEffects, type Effects } from "./match-env.js";
import { BaseContext, failure, LOGICAL, type OpKind, RETRACT, UNCONDITIONAL } from "./action-context.js";

/** The group argument of an ungrouped accumulator's markDirty. */
const UNGROUPED: unique symbol = Symbol("ungrouped");
/** Above this many pending inserts, the report's list of inserted facts is sized up front. */
const PRESIZE = 1024;
/**
 * The cells of a report list sized up front for `n` pending facts, plus room for what the fire's
 * actions and truth maintenance add (trimmed at the end). Why: sized at exactly `n`, the first
 * fact an action inserted grew the whole list (a copy of 5,000 cells per list in the join
 * benchmark's update, GrowFastSmiOrObjectElements and memcpy; callgrind, issue 7).
 */
function withSlack(n: number): number {
  return n + (n >> 3) + 64;
}

/** How many recent firings the loop-limit error looks at. */
const RECENT = 256;

/**
 * Runs one fire on `state` (which must be the live version), recording every mutation in `j`.
 * Returns the report. Throws `rules/action-failed` or `rules/loop-limit`, leaving the mutations in
 * `j` for the caller to undo.
 */
export function runFire(state: EngineState, pending: readonly PendingOp[], options: FireOptions<unknown>, j: Journal): FireReport {
  anchors ??= makeAnchors();
  return new Fire(state, options, j).run(pending);
}

/**
 * One instance of each object a fire makes and drops (the fire, its agenda, an action's context, an
 * expression environment), built on an empty network and kept for the life of the module. Why: V8
 * reaches a class's hidden class (once its fields are defined) only weakly, through the transition
 * tree, so when the last fire's objects are garbage a full GC frees those hidden classes and throws
 * away every optimized function that checks for them ("weak objects"): the first update after a
 * major GC re-optimized ~30 functions and ran several times slower (join 100k, --trace-deopt,
 * issue 7). Holds no session's memory.
 */
let anchors: readonly unknown[] | null = null;

function makeAnchors(): readonly unknown[] {
  // the same keys in the same order as the compiler's NetworkCore (compile.ts), for the same shape
  const core: NetworkCore = {
    nodes: [new RootNode(0, 0, [])],
    alphaByType: new Map(),
    alphaAll: [],
    queries: new Map(),
    factType: () => "",
    fieldOf: () => undefined,
    eavFields: true,
    factKey: null,
    functions: {},
    isEavFact: isEav,
    wmTypes: new Set(),
  };
  const fire = new Fire(new EngineState(core), {}, NO_JOURNAL);
  const t = new Token(0, null, null, 0);
  return [fire, new BaseContext(fire, t, 0, [], ""), new MatchEnv(fire, t, 0, [], {})];
}

class Fire implements Rt {
  readonly mem: readonly unknown[];
  readonly root: Token;
  readonly net: NetworkCore;
  private readonly agenda = new Agenda();
  private readonly listener: Listener | undefined;
  private readonly withdrawQueue: FactEntry[] = objectArray();
  /** Facts that lost a support but kept others: is one of those left well-founded? (tms.ts) */
  private readonly checkQueue: FactEntry[] = objectArray();
  /** Accumulator groups changed since the last flush: node -> join key -> changed groups (or null). */
  private dirty: Map<DirtyNode, Map<unknown, Set<unknown> | null>> | null = null;
  /**
   * Firings per terminal node (by node id; the branches of an `or` have one each), and the
   * terminals in the order they first fired: the report's `byRule` (by rule name) is built from
   * them at the end. Why not a record by rule name, counted per firing: a fresh `{}` per fire that
   * gains its keys as rules fire had another map in each of the first updates after a load, and
   * the fire deoptimized on it ("wrong map", --trace-deopt, join 100k, issue 7).
   */
  private readonly counts: Float64Array;
  private readonly firstFired: TerminalNode[] = objectArray();
  /**
   * The latest firings' rule names, a ring indexed by `(total - 1) % RECENT`: filled from cell 0
   * up, never past its end. Why: written from cell 1 (`total % RECENT`), the first write left a
   * hole, which made this array holey, and with it the allocation site of every `objectArray()`;
   * the arrays made after it (the journal's chunks list, action contexts' ops, queues) then had
   * another map than the ones optimized code had met: "wrong map" deoptimizations of the fire,
   * Journal.push, setState and actions between updates, which then ran in baseline code
   * (--trace-deopt, join 100k, issue 7). Tested by test/rules/loop-limit.test.ts (the names, in order).
   */
  private readonly recent: string[] = objectArray();
  private total = 0;
  /**
   * The facts that entered working memory, in order (cells `0 .. nInserted - 1`). Sized up front
   * for the pending inserts and trimmed at the end: pushing 500k facts one by one copied the
   * growing array about ten times (~14 MB of a load's allocation, in large-object space).
   */
  private inserted: unknown[] = objectArray();
  private nInserted = 0;
  /** The facts that left working memory, in order (cells `0 .. nRetracted - 1`), sized likewise. */
  private retracted: unknown[] = objectArray();
  private nRetracted = 0;
  /** Load-order index of the rule whose action's changes are being applied (noLoop), else -1. */
  private firingProduction = -1;
  private firingRule: string | null = null;
  /**
   * The entry being inserted, and the joins reading working memory that it has reached: until it
   * reaches one, that join must not see it in working memory (it pairs with the join's tokens when it
   * arrives; seen earlier too, a token would pair with it twice).
   */
  private adding: FactEntry | null = null;
  private readonly arrived: BetaNode[] = objectArray();
  /** By node id: the attribute index a join reading working memory reads (wmRight), once found. */
  private readonly wmIndexes: (AttrIndex | null)[];
  /**
   * How many cells of `arrived` count. Reset per fact instead of `arrived.length = 0`, which drops
   * the array's backing store so that the next push allocates a new one: ~110 bytes per fact, a
   * third of what a 500k-datom load allocated (sampling heap profile, issue 7).
   */
  private nArrived = 0;
  /** Ids above this belong to objects created in this fire (see memory.ts, `linkToken`). */
  private readonly born: number;
  /** The context of the action running (or the last one, closed), for {@link Fire.makeEffects}. */
  private acting: BaseContext | null = null;
  private ownEffects: Effects | null = null;
  /** The effects of the last action body, made from `effectsExtra`; reused while that is frozen (see effectsFor). */
  private effects: Effects | null = null;
  private effectsExtra: Effects | undefined = undefined;
  private effectsFixed = false;

  constructor(
    private readonly state: EngineState,
    private readonly options: FireOptions<unknown>,
    readonly j: Journal,
  ) {
    this.mem = state.mem;
    this.root = state.root;
    this.net = state.net;
    // with no journal every object counts as new: no journal entry is ever wanted
    this.born = j === NO_JOURNAL ? -1 : state.lastId;
    this.listener = options.listener;
    const n = this.net.nodes.length;
    this.counts = new Float64Array(n);
    this.wmIndexes = new Array<AttrIndex | null>(n);
    for (let i = 0; i < n; i++) this.wmIndexes[i] = null;
  }

  run(pending: readonly PendingOp[]): FireReport {
    const st = this.state;
    if (!st.initialized) {
      jfield(this.j, st, "initialized", true);
      for (const c of this.net.nodes[0]?.children ?? []) c.leftAdd(this, st.root);
    }
    let expected = 0;
    let expectedOut = 0;
    for (let i = 0; i < pending.length; i++) {
      const op = pending[i] as PendingOp;
      if (op.kind === "insert") expected += op.facts.length;
      else expectedOut += op.facts.length;
    }
    if (expected > PRESIZE) this.inserted = new Array<unknown>(withSlack(expected));
    if (expectedOut > PRESIZE) this.retracted = new Array<unknown>(withSlack(expectedOut));
    // indexed loops: a for-of over a 500k-fact load allocated an iterator result per fact (~20 MB)
    for (let i = 0; i < pending.length; i++) {
      const op = pending[i] as PendingOp;
      const facts = op.facts;
      if (op.kind === "insert") for (let k = 0; k < facts.length; k++) this.addFact(facts[k], true, null);
      else for (let k = 0; k < facts.length; k++) this.retractFact(facts[k]);
      this.settle();
    }
    const max = this.options.maxFirings ?? DEFAULT_MAX_FIRINGS;
    for (let a = this.agenda.pop(); a !== undefined; a = this.agenda.pop()) {
      if (this.total >= max) throw loopLimitError(max, this.recentInOrder(), new Map(Object.entries(this.byRule())));
      this.fire(a);
    }
    this.inserted.length = this.nInserted;
    this.retracted.length = this.nRetracted;
    return { firings: this.total, byRule: this.byRule(), inserted: this.inserted, retracted: this.retracted };
  }

  /** Firings by rule name, in the order the rules first fired. Reads only (a new record). */
  private byRule(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.firstFired) out[t.rule] = (out[t.rule] ?? 0) + (this.counts[t.id] as number);
    return out;
  }

  private recentInOrder(): string[] {
    const n = Math.min(this.total, RECENT);
    const out: string[] = [];
    for (let i = this.total - n; i < this.total; i++) out.push(this.recent[i % RECENT] as string);
    return out;
  }

  // ---------------------------------------------------------------- firing

  private fire(a: Activation): void {
    const terminal = this.net.nodes[a.node] as TerminalNode;
    a.state = "fired"; // a was created in this fire: no journal entry needed
    this.total++;
    const before = this.counts[a.node] as number;
    this.counts[a.node] = before + 1;
    if (before === 0) this.firstFired.push(terminal);
    this.recent[(this.total - 1) % RECENT] = terminal.rule;
    const at = matchOf(a);
    // the bindings are made only if read (see BaseContext)
    const base = new BaseContext(this, at, terminal.level - 1, terminal.scope, terminal.rule);
    if (this.listener?.fired !== undefined) this.listener.fired(terminal.rule, base.bindings);
    try {
      const ctx = this.options.context === undefined ? base : this.options.context(base);
      const action = terminal.action;
      if (action.kind === "fn") action.fn(ctx);
      else {
        this.acting = base;
        const env = new ActionEnv(this, at, terminal.level - 1, terminal.scope, this.net.functions, this.effectsFor((ctx as { effects?: Effects }).effects));
        for (const e of terminal.compiledBody) e(env);
      }
    } catch (err) {
      throw failure(terminal.rule, base.bindings, "action", err);
    } finally {
      base.closed = true;
    }
    this.firingProduction = terminal.noLoop ? terminal.production : -1;
    this.firingRule = terminal.rule;
    const ops = base.ops;
    for (let i = 0; i < ops.length; i += 2) {
      const kind = ops[i] as OpKind;
      const facts = ops[i + 1];
      if (Array.isArray(facts)) for (const f of facts as readonly unknown[]) this.applyOp(kind, f, a);
      else this.applyOp(kind, facts, a);
    }
    this.settle();
    this.firingProduction = -1;
    this.firingRule = null;
    // A fired activation is kept only to withdraw what it inserted logically; without logical
    // inserts nothing will ever need it, so it leaves the token tree (one object less per match).
    if (a.logical === null && a.state === "fired") {
      unlinkToken(this.j, a, this.born);
      a.state = "dropped";
    }
  }

  /**
   * The effects an action body runs with: the engine's own, overridden by its context's (`extra`,
   * such as a session's `upsert!`). Merged once per fire while the context hands the same frozen
   * table to every firing (a session does), else per firing: merging walked the table (for-in and
   * hasOwnProperty calls, ~25 instructions per change of the join 100k session update, callgrind).
   * A table that is not frozen may change between firings, so it is merged again each time.
   */
  private effectsFor(extra: Effects | undefined): Effects {
    const own = (this.ownEffects ??= this.makeEffects());
    if (this.effects === null || extra !== this.effectsExtra) {
      this.effects = withEffects(own, extra);
      this.effectsExtra = extra;
      this.effectsFixed = extra === undefined || Object.isFrozen(extra);
    } else if (!this.effectsFixed) this.effects = withEffects(own, extra);
    return this.effects;
  }

  /**
   * The engine's effects for action bodies, made once per fire (not three closures per firing):
   * they act on the context of the action running (`acting`), which refuses them once closed.
   */
  private makeEffects(): Effects {
    return {
      "insert!": (f) => (this.acting as BaseContext).insert(f),
      "insert-unconditional!": (f) => (this.acting as BaseContext).insertUnconditional(f),
      "retract!": (f) => (this.acting as BaseContext).retract(f),
    };
  }

  private applyOp(kind: OpKind, fact: unknown, a: Activation): void {
    if (kind === RETRACT) this.retractFact(fact);
    else this.addFact(fact, kind === UNCONDITIONAL, kind === LOGICAL ? a : null);
  }

  /** Working memory as it stands, for an action's context. */
  queryNow(q: string | QuerySpec, params: Readonly<Record<string, unknown>> | undefined): Row[] {
    return queryRows(this.net, this.state, q, params);
  }

  /** A match's bindings, for an action's context (made when it reads them). */
  bindingsOf(t: Token, level: number, scope: readonly VarLoc[]): Bindings {
    return bindingsAt(this.net, t, level, scope);
  }

  /** Every fact as it stands, for an action's context. */
  factsNow(): unknown[] {
    return [...this.state.wm.entries()].sort((a, b) => a.id - b.id).map((e) => e.fact);
  }

  activate(info: NodeInfo, t: Token): void {
    this.newActivation(info as TerminalNode, t, null);
  }

  /**
   * A new activation of `node` for the match ending at `parent` (entry null), or, fused with a join
   * whose only child is `node` (see memory.ts, `Activation`), for `parent` joined with `entry`.
   */
  private newActivation(node: TerminalNode, parent: Token, entry: FactEntry | null): Activation {
    const a = new Activation(node.id, parent, entry, this.nextId(), node.production);
    const s = node.salience;
    if (typeof s === "number") a.salience = s;
    else {
      const at = matchOf(a);
      const b = this.bindings(at, node.level - 1, node.scope);
      try {
        a.salience = Number(s.kind === "fn" ? s.fn(b) : (node.compiledSalience as CompiledExpr)(new MatchEnv(this, at, node.level - 1, node.scope, this.net.functions)));
      } catch (err) {
        throw failure(node.rule, b, "salience", err);
      }
    }
    linkToken(this.j, a, this.born);
    if (node.noLoop && this.firingProduction === node.production) {
      a.state = "suppressed";
      return a;
    }
    this.agenda.push(a);
    this.listener?.activationAdded?.(node.rule, this.bindings(matchOf(a), node.level - 1, node.scope));
    return a;
  }

  private activationGone(a: Activation): void {
    const was = a.state;
    // marks an activation removed while its own action's changes apply (so fire() does not unlink
    // it twice); only for activations born in this fire: older ones are shared with old versions
    if (was === "fired" && a.id > this.born) a.state = "dropped";
    if (was === "pending") {
      a.state = "cancelled"; // pending means born in this fire
      this.agenda.cancelled(a);
      if (this.listener?.activationCancelled !== undefined) {
        const node = this.net.nodes[a.node] as TerminalNode;
        this.listener.activationCancelled(node.rule, this.bindings(matchOf(a), node.level - 1, node.scope));
      }
    } else if (was === "fired" && a.logical !== null) {
      // Runs in baseline code: this is first reached in the first update after a load (the load
      // removes nothing), and one update does not call it often enough for V8 to optimize it. So
      // no array and iterator per activation, and the entry's state is read as a field, not through
      // its getters (each a call with an inline-cache miss; join 100k cold update, callgrind).
      const logical = a.logical;
      const many = logical instanceof FactEntry ? null : logical;
      const n = many === null ? 1 : many.length;
      for (let i = 0; i < n; i++) {
        const e = many === null ? (logical as FactEntry) : (many[i] as FactEntry);
        // a number state: retracted (supports ignored) or unconditional (supports no longer matter)
        if (typeof e.state === "number") continue;
        removeSupport(this.j, this.born, e, a);
        // no support left (a null state): withdrawn; some left: they may all rest on e itself
        // (recursive rules), unless one obviously does not (the quick path of tms.ts, here to skip the queue)
        if (e.state === null) this.withdrawQueue.push(e);
        else if (!hasUnconditionalSupport(e)) this.checkQueue.push(e);
      }
    }
  }

  // ---------------------------------------------------------------- working memory

  private addFact(fact: unknown, uncond: boolean, support: Activation | null): void {
    const net = this.net;
    const wm = this.state.wm;
    // an indexed EAV: its entry and its alpha nodes from one lookup by attribute (wm.ts, AttrIndex)
    const ix = wm.indexed(fact) ? wm.index(fact.a) : null;
    let ek: unknown;
    let vk: unknown;
    let slot: Slot | undefined;
    let e: FactEntry | undefined;
    if (ix !== null) {
      ek = keyOf((fact as EAV).e);
      vk = keyOf((fact as EAV).v);
      slot = ix.slotAt(ek);
      e = findIn(slot, vk);
    } else e = wm.get(fact);
    if (e !== undefined) {
      // unconditional from now on: its logical supports stop mattering and are dropped
      if (uncond && !e.uncond) this.setState(e, UNCOND_STATE);
      // an activation inserting the same fact twice supports it once
      if (support !== null && addSupport(this.j, this.born, e, support)) support.supports(e);
      return;
    }
    // an EAV's type is always its attribute (compile.ts, core)
    const type = ix !== null ? (fact as EAV).a : net.factType(fact);
    if (ix === null && net.wmTypes.size > 0 && !net.isEavFact(fact) && net.wmTypes.has(type)) refuseTyped(fact, type);
    e = new FactEntry(fact, this.nextId(), vk);
    if (uncond) e.state = UNCOND_STATE;
    else if (support !== null) {
      e.state = support;
      support.supports(e);
    }
    // `slot` is still what `ek` holds: nothing above changed the index
    if (ix !== null) ix.addTo(this.j, ek, slot, e);
    else wm.add(this.j, e);
    this.inserted[this.nInserted++] = fact;
    this.listener?.inserted?.(fact, this.firingRule, support !== null);
    const fieldOf = net.fieldOf;
    this.adding = e;
    this.nArrived = 0;
    const alphas = ix !== null ? ix.alphas : net.alphaByType.get(type);
    if (alphas !== undefined) {
      for (const al of alphas) if (al.passes(e, fact, fieldOf, net.eavFields)) for (const s of al.successors) s.rightAdd(this, e);
    }
    if (net.alphaAll.length > 0 && net.isEavFact(fact)) {
      for (const al of net.alphaAll) if (al.matches(fact, fieldOf)) for (const s of al.successors) s.rightAdd(this, e);
    }
    this.adding = null;
  }

  private setState(e: FactEntry, v: FactEntry["state"]): void {
    setState(this.j, this.born, e, v);
  }

  private retractFact(fact: unknown): void {
    const wm = this.state.wm;
    if (!wm.indexed(fact)) {
      const e = wm.get(fact);
      if (e !== undefined) this.removeEntry(e, "explicit", e.fact, null);
      return;
    }
    const ix = wm.index(fact.a);
    const slot = ix.slotAt(keyOf(fact.e));
    const e = findIn(slot, keyOf(fact.v));
    if (e === undefined) return;
    // Read the caller's fact instead of the stored one where they cannot differ: an EAV found in
    // the index has the same attribute and entity and an equal value, and with the default fieldOf
    // (implied by a non-empty wmTypes, see compile.ts) the alpha tests give the same answers. The
    // stored fact is one cache miss away on a big memory; a retraction that touches no token then
    // never reads it (join 100k: retract-only ~2.2 -> ~1.9 us per fact, issue 7).
    this.removeEntry(e, "explicit", this.net.wmTypes.size > 0 ? fact : e.fact, ix, slot);
  }

  /**
   * Removes a fact: first from every node's right side, then every token holding it. `probe` is
   * `e.fact` or a fact that working memory and the alpha network cannot tell from it (see
   * retractFact); only its type, index keys and alpha tests are read. `ix` is its attribute's index
   * when it is an indexed EAV (null: not one), undefined when not looked up yet; `slot`, what that
   * index holds for the entity (AttrIndex.slotAt) when looked up, so that it is not looked up twice.
   */
  private removeEntry(e: FactEntry, reason: "explicit" | "withdrawn", probe: unknown = e.fact, ix?: AttrIndex | null, slot?: Slot): void {
    const net = this.net;
    const wm = this.state.wm;
    // An unconditional entry that no token holds is reachable after this only from lists that
    // skip unconditional entries anyway (an activation's logical inserts, the TMS queues) and from
    // older versions (through the index cell, journaled below), so its RETRACTED flag would never
    // be read: not writing it saves a journal entry for most retractions (an attribute no rule
    // reads, a fact no pattern matched; join 100k update, callgrind, issue 7).
    if (e.tokens !== null || e.state !== UNCOND_STATE) this.setState(e, (e.uncond ? UNCOND_STATE : 0) | RETRACTED);
    const at = ix !== undefined ? ix : wm.indexed(probe) ? wm.index(probe.a) : null;
    if (at !== null) {
      const ek = keyOf((probe as EAV).e);
      // `slot` is still what `ek` holds: only e's flags changed since retractFact read it
      at.removeFrom(this.j, ek, slot !== undefined ? slot : at.slotAt(ek), e);
    } else wm.remove(this.j, e, probe);
    this.retracted[this.nRetracted++] = e.fact;
    this.listener?.retracted?.(e.fact, this.firingRule, reason);
    const fact = probe;
    const alphas = at !== null ? at.alphas : net.alphaByType.get(net.factType(fact));
    if (alphas !== undefined) {
      for (const al of alphas) if (al.passes(e, fact, net.fieldOf, net.eavFields)) for (const s of al.successors) s.rightRemove(this, e);
    }
    if (net.alphaAll.length > 0 && net.isEavFact(fact)) {
      for (const al of net.alphaAll) if (al.matches(fact, net.fieldOf)) for (const s of al.successors) s.rightRemove(this, e);
    }
    while (e.tokens !== null) this.removeToken(e.tokens);
  }

  /**
   * Runs truth maintenance and accumulator propagation until nothing is left to do.
   *
   * Plain withdrawals are drained here rather than in a method of their own: such a method, called
   * once per firing that withdraws (a few hundred times per update), never became hot enough for
   * V8 to optimize it and ran in baseline code, an inline-cache call per property read (~100
   * instructions per change of the join 100k session update, callgrind, Builtins_LoadIC), while
   * settle, called per firing and per pending op, is optimized early.
   */
  private settle(): void {
    const queue = this.withdrawQueue;
    for (;;) {
      if (queue.length > 0) {
        const out: unknown[] = [];
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) {
          // withdrawn while alive, logical and without support: exactly a null state (a number is
          // retracted or unconditional; supports are never an empty array or Set, tms.ts). Read as
          // a field, not through three getters: this loop mostly runs in baseline code (see activationGone)
          if (e.state !== null) continue;
          this.removeEntry(e, "withdrawn");
          out.push(e.fact);
        }
        this.notifyWithdrawn(out);
      } else if (this.checkQueue.length > 0) this.checkGrounded();
      else if (this.dirty !== null) this.flushDirty();
      else return;
    }
  }

  /**
   * Checks one fact that lost a support but kept others, after plain withdrawals have settled (so
   * the support graph it reads is current); withdraws it, and every fact found unfounded with it,
   * when none of its supports is well-founded. One at a time: a withdrawal cascades and may settle
   * the next queued facts, which are then skipped.
   */
  private checkGrounded(): void {
    const e = this.checkQueue.pop() as FactEntry;
    if (!e.alive || e.uncond || e.by === null) return;
    const gone = unfounded(e);
    if (gone === null) return;
    const out: unknown[] = [];
    // by age: the discovery order follows Set order, which an undo can disturb (see journal.ts)
    gone.sort((x, y) => x.id - y.id);
    for (const x of gone) {
      // withdrawing one member can cascade to another (its only support rested on the first)
      if (!x.alive) continue;
      this.removeEntry(x, "withdrawn");
      out.push(x.fact);
    }
    this.notifyWithdrawn(out);
  }

  private notifyWithdrawn(out: unknown[]): void {
    const cb = this.options.onWithdraw;
    if (cb !== undefined && out.length > 0) {
      try {
        cb(out);
      } catch (err) {
        throw failure(this.firingRule ?? "(truth maintenance)", {}, "withdrawal", err);
      }
    }
  }

  private flushDirty(): void {
    const batch = [...(this.dirty as Map<DirtyNode, Map<unknown, Set<unknown> | null>>)].sort((x, y) => x[0].id - y[0].id);
    this.dirty = null;
    for (const [node, keys] of batch) for (const [k, groups] of keys) node.flush(this, k, groups);
  }

  // ---------------------------------------------------------------- Rt: what nodes call

  emit(node: BetaNode, parent: Token, value: unknown, entry: FactEntry | null): Token {
    const fused = node.fusedTerminal;
    if (fused !== null && entry !== null) return this.newActivation(fused as TerminalNode, parent, entry);
    const children = node.children;
    const t = entry === null ? this.plainToken(node, parent, value) : new JoinToken(node.id, parent, entry, this.nextId());
    linkToken(this.j, t, this.born);
    for (const c of children) c.leftAdd(this, t);
    return t;
  }

  /**
   * A new token holding no fact entry (a test's, a negation's, an accumulator's). Apart from emit:
   * there its construction, the rarer of two, was not inlined, and every such token went through
   * V8's generic construct stub (JSConstructStubGeneric and FastNewObject; join 100k, callgrind).
   */
  private plainToken(node: BetaNode, parent: Token, value: unknown): Token {
    return new Token(node.id, parent, value, this.nextId());
  }

  wmRight(node: BetaNode, alpha: AlphaFilter, key: unknown): FactEntry | readonly FactEntry[] | null {
    // the join's attribute index, looked up once per fire (indexes are never replaced, wm.ts)
    let ix = this.wmIndexes[node.id];
    if (ix === undefined || ix === null) this.wmIndexes[node.id] = ix = this.state.wm.index(alpha.type);
    const got = ix.entriesAt(key);
    if (got === undefined) return null;
    // the common case, one value per (entity, attribute), allocates nothing
    if (got instanceof FactEntry) return this.wmVisible(node, alpha, got) ? got : null;
    const seen = got.filter((e) => this.wmVisible(node, alpha, e));
    // a lone entry bare, as a bucket holds it: an array of one is a large bucket (memory.ts, Bucket)
    return seen.length > 1 ? seen : seen.length === 1 ? (seen[0] as FactEntry) : null;
  }

  private wmVisible(node: BetaNode, alpha: AlphaFilter, e: FactEntry): boolean {
    if (e === this.adding && !this.hasArrived(node)) return false;
    if (alpha.passesAll) return true;
    // a join reading working memory implies the default fieldOf (compile.ts, wmIndexed)
    if (alpha.byValueKey) return sameKey(e.vkey, alpha.valueKey);
    return alpha.matches(e.fact, this.net.fieldOf);
  }

  private hasArrived(node: BetaNode): boolean {
    const arrived = this.arrived;
    for (let i = 0; i < this.nArrived; i++) if (arrived[i] === node) return true;
    return false;
  }

  wmArrived(node: BetaNode, e: FactEntry): void {
    if (e === this.adding) this.arrived[this.nArrived++] = node;
  }

  removeToken(t: Token): void {
    this.removeTree(t, false);
  }

  /**
   * Removes `t` and its descendants. `withParent`: `t`'s parent is being removed too, so `t` stays
   * on the parent's list of children (the list dies with the parent, and no older version sees a
   * change): the children of a removed token are not unlinked one by one from it, which cost a
   * journal entry per removed child and reads of its siblings (join 100k update, callgrind, issue
   * 7). Why it is safe: a token's node children forget it (leftRemove) before its children go, so no
   * node adds a child to it or removes one while they are walked; nothing reads a removed token's
   * list of children afterwards. Tested by test/rules/remove-tree.test.ts.
   */
  private removeTree(t: Token, withParent: boolean): void {
    const children = (this.net.nodes[t.node] as BetaNode).children;
    for (let i = 0; i < children.length; i++) (children[i] as BetaNode).leftRemove(this, t);
    for (let c = t.child; c !== null; ) {
      const next = c.next;
      this.removeTree(c, true);
      c = next;
    }
    if (withParent) unlinkFromEntry(this.j, t, this.born);
    else unlinkToken(this.j, t, this.born);
    if (t instanceof Activation) this.activationGone(t);
  }

  leftKey(t: Token, level: number, locs: readonly VarLoc[]): unknown {
    return tokenKey(this.net, t, level, locs);
  }

  rightKey(fact: unknown, fields: readonly string[]): unknown {
    return factKey(this.net, fact, fields);
  }

  field(fact: unknown, field: string): unknown {
    return this.net.fieldOf(fact, field);
  }

  valueAt(t: Token, level: number, loc: VarLoc): unknown {
    return varAt(this.net, t, level, loc);
  }

  test(node: TestNode, t: Token): boolean {
    const p = node.predicate;
    try {
      if (p.kind === "fn") return Boolean(p.fn(this.bindings(t, node.level - 1, node.scope)));
      return isTruthy((node.compiled as CompiledExpr)(new MatchEnv(this, t, node.level - 1, node.scope, this.net.functions)));
    } catch (err) {
      throw failure(node.usedBy[0] ?? "?", this.bindings(t, node.level - 1, node.scope), "test", err);
    }
  }

  guard<T>(node: NodeInfo, t: Token | null, f: () => T): T {
    try {
      return f();
    } catch (err) {
      throw failure(node.usedBy[0] ?? "?", t === null ? {} : this.bindings(t, node.level - 1, []), "accumulator", err);
    }
  }

  markDirty(node: DirtyNode, key: unknown, group: unknown = UNGROUPED): void {
    const dirty = (this.dirty ??= new Map());
    let keys = dirty.get(node);
    if (keys === undefined) dirty.set(node, (keys = new Map()));
    if (group === UNGROUPED) keys.set(key, null);
    else {
      let groups = keys.get(key);
      if (groups === undefined || groups === null) keys.set(key, (groups = new Set()));
      groups.add(group);
    }
  }

  nextId(): number {
    return ++this.state.lastId;
  }

  // ---------------------------------------------------------------- bindings

  private bindings(t: Token, level: number, scope: readonly VarLoc[]): Bindings {
    return bindingsAt(this.net, t, level, scope);
  }
}

/** A non-EAV fact typed as an attribute whose entity joins read the EAV index (NetworkCore.wmTypes). */
function refuseTyped(fact: unknown, type: string): never {
  throw new EavError(
    "rules/invalid-fact",
    `${formatValue(fact)} is not an EAV but its factType is "${type}", an EAV attribute the rules join on its entity: give non-EAV facts types that are not attribute names`,
    { fact, type },
  );
}
