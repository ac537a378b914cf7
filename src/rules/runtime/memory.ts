/**
 * The objects working memory is made of: fact entries, tokens (partial matches), activations, and
 * the hash buckets of the beta memories. All persistent mutation goes through journal.ts.
 *
 * Tokens form a tree (Doorenbos's "tree-based removal"): each token knows its parent, its children
 * (an intrusive doubly-linked list) and, for join results, it is threaded on a list of the tokens
 * that hold its fact. Removing a fact or a token therefore touches exactly the tokens that depend on
 * it, never a scan of a memory (tested by the flat-cost benchmark, bench/engine-micro.ts).
 */
import { ABSENT, jremove, reordered, type Journal } from "./journal.js";
import type { KeyMap } from "./keymap.js";

/** {@link FactEntry.state} of an unconditional entry (a flag bit). */
export const UNCONDITIONAL = 1;
/** {@link FactEntry.state} bit of a retracted entry. */
export const RETRACTED = 2;

/**
 * A fact in working memory: one per distinct fact (set semantics), with its supports. Compact on
 * purpose (one per datom): its flags and its supports share one field, and the key is recomputed
 * when needed.
 */
export class FactEntry {
  // Fields are declared and assigned in the constructor in this order, which is their order in
  // the object: the ones an update reads (the flags and supports, the token list, the value key,
  // the id) first, the fact last. An entry is 64 bytes (three header words, five fields), so at
  // 8-byte alignment it straddles two cache lines 7 times in 8; with the fact last, finding an
  // entry and joining through it (findIn, wmRight, linking a token) touch the header's line and
  // the next few words, not the fact's (join 100k update, callgrind, issue 7).
  /**
   * Flags or supports, in one field (a second field cost 8-10 B per datom, measured with
   * bench/engine-micro.ts). A number (bits {@link UNCONDITIONAL}, {@link RETRACTED}) once the entry
   * is unconditional or retracted: its logical supports no longer matter then, since an
   * unconditional fact is never withdrawn and stays unconditional until it is retracted. Otherwise
   * its logical supports: the fired activations that inserted it and still hold, each once (null:
   * none). They are kept, not just counted, so truth maintenance can tell a well-founded support
   * from a circular one (tms.ts). One support is stored bare, a few in a small array replaced whole
   * on change (its journal entry is the old array), many in a Set changed in place through the
   * journal: copying an array per change made a fact with hundreds of supports quadratic.
   * Written by the engine only, journaled as a plain field.
   */
  declare state: number | Supports;
  /** Head of the list of join tokens holding this entry (threaded through `fnext`/`fprev`). */
  declare tokens: JoinToken | null;
  /**
   * For an EAV in working memory's index, the key of its value (`keyOf(fact.v)`), else undefined.
   * Kept here so that finding a fact (a retraction, or re-inserting a present fact) compares
   * values without reading the fact: on 100k entities that read was one cache miss in three of
   * such a lookup (bench: re-inserting present facts, issue 7). Costs 8 bytes per fact.
   */
  declare readonly vkey: unknown;
  /** Insertion order, for deterministic iteration. */
  declare readonly id: number;
  declare readonly fact: unknown;
  constructor(fact: unknown, id: number, vkey: unknown) {
    this.state = null;
    this.tokens = null;
    this.vkey = vkey;
    this.id = id;
    this.fact = fact;
  }
  /** Unconditional: inserted from outside or by insertUnconditional; never withdrawn by TMS. */
  get uncond(): boolean {
    const s = this.state;
    return typeof s === "number" && (s & UNCONDITIONAL) !== 0;
  }
  /** False once retracted: supports that still point here are then ignored. */
  get alive(): boolean {
    const s = this.state;
    return typeof s !== "number" || (s & RETRACTED) === 0;
  }
  /** Its logical supports (none once unconditional or retracted). */
  get by(): Supports {
    const s = this.state;
    return typeof s === "number" ? null : s;
  }
  /** Number of logical supports (fired activations that inserted it and still hold). */
  get support(): number {
    const b = this.by;
    if (b === null) return 0;
    if (b instanceof Activation) return 1;
    return b instanceof Set ? b.size : b.length;
  }
}

/** The logical supports of a fact entry (see {@link FactEntry.by}). */
export type Supports = Activation | readonly Activation[] | Set<Activation> | null;

/** How many supports a fact entry keeps in an array before it switches to a Set. */
export const SMALL_SUPPORTS = 8;

/** The supports of an entry, to iterate (not to keep: the array or Set may be the entry's own). */
export function supportsOf(by: Supports): Iterable<Activation> {
  if (by === null) return NO_SUPPORTS;
  return by instanceof Activation ? [by] : by;
}
const NO_SUPPORTS: readonly Activation[] = [];

/**
 * A partial match at a beta node: its parent token plus what this node added (`data`: the
 * accumulated result, or null; a {@link JoinToken} holds its fact entry there).
 */
export class Token {
  // Fields are assigned in the constructors, not by initializers: an initializer is a function V8
  // calls per object, and with it a token's construction was not inlined into the engine's emit
  // (a generic construct stub per token, ~300 instructions; callgrind, issue 7).
  declare child: Token | null;
  declare next: Token | null;
  declare prev: Token | null;
  /** The runtime node id that produced this token. */
  declare readonly node: number;
  declare readonly parent: Token | null;
  declare readonly data: unknown;
  /** Creation order, for deterministic iteration of large buckets and recency. */
  declare readonly id: number;
  constructor(node: number, parent: Token | null, data: unknown, id: number) {
    this.node = node;
    this.parent = parent;
    this.data = data;
    this.id = id;
    this.child = null;
    this.next = null;
    this.prev = null;
  }
  /** What this level binds: the matched fact, the accumulated result, or null. */
  get value(): unknown {
    const d = this.data;
    return d instanceof FactEntry ? d.fact : d;
  }
}

/** A join's token: its fact entry, and its place on that entry's list of tokens. */
export class JoinToken extends Token {
  declare fnext: JoinToken | null;
  declare fprev: JoinToken | null;
  constructor(node: number, parent: Token | null, data: unknown, id: number) {
    super(node, parent, data, id);
    // the head of its entry's list, which `linkToken` puts it in front of, set here rather than
    // there: linkToken's store to `fnext` of a token of unknown class was a generic StoreIC call
    // in optimized code (~75 instructions per change, join 100k update, callgrind, issue 7)
    this.fnext = data instanceof FactEntry ? data.tokens : null;
    this.fprev = null;
  }
  /** The matched fact's entry. */
  get entry(): FactEntry {
    return this.data as FactEntry;
  }
}

/** Where an activation is in its life. */
export type ActivationState = "pending" | "fired" | "cancelled" | "suppressed" | "dropped";

/**
 * A terminal token: a rule's complete match, on the agenda until it fires.
 *
 * When the rule's last condition is a join whose only child is the rule's terminal, the activation
 * IS that join's token (`data` is the joined fact's entry, `parent` the join's parent token): a
 * separate join token would hold nothing but the activation. Manners creates and cancels millions
 * of activations; the fused form saves an object, its links and a level of removal per match.
 * Otherwise `data` is null and the activation is a child of the token at its terminal's parent
 * (see {@link matchOf}). A join token's fields are unused (null) then.
 */
export class Activation extends JoinToken {
  declare state: ActivationState;
  /**
   * Entries this activation inserted logically (its supports): one entry, or several; written only
   * while it fires. One entry is stored bare (most actions insert one fact): an array per match
   * cost ~48 bytes.
   */
  declare logical: FactEntry | FactEntry[] | null;
  /** Its salience (set once, when created: an expression salience reads the match, this token). */
  declare salience: number;
  /** Index of the production in load order. */
  declare readonly production: number;
  /** Records a logical insert by this activation. Only while it fires (no journal needed). */
  supports(e: FactEntry): void {
    const l = this.logical;
    if (l === null) this.logical = e;
    else if (l instanceof FactEntry) this.logical = [l, e];
    else l.push(e);
  }
  constructor(
    /** The terminal's runtime node id. */
    node: number,
    parent: Token,
    /** The fused join's fact entry, or null (see above). */
    entry: FactEntry | null,
    id: number,
    production: number,
  ) {
    super(node, parent, entry, id);
    this.state = "pending";
    this.logical = null;
    this.salience = 0;
    this.production = production;
  }
}

/**
 * The token of an activation's match at its terminal's parent level (level `terminal.level - 1`):
 * the activation itself when fused with its join, else its parent. Reads only.
 */
export function matchOf(a: Activation): Token {
  return a.data === null ? (a.parent as Token) : a;
}

// ---------------------------------------------------------------- linking (journaled)

/*
 * Why the `born` parameter: objects whose id is above `born` were created in the fire in progress;
 * no older version can see them, so writing their fields needs no journal entry. In a bulk load
 * almost every pointer written belongs to a new token or entry, and skipping those entries cut the
 * journal (and the load time) substantially (bench/engine-micro.ts).
 */

/*
 * The link helpers write each field by name (no `t[field]` with a field passed in): a keyed store
 * through a variable name was a megamorphic access on the hottest path (a measured share of
 * Manners, which links and unlinks millions of tokens).
 */

/*
 * A join token whose parent is the root token (a rule's first pattern) is not on the root's list
 * of children: nothing looks for it there (a join's tokens are found through their fact entry, and
 * `childAt` is asked only for negation, NCC and accumulator nodes), and the root token is never
 * removed. Why: the root's list holds one token per matching fact of every first pattern, so
 * unlinking one touched its two neighbours, two random objects (cache misses on a big memory,
 * issue 7), and `childAt(root, node)` walked all of them. Tested by test/rules/root-children.test.ts.
 */

/** Whether `t` is on its parent's list of children (see above). Reads only. */
function onParentList(p: Token, t: Token): boolean {
  return p.parent !== null || entryOf(t) === null;
}

/**
 * The fact entry `t` holds (a join token's, a fused activation's), else null. Reads `t` only:
 * `t.data instanceof FactEntry` read the entry's header too, a cache miss when unlinking a token
 * from a cold entry (see below).
 */
function entryOf(t: Token): FactEntry | null {
  return t instanceof JoinToken ? (t.data as FactEntry | null) : null;
}

/**
 * Links a new token under its parent and on its entry's token list. Mutates (journaled). A join
 * token is linked before anything else is linked to its entry: its constructor took the entry's
 * list head as its `fnext`.
 */
export function linkToken(j: Journal, t: Token, born: number): void {
  const p = t.parent;
  if (p !== null && onParentList(p, t)) {
    const head = p.child;
    t.next = head; // t is new: no journal entry needed for its own fields
    if (head !== null) {
      if (head.id <= born) j.push(head, "prev", head.prev);
      head.prev = t;
    }
    if (p.id <= born) j.push(p, "child", head);
    p.child = t;
  }
  const e = t.data;
  if (e instanceof FactEntry) {
    // only join tokens (and fused activations, see Activation) hold an entry
    const jt = t as JoinToken;
    const head = e.tokens;
    // jt.fnext === head already: set by the constructor (nothing links to e in between)
    if (head !== null) {
      if (head.id <= born) j.push(head, "fprev", head.fprev);
      head.fprev = jt;
    }
    if (e.id <= born) j.push(e, "tokens", head);
    e.tokens = jt;
  }
}

/*
 * Unlinking journals the old values it knows without reading them: a list's neighbour points at
 * the token being unlinked (`prev.next === t`, `next.prev === t`, and the parent's `child` or the
 * entry's `tokens` is `t` when `t` heads its list). Lists grow at the head, so `t`'s parent, its
 * entry and the tokens after it (`next`, `fnext`) are older than `t`: when `t` predates the fire,
 * so do they, and their ids need not be read either. On a big memory those neighbours are cold;
 * unlinking now only writes them (a store miss the CPU does not wait for) instead of reading
 * them first (join 100k update, callgrind, issue 7; test/rules/remove-tree.test.ts and
 * removal-across-fires.test.ts undo and redo such unlinks).
 */

/** Unlinks a token from its parent's children and its entry's token list. Mutates (journaled). */
export function unlinkToken(j: Journal, t: Token, born: number): void {
  const p = t.parent;
  if (p !== null && onParentList(p, t)) {
    const old = t.id <= born;
    const prev = t.prev;
    const next = t.next;
    if (prev !== null) {
      // prev is newer than t: new when t is
      if (old && prev.id <= born) j.push(prev, "next", t);
      prev.next = next;
    } else {
      if (old || p.id <= born) j.push(p, "child", t);
      p.child = next;
    }
    if (next !== null) {
      if (old || next.id <= born) j.push(next, "prev", t);
      next.prev = prev;
    }
  }
  unlinkFromEntry(j, t, born);
}

/**
 * Unlinks a token from its entry's token list only (nothing for a token that holds no entry), for
 * a token removed with its parent: the parent's list of children goes with the parent, so
 * unlinking from it would only cost journal entries and reads of the siblings (engine.ts,
 * `removeTree`). Mutates (journaled).
 */
export function unlinkFromEntry(j: Journal, t: Token, born: number): void {
  const e = entryOf(t);
  if (e !== null) {
    const jt = t as JoinToken;
    const old = jt.id <= born;
    const fprev = jt.fprev;
    const fnext = jt.fnext;
    if (fprev !== null) {
      if (old && fprev.id <= born) j.push(fprev, "fnext", jt);
      fprev.fnext = fnext;
    } else {
      if (old || e.id <= born) j.push(e, "tokens", jt);
      e.tokens = fnext;
    }
    if (fnext !== null) {
      if (old || fnext.id <= born) j.push(fnext, "fprev", jt);
      fnext.fprev = fprev;
    }
  }
}

/** The child of `t` produced by runtime node `node`, if any (for nodes with one child per token). */
export function childAt(t: Token, node: number): Token | null {
  for (let c = t.child; c !== null; c = c.next) if (c.node === node) return c;
  return null;
}

// ---------------------------------------------------------------- buckets

/**
 * A hash bucket of a beta memory: one item, a small array of 2 to {@link SMALL} items (copied on
 * write), or, for large buckets, a Set held in an array of one ({@link BigBucket}). Why: most join
 * keys hold one or two items, and a Map or Set per key would cost ~150 bytes; small arrays are
 * replaced whole, so their journal entry is one triple.
 *
 * Why a large bucket's Set is wrapped: every bucket operation first tells the three forms apart,
 * and `Array.isArray` is a type check of the object itself, while `b instanceof Set` on a lone
 * item (the common case) walked the item's whole prototype chain (a token's is four objects deep),
 * reading the item's header, a cache miss on a big memory (join 100k update, callgrind, issue 7).
 * With the wrapper a lone item is "not an array", and an array of one is a large bucket.
 */
export type Bucket<T> = T | readonly T[] | BigBucket<T>;

/** A large bucket: its Set, changed in place through the journal, in an array of one. */
export type BigBucket<T> = readonly [Set<T>];

/** The most items a small array bucket holds before it becomes a {@link BigBucket}. */
const SMALL = 8;

/** The Set of a large bucket, or null for a small array. Reads only. */
function bigSet<T>(arr: readonly unknown[]): Set<T> | null {
  return arr.length === 1 ? (arr[0] as Set<T>) : null;
}

/**
 * Adds `item` under `key`. Mutates `map` (journaled). Items are objects, never arrays or Sets.
 * Memories are {@link KeyMap}s: join keys are mostly entity ids. The array forms are handled
 * apart ({@link addToArray}): this part is inlined into the nodes' hot paths, where V8's inlining
 * budget is short, and with them inline the KeyMap's own `get` and `put` were called instead.
 */
export function bucketAdd<T extends object>(j: Journal, map: KeyMap<Bucket<T>>, key: unknown, item: T): void {
  const b = map.get(key);
  if (b === undefined) map.putAbsent(j, key, item);
  else if (!Array.isArray(b)) map.put(j, key, [b as T, item]);
  else addToArray(j, map, key, b as readonly T[], item);
}

/** {@link bucketAdd} to a small array or a large bucket `arr` under `key`. Mutates (journaled). */
function addToArray<T extends object>(j: Journal, map: KeyMap<Bucket<T>>, key: unknown, arr: readonly T[], item: T): void {
  const big = bigSet<T>(arr);
  if (big !== null) {
    // an item is added to a memory once (a token per node, a fact per alpha node): no `has` first
    j.push(big, item, ABSENT);
    big.add(item);
  } else if (arr.length < SMALL) map.put(j, key, withItem(arr, item));
  else {
    const s = new Set<T>(arr);
    s.add(item);
    const wrapped: BigBucket<T> = [s];
    map.put(j, key, wrapped);
  }
}

/**
 * Removes `item` from under `key`. Mutates `map` (journaled). A lone item is recognised by
 * identity first, without reading it (see {@link Bucket}); the array forms are handled apart, as
 * in {@link bucketAdd}.
 */
export function bucketRemove<T extends object>(j: Journal, map: KeyMap<Bucket<T>>, key: unknown, item: T): void {
  const b = map.get(key);
  if (b === item) map.drop(j, key);
  else if (b !== undefined && Array.isArray(b)) removeFromArray(j, map, key, b as readonly T[], item);
}

/** {@link bucketRemove} from a small array or a large bucket `arr` under `key`. Mutates (journaled). */
function removeFromArray<T extends object>(j: Journal, map: KeyMap<Bucket<T>>, key: unknown, arr: readonly T[], item: T): void {
  const big = bigSet<T>(arr);
  if (big !== null) {
    jremove(j, big, item);
    if (big.size === 0) map.drop(j, key);
    return;
  }
  const i = arr.indexOf(item);
  if (i < 0) return;
  if (arr.length === 2) map.put(j, key, arr[1 - i] as T);
  else map.put(j, key, withoutAt(arr, i));
}

/**
 * A copy of `arr` with `item` at the end, allocated at its final length. Why not `[...arr, item]`:
 * the spread filled an empty array and grew it, to a backing store of 17 cells or more for a
 * bucket of 3 (GrowFastSmiOrObjectElements and ~3 last-level write misses per copy, join 100k
 * session update, callgrind), and the bucket kept that store.
 */
function withItem<T>(arr: readonly T[], item: T): T[] {
  const n = arr.length;
  const out = new Array<T>(n + 1);
  for (let k = 0; k < n; k++) out[k] = arr[k] as T;
  out[n] = item;
  return out;
}

/**
 * A copy of `arr` without its item at `i`, in order. Why not `filter`: a closure call per item,
 * and a result that grows as it fills (a new backing store per removal from a small bucket;
 * GrowFastSmiOrObjectElements, join 100k update, callgrind). Why a whole copy, the items after `i`
 * moved down and the last popped: `slice(0, n - 1)` made its result through the array
 * constructor's generic stub (`ArraySingleArgumentConstructor_Holey_DisableAllocationSites`, about
 * 640 instructions a call from `leftRemove`, tenth session); a whole `slice()` is the fast clone.
 */
function withoutAt<T>(arr: readonly T[], i: number): T[] {
  const out = arr.slice();
  const last = out.length - 1;
  for (let k = i; k < last; k++) out[k] = out[k + 1] as T;
  out.pop();
  return out;
}

/** Number of items in a bucket. */
export function bucketSize<T>(b: Bucket<T> | undefined): number {
  if (b === undefined) return 0;
  if (!Array.isArray(b)) return 1;
  const arr = b as readonly unknown[];
  const big = bigSet<T>(arr);
  return big !== null ? big.size : arr.length;
}

/**
 * The item of a bucket holding exactly one, else null (then read {@link bucketItems}). Reads only.
 * Why: most join keys hold one item, and `bucketItems` wraps a lone item in a new array; on a
 * 500k-datom load that array (and its iterator) was a quarter of what the fire allocated
 * (sampling heap profile, issue 7). Also takes a plain array of items (a join's working-memory
 * side, nodes.ts), which is never one item long.
 * @example const one = bucketSingle(b); if (one !== null) visit(one); else for (const x of bucketItems(b)) visit(x);
 */
export function bucketSingle<T extends object>(b: Bucket<T>): T | null {
  return Array.isArray(b) ? null : (b as T);
}

/**
 * The items of a bucket as an array in creation order (by `id`), safe to iterate while the bucket
 * changes. Sets keep insertion order, which is creation order unless an undo re-added an item;
 * such Sets are re-sorted once here, since firing order must not depend on which version was live
 * before (salience-and-ordering.test.ts "is deterministic").
 */
export function bucketItems<T extends { readonly id: number }>(b: Bucket<T> | undefined): readonly T[] {
  if (b === undefined) return EMPTY;
  if (!Array.isArray(b)) return [b as T];
  const arr = b as readonly T[];
  const big = bigSet<T>(arr);
  if (big === null) return arr;
  if (!reordered.has(big)) return Array.from(big);
  // an undo re-added items at the end: put the Set back in creation order (same members, so no
  // journal entry), once, instead of sorting on every iteration
  const items = Array.from(big).sort(byId);
  big.clear();
  for (const x of items) big.add(x);
  reordered.delete(big);
  return items;
}

const EMPTY: readonly never[] = [];
function byId(a: { readonly id: number }, b: { readonly id: number }): number {
  return a.id - b.id;
}
