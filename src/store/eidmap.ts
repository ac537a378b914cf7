/**
 * An immutable map keyed by entity id, for the EAV and VAE indexes: a persistent 64-way radix trie
 * over the numeric eids below 2^24 (the store allocates eids densely from 1, so the trie is one
 * level of 64-cell leaves under a couple of small inner levels), and an immutable.js Map for the
 * other eids (keywords, far numbers).
 *
 * Why: reads are a few array loads (no hashing), and a batch of changes copies each touched node
 * once. A node carries, in its last cell, the token of the batch that made it: a batch writes in
 * place the nodes it made itself and copies the others (Clojure's transient "edit" mark), so a
 * store kept from before never sees a later change. Measured on the session join benchmark (issue
 * 7): this replaces a frozen array plus an immutable.js Map overlay that was rebuilt (the whole
 * array copied) once it outgrew an eighth of the map, where every overlay entry cost a few
 * immutable.js nodes and every read a hash probe first.
 */
import { Map as IMap } from "immutable";
import type { Eid } from "../eav/index.js";

const BITS = 6;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
/** The cell of a node holding the token of the batch that made it. */
const EDIT = WIDTH;
/** Numeric eids from here on go to the Map: the trie stays at most four levels deep. */
const TRIE_LIMIT = 1 << 24;

/** A trie node: 64 cells (children, or values in a leaf), then the token of the batch that made it. */
type TrieNode = unknown[];

/** True for the keys the trie holds (integers in [0, 2^24)); other keys go to the Map. */
export function isTrieKey(e: unknown): e is number {
  return typeof e === "number" && e >= 0 && e < TRIE_LIMIT && Math.floor(e) === e;
}

function newNode(edit: object): TrieNode {
  const n = new Array<unknown>(WIDTH + 1);
  n[EDIT] = edit;
  return n;
}

/** The node without a batch token, shared by every empty map (never written: no batch owns it). */
const EMPTY_NODE: TrieNode = newNode({});

/**
 * Immutable eid-keyed map. Every method leaves it unchanged; {@link EidMap.withChanges} returns a
 * new one sharing structure.
 * @example EidMap.empty<string>().withChanges([1], ["a"]).get(1) // "a"
 */
export class EidMap<V> {
  /** @internal Made by {@link EidMap.empty} and {@link EidMapEditor.done} only. */
  constructor(
    /** The trie's root; at `shift` 0 it is a leaf. Nodes are never written once their batch ends. */
    readonly root: TrieNode,
    /** Bits below the root's index: the trie holds eids below `2 ** (shift + 6)`. */
    readonly shift: number,
    /** Values of the eids the trie does not hold. */
    readonly others: IMap<Eid, V>,
    /** Number of keys. */
    readonly size: number,
  ) {}

  private static readonly EMPTY = new EidMap<never>(EMPTY_NODE, 0, IMap<Eid, never>(), 0);

  /** The empty map. */
  static empty<V>(): EidMap<V> {
    return EidMap.EMPTY as EidMap<V>;
  }

  /** The value of `e`, or `undefined`. */
  get(e: Eid): V | undefined {
    if (!isTrieKey(e)) return this.others.size === 0 ? undefined : this.others.get(e);
    return trieGet(this.root, this.shift, e) as V | undefined;
  }

  /**
   * A new map with `values[i]` set for `eids[i]`, in order (`undefined` deletes): parallel arrays,
   * not pairs (a load's 100k pairs were garbage the size of the index). `edit` is the token of the
   * batch: nodes carrying it are written in place, so only a caller that never reads the maps made
   * earlier with the same token passes one (see `TxBatch`); by default the call is its own batch.
   */
  withChanges(eids: readonly Eid[], values: ReadonlyArray<V | undefined>, edit: object = {}): EidMap<V> {
    const editor = new EidMapEditor(this, edit);
    for (let c = 0; c < eids.length; c++) editor.set(eids[c]!, values[c]);
    return editor.done();
  }

  /** `[eid, value]` pairs: numeric eids in ascending order, then the others. Not a hot path. */
  *entries(): IterableIterator<[Eid, V]> {
    const out: Array<[Eid, V]> = [];
    collect<V>(this.root, this.shift, 0, out);
    for (const pair of out) yield pair;
    const numbers: Array<[number, V]> = [];
    for (const [e, v] of this.others) if (typeof e === "number") numbers.push([e, v]);
    numbers.sort((x, y) => x[0] - y[0]);
    for (const pair of numbers) yield pair;
    for (const [e, v] of this.others) if (typeof e !== "number") yield [e, v];
  }
}

/**
 * The changes of one batch to an {@link EidMap}, made one at a time: {@link set} writes in place the
 * nodes carrying the batch's token `edit` and copies the others (so the map it started from, and
 * any map whose nodes lack the token, never sees a change), {@link get} reads the map as changed so
 * far, {@link done} is the new map. Mutable; a batch's. `withChanges` is one editor's run; a
 * transaction that builds its records one entity at a time (stream.ts) keeps one open.
 * @example const ed = new EidMapEditor(EidMap.empty<string>(), {}); ed.set(1, "a"); ed.done().get(1) // "a"
 */
export class EidMapEditor<V> {
  private root: TrieNode;
  private shift: number;
  private size: number;
  /** The changes of eids the trie does not hold, in order (made on the first). */
  private othersChanged: Array<readonly [Eid, V | undefined]> | undefined = undefined;
  /** Whether a trie value changed (an owned root is written in place: not seen on the root). */
  private changed = false;
  /** The eid {@link getOwned} read last, and its leaf when it is in the trie and held a value. */
  private ownedKey: Eid | undefined = undefined;
  private ownedLeaf: TrieNode | undefined = undefined;

  constructor(
    private readonly from: EidMap<V>,
    private readonly edit: object,
  ) {
    this.root = from.root;
    this.shift = from.shift;
    this.size = from.size;
  }

  /** The value of `e` with the changes so far. */
  get(e: Eid): V | undefined {
    if (isTrieKey(e)) return trieGet(this.root, this.shift, e) as V | undefined;
    const changes = this.othersChanged;
    if (changes !== undefined) for (let i = changes.length - 1; i >= 0; i--) if (changes[i]![0] === e) return changes[i]![1];
    return this.from.others.size === 0 ? undefined : this.from.others.get(e);
  }

  /**
   * The value of `e`, like {@link get}, with the path to it made this batch's own (nodes copied
   * where they lack its token) when `e` holds a value: {@link replaceOwned} then writes it without
   * walking again. A caller that reads an entity's record and then replaces it walks the trie once.
   */
  getOwned(e: Eid): V | undefined {
    this.ownedLeaf = undefined;
    this.ownedKey = e;
    if (!isTrieKey(e) || e >>> this.shift >= WIDTH) return this.get(e);
    const edit = this.edit;
    let node = this.root;
    if (node[EDIT] !== edit) this.root = node = copyNode(node, edit);
    for (let s = this.shift; s > 0; s -= BITS) {
      const i = (e >>> s) & MASK;
      let child = node[i] as TrieNode | undefined;
      if (child === undefined) return undefined;
      if (child[EDIT] !== edit) node[i] = child = copyNode(child, edit);
      node = child;
    }
    const v = node[e & MASK] as V | undefined;
    if (v !== undefined) this.ownedLeaf = node;
    return v;
  }

  /** Mutates: the eid {@link getOwned} read last, which held a value, maps to `v` (a value). */
  replaceOwned(v: V): void {
    const leaf = this.ownedLeaf;
    if (leaf === undefined) return this.set(this.ownedKey!, v);
    this.changed = true;
    leaf[(this.ownedKey as number) & MASK] = v;
  }

  /** Mutates: `e` maps to `v` (`undefined` deletes). */
  set(e: Eid, v: V | undefined): void {
    if (!isTrieKey(e)) {
      (this.othersChanged ??= []).push([e, v]);
      return;
    }
    let root = this.root;
    let shift = this.shift;
    const old = trieGet(root, shift, e);
    if (old === v) return;
    if (v === undefined) this.size--;
    else if (old === undefined) this.size++;
    this.changed = true;
    const edit = this.edit;
    while (e >>> shift >= WIDTH) {
      // grow: the old root becomes the first child of a new one
      const up = newNode(edit);
      up[0] = root;
      root = up;
      shift += BITS;
    }
    if (root[EDIT] !== edit) root = copyNode(root, edit);
    this.root = root;
    this.shift = shift;
    let node = root;
    for (let s = shift; s > 0; s -= BITS) {
      const i = (e >>> s) & MASK;
      let child = node[i] as TrieNode | undefined;
      if (child === undefined) child = newNode(edit);
      else if (child[EDIT] !== edit) child = copyNode(child, edit);
      else {
        node = child;
        continue;
      }
      node[i] = child;
      node = child;
    }
    node[e & MASK] = v;
  }

  /** The map with every change so far (the one it started from when nothing changed). */
  done(): EidMap<V> {
    const from = this.from;
    let others = from.others;
    let size = this.size;
    const changes = this.othersChanged;
    if (changes !== undefined) {
      others = others.withMutations((m) => {
        for (const [e, v] of changes) {
          const had = m.has(e);
          if (v === undefined) {
            if (had) size--;
            m.delete(e);
          } else {
            if (!had) size++;
            m.set(e, v);
          }
        }
      });
    }
    return !this.changed && others === from.others ? from : new EidMap(this.root, this.shift, others, size);
  }
}

function trieGet(root: TrieNode, shift: number, e: number): unknown {
  if (e >>> shift >= WIDTH) return undefined;
  let node = root;
  for (let s = shift; s > 0; s -= BITS) {
    const child = node[(e >>> s) & MASK] as TrieNode | undefined;
    if (child === undefined) return undefined;
    node = child;
  }
  return node[e & MASK];
}

function copyNode(node: TrieNode, edit: object): TrieNode {
  const n = node.slice();
  n[EDIT] = edit;
  return n;
}

/** Pushes the trie's entries in ascending eid order. */
function collect<V>(node: TrieNode, shift: number, prefix: number, out: Array<[Eid, V]>): void {
  for (let i = 0; i < WIDTH; i++) {
    const x = node[i];
    if (x === undefined) continue;
    if (shift === 0) out.push([prefix + i, x as V]);
    else collect(x as TrieNode, shift - BITS, prefix + i * 2 ** shift, out);
  }
}
