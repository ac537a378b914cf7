/**
 * The live nodes of the beta network. Nodes are immutable after compilation and shared by every
 * session of a network; their memories live in the session state (`rt.mem[node.id]`) and change
 * only through the journaled helpers, inside one fire.
 *
 * Every node produces at most one level of tokens: a token at level L has L ancestors, and a
 * variable is read at run time as "the fact (or one field of it) of the ancestor at level l"
 * ({@link VarLoc}): tokens carry no binding arrays at all.
 */
import { jdelete, jset } from "./journal.js";
import type { Journal } from "./journal.js";
import { type Bucket, bucketAdd, bucketItems, bucketRemove, bucketSingle, childAt, type FactEntry, type Token } from "./memory.js";
import { KeyMap } from "./keymap.js";
import type { FieldOf } from "../accumulators.js";
import type { Test } from "../spec.js";
import { compileExpr, type CompiledExpr } from "../expr.js";

/** A node whose results propagate when the fire settles (accumulators). */
export interface DirtyNode {
  readonly id: number;
  /** Re-derives the results of one join key (`groups`: the changed groups of a grouped accumulator). */
  flush(rt: Rt, key: unknown, groups: ReadonlySet<unknown> | null): void;
}

/** What the runtime reports when user code in a node fails. */
export interface NodeInfo {
  readonly id: number;
  readonly level: number;
  readonly usedBy: readonly string[];
}

/** Where a variable's value is: the token at `level`, its whole value (`field === null`) or a field of it. */
export interface VarLoc {
  readonly name: string;
  /** The name without `?` (internalized): the key of bindings and query rows. */
  readonly key: string;
  readonly level: number;
  readonly field: string | null;
  /** For a grouped accumulator's token (value `[result, ...group values]`): the tuple index, else -1. */
  readonly index: number;
}

/** What nodes need from the fire in progress (implemented by engine.ts). */
export interface Rt {
  readonly j: Journal;
  readonly mem: readonly unknown[];
  /** The root token (level 0, the empty match): the one left token of a join whose parent is the root. */
  readonly root: Token;
  /**
   * Creates a child token of `parent` at `node` and propagates it to the node's children. `value`
   * is the data of a token holding no fact entry (`entry` null); a join passes null with its entry
   * (the token holds the entry, so reading the entry's fact for it was a wasted read).
   */
  emit(node: BetaNode, parent: Token, value: unknown, entry: FactEntry | null): Token;
  /** Removes a token and everything that depends on it. */
  removeToken(t: Token): void;
  /** The join key of a token for the given variable locations. */
  leftKey(t: Token, level: number, locs: readonly VarLoc[]): unknown;
  /** The join key of a fact for the given fields. */
  rightKey(fact: unknown, fields: readonly string[]): unknown;
  /** A field of a fact (the network's fieldOf). */
  field(fact: unknown, field: string): unknown;
  /** Reads a variable. */
  valueAt(t: Token, level: number, loc: VarLoc): unknown;
  /**
   * The facts of `alpha` whose entity key is `key`, read from working memory's index (for a join
   * whose right side is working memory, see {@link JoinNode}), oldest first, without the fact whose
   * propagation has not reached `node` yet: one entry bare, several in an array (never an array of
   * one, which a bucket reads as a large bucket). Reads only.
   */
  wmRight(node: BetaNode, alpha: AlphaFilter, key: unknown): FactEntry | readonly FactEntry[] | null;
  /** Notes that the fact being inserted reached `node` (a join reading working memory). */
  wmArrived(node: BetaNode, e: FactEntry): void;
  /** Evaluates a test for a token (exceptions become rules/action-failed naming the rule). */
  test(node: TestNode, t: Token): boolean;
  /** Runs user accumulator code, turning exceptions into rules/action-failed. */
  guard<T>(node: NodeInfo, t: Token | null, f: () => T): T;
  /** Records that an accumulated group changed; results propagate when the fire settles. */
  markDirty(node: DirtyNode, key: unknown, group?: unknown): void;
  /** A complete match reached a rule's terminal. */
  activate(node: NodeInfo, t: Token): void;
  /** The next id (monotonic; orders tokens, facts and activations). */
  nextId(): number;
}

/** Common shape of the beta nodes. */
export abstract class BetaNode {
  /** Successor nodes, in creation order (set while compiling, frozen after). */
  readonly children: BetaNode[] = [];
  /**
   * For a join whose only child is a rule's terminal: that terminal, whose activations are then this
   * join's tokens (memory.ts, `Activation`). Set once the network is built (compile.ts), else null.
   */
  fusedTerminal: BetaNode | null = null;
  constructor(
    readonly id: number,
    /** Level of the tokens this node produces (its parent's plus one). */
    readonly level: number,
    /** Rule and query names using this node. */
    readonly usedBy: string[],
  ) {}
  /** A fresh, empty memory for this node. */
  abstract createMemory(): unknown;
  /** A token of the parent arrived. */
  abstract leftAdd(rt: Rt, t: Token): void;
  /** A token of the parent is being removed (its children are removed after this). */
  abstract leftRemove(rt: Rt, t: Token): void;
  /** A fact of this node's alpha node arrived (alpha-fed nodes only). */
  rightAdd(_rt: Rt, _e: FactEntry): void {}
  /** A fact of this node's alpha node is being retracted (before its tokens are removed). */
  rightRemove(_rt: Rt, _e: FactEntry): void {}
}

/** The root: its one token (level 0) is the empty match. */
export class RootNode extends BetaNode {
  createMemory(): null {
    return null;
  }
  leftAdd(): void {}
  leftRemove(): void {}
}

/**
 * What a join reading working memory's index needs of its alpha node (an `AlphaNode` is one;
 * named structurally so that nodes.ts and alpha.ts do not import each other).
 */
export interface AlphaFilter {
  readonly type: string;
  /** Every fact of the type passes (`matches` need not be called). */
  readonly passesAll: boolean;
  /** Whether an indexed entry passes exactly when its `vkey` is `valueKey` (see AlphaNode). */
  readonly byValueKey: boolean;
  readonly valueKey: unknown;
  matches(fact: unknown, fieldOf: FieldOf): boolean;
}

interface IndexMem {
  readonly left: KeyMap<Bucket<Token>>;
}

interface JoinMem extends IndexMem {
  readonly right: KeyMap<Bucket<FactEntry>>;
}

/** Alpha-fed nodes: a pattern joined on shared variables with the parent's tokens. */
abstract class AlphaFed extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    /** Variables shared with earlier conditions, read from the parent's tokens. */
    readonly leftLocs: readonly VarLoc[],
    /** The pattern fields holding those variables, in the same order. */
    readonly rightFields: readonly string[],
    /**
     * The parent is the root: its one token arrives before any fact, so the right side needs no
     * memory (a fact pairs with the root token when it arrives). Saves one index entry per fact.
     */
    readonly rootParent: boolean,
  ) {
    super(id, level, usedBy);
  }
  protected lkey(rt: Rt, t: Token): unknown {
    return rt.leftKey(t, this.level - 1, this.leftLocs);
  }
  protected rkey(rt: Rt, e: FactEntry): unknown {
    return rt.rightKey(e.fact, this.rightFields);
  }
}

/**
 * A positive pattern: one child token per (parent token, matching fact).
 *
 * When the join is on the entity alone and every fact is an indexed EAV (no custom fact type, field
 * or key), its right side is working memory's own attribute -> entity index filtered by the alpha
 * node (`wm`): a copy of that index per join cost a Map entry and its journal per datom on load and
 * per change on update (bench/engine-micro.ts, issue 7).
 */
export class JoinNode extends AlphaFed {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    leftLocs: readonly VarLoc[],
    rightFields: readonly string[],
    rootParent: boolean,
    /** The alpha node whose facts working memory's index gives (see above), or null. */
    readonly wm: AlphaFilter | null,
  ) {
    super(id, level, usedBy, leftLocs, rightFields, rootParent);
  }
  createMemory(): JoinMem {
    return { left: new KeyMap(), right: new KeyMap() };
  }
  leftAdd(rt: Rt, t: Token): void {
    const m = rt.mem[this.id] as JoinMem;
    const k = this.lkey(rt, t);
    bucketAdd(rt.j, m.left, k, t);
    if (this.rootParent) return;
    const got = this.wm === null ? m.right.get(k) : rt.wmRight(this, this.wm, k);
    if (got === undefined || got === null) return;
    // indexed loops over a bucket, no single-item array: see memory.ts, bucketSingle
    const one = bucketSingle(got);
    if (one !== null) {
      rt.emit(this, t, null, one);
      return;
    }
    const items = bucketItems(got);
    for (let i = 0; i < items.length; i++) {
      const e = items[i] as FactEntry;
      rt.emit(this, t, null, e);
    }
  }
  leftRemove(rt: Rt, t: Token): void {
    bucketRemove(rt.j, (rt.mem[this.id] as JoinMem).left, this.lkey(rt, t), t);
  }
  override rightAdd(rt: Rt, e: FactEntry): void {
    if (this.rootParent) {
      // the one left token is the root token (it arrives before any fact): no key is computed and
      // no bucket is looked up under the empty tuple's string key, a string-keyed Map probe per
      // fact (join 100k update, callgrind, issue 7; test/rules/root-children.test.ts)
      rt.emit(this, rt.root, null, e);
      return;
    }
    const m = rt.mem[this.id] as JoinMem;
    const k = this.rkey(rt, e);
    if (this.wm !== null) rt.wmArrived(this, e);
    else bucketAdd(rt.j, m.right, k, e);
    const b = m.left.get(k);
    if (b === undefined) return;
    const one = bucketSingle(b);
    if (one !== null) {
      rt.emit(this, one, null, e);
      return;
    }
    const items = bucketItems(b);
    for (let i = 0; i < items.length; i++) rt.emit(this, items[i] as Token, null, e);
  }
  override rightRemove(rt: Rt, e: FactEntry): void {
    // the tokens holding e are removed by the engine through e's token list
    if (!this.rootParent && this.wm === null) bucketRemove(rt.j, (rt.mem[this.id] as JoinMem).right, this.rkey(rt, e), e);
  }
}

/** Memory of a negation (`not`/`exists`) node: parent tokens by key, and a count of matches per key. */
export interface NegMem extends IndexMem {
  readonly count: Map<unknown, number>;
}

/** A node that passes parent tokens while no (`exists`: some) match shares their key. */
interface CountingNegation extends BetaNode {
  readonly exists: boolean;
}

/** A parent token arrives under key `k`: it passes now if the count says so. */
export function negLeftAdd(rt: Rt, node: CountingNegation, m: NegMem, k: unknown, t: Token): void {
  bucketAdd(rt.j, m.left, k, t);
  if (((m.count.get(k) ?? 0) > 0) === node.exists) rt.emit(node, t, null, null);
}

/** A match arrives under key `k`: the first one flips the key's parent tokens. */
export function negCountUp(rt: Rt, node: CountingNegation, m: NegMem, k: unknown): void {
  const c = m.count.get(k) ?? 0;
  jset(rt.j, m.count, k, c + 1);
  if (c === 0) negFlip(rt, node, m, k, node.exists);
}

/** A match under key `k` goes away: the last one flips the key's parent tokens back. */
export function negCountDown(rt: Rt, node: CountingNegation, m: NegMem, k: unknown): void {
  const c = m.count.get(k) ?? 0;
  if (c <= 1) {
    jdelete(rt.j, m.count, k);
    negFlip(rt, node, m, k, !node.exists);
  } else jset(rt.j, m.count, k, c - 1);
}

/** Every parent token under `k` starts (`pass`) or stops passing. */
function negFlip(rt: Rt, node: CountingNegation, m: NegMem, k: unknown, pass: boolean): void {
  const b = m.left.get(k);
  if (b === undefined) return;
  const one = bucketSingle(b);
  if (one !== null) negFlipOne(rt, node, one, pass);
  else {
    const items = bucketItems(b);
    for (let i = 0; i < items.length; i++) negFlipOne(rt, node, items[i] as Token, pass);
  }
}

function negFlipOne(rt: Rt, node: CountingNegation, t: Token, pass: boolean): void {
  if (pass) rt.emit(node, t, null, null);
  else {
    const c = childAt(t, node.id);
    if (c !== null) rt.removeToken(c);
  }
}

/**
 * `not` (or, inverted, `exists`) of one pattern: a parent token passes while no (resp. some) fact
 * shares its key. Only counts per key are kept, never the facts.
 */
export class NegationNode extends AlphaFed {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    leftLocs: readonly VarLoc[],
    rightFields: readonly string[],
    readonly exists: boolean,
  ) {
    super(id, level, usedBy, leftLocs, rightFields, false);
  }
  createMemory(): NegMem {
    return { left: new KeyMap(), count: new Map() };
  }
  leftAdd(rt: Rt, t: Token): void {
    negLeftAdd(rt, this, rt.mem[this.id] as NegMem, this.lkey(rt, t), t);
  }
  leftRemove(rt: Rt, t: Token): void {
    bucketRemove(rt.j, (rt.mem[this.id] as NegMem).left, this.lkey(rt, t), t);
  }
  override rightAdd(rt: Rt, e: FactEntry): void {
    negCountUp(rt, this, rt.mem[this.id] as NegMem, this.rkey(rt, e));
  }
  override rightRemove(rt: Rt, e: FactEntry): void {
    negCountDown(rt, this, rt.mem[this.id] as NegMem, this.rkey(rt, e));
  }
}

/** A `test` condition: the parent's token passes when the predicate holds. */
export class TestNode extends BetaNode {
  /**
   * The predicate's expression compiled once, when the network is built (null for a function):
   * going through `evaluate` per token paid a cache lookup each time (~40 ns).
   */
  readonly compiled: CompiledExpr | null;
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly predicate: Test,
    /** The variables visible here, for building the bindings a test function receives. */
    readonly scope: readonly VarLoc[],
  ) {
    super(id, level, usedBy);
    this.compiled = predicate.kind === "expr" ? compileExpr(predicate.expr) : null;
  }
  createMemory(): null {
    return null;
  }
  leftAdd(rt: Rt, t: Token): void {
    if (rt.test(this, t)) rt.emit(this, t, null, null);
  }
  leftRemove(): void {}
}
