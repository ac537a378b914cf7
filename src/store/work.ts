/**
 * The working copy of one transaction: plain JS overlays on top of the immutable indexes of the
 * store before. Created, mutated and dropped inside one `transactOps` call (STYLE.md: mutation
 * lives inside one function body); `commit.ts` folds them into new immutable indexes.
 *
 * Why overlays and not `asMutable()` indexes: a retry (identity upsert after a tempid was
 * allocated) restarts the transaction; dropping an overlay is free, and the net delta falls out of
 * comparing an overlay with its base without per-datom bookkeeping.
 */
import { EAV, sameKey, valueKey, type Attribute, type Eid, type Value } from "../eav/index.js";
import { isValueSet, referrerPairs, type EntityRecord, type RefChange, type Slot } from "./record.js";
import type { AvMap } from "./avmap.js";
import type { AvIndex, VaeIndex } from "./store.js";

/** Marks a card-one attribute removed in the overlay. */
export const ABSENT: unique symbol = Symbol("absent");
/** The type of {@link ABSENT}. */
export type Absent = typeof ABSENT;

/**
 * True for {@link ABSENT} (the one symbol a slot may hold: no value is a symbol). A type test, not
 * `=== ABSENT`: comparing a string or a number with a symbol has no type feedback optimised code
 * can use, and each such comparison called the generic `StrictEqual` builtin (issue 7, callgrind).
 */
export function isAbsent(x: unknown): x is Absent {
  return typeof x === "symbol";
}

/**
 * The working state of one card-many attribute: values added and removed relative to `base` (its
 * slot before the tx: one value, or a value set; see record.ts). The Maps are made on first use: a
 * fire's one-datom transactions add or remove one value, and each Map allocated a hash table.
 */
export interface ManyWork {
  readonly base: Slot | undefined;
  added: ValueDelta | undefined;
  removed: ValueDelta | undefined;
}

/**
 * The values a transaction added to (or removed from) one card-many attribute, by value key, in
 * insertion order: the first inline, a Map from the second on. A fire's one-datom transactions add
 * or remove one value, and the Map each allocated (its hash table, its iterators in the commit)
 * was a measured share of them (issue 7). Mutable; lives inside one transaction attempt.
 */
export class ValueDelta {
  /** The entries while there is at most one (`count` 0 or 1)... */
  private count = 0;
  private oneKey: unknown = undefined;
  private oneValue: Value | undefined = undefined;
  /** ...or, from the second, every entry. */
  private map: Map<unknown, Value> | undefined = undefined;

  /** How many values. */
  get size(): number {
    return this.map === undefined ? this.count : this.map.size;
  }

  /** True when it holds value key `k` (compared as a Map compares its keys). */
  has(k: unknown): boolean {
    if (this.map !== undefined) return this.map.has(k);
    return this.count === 1 && sameKey(this.oneKey, k);
  }

  /** Mutates: holds `v` under key `k`. */
  setMut(k: unknown, v: Value): void {
    if (this.map !== undefined) this.map.set(k, v);
    else if (this.count === 0 || sameKey(this.oneKey, k)) {
      this.count = 1;
      // a Map keeps -0 as 0
      this.oneKey = k === 0 ? 0 : k;
      this.oneValue = v;
    } else {
      this.map = new Map<unknown, Value>().set(this.oneKey, this.oneValue!).set(k, v);
      this.oneKey = undefined;
      this.oneValue = undefined;
    }
  }

  /** Mutates: drops key `k` (if held). */
  deleteMut(k: unknown): void {
    if (this.map !== undefined) this.map.delete(k);
    else if (this.count === 1 && sameKey(this.oneKey, k)) {
      this.count = 0;
      this.oneKey = undefined;
      this.oneValue = undefined;
    }
  }

  /** The first value (the caller checked `size` > 0). */
  first(): Value {
    return this.map === undefined ? this.oneValue! : (this.map.values().next().value as Value);
  }

  /** Calls `f` on each value and its key, in insertion order. */
  forEach(f: (v: Value, k: unknown) => void): void {
    if (this.map !== undefined) this.map.forEach(f);
    else if (this.count === 1) f(this.oneValue!, this.oneKey);
  }

  /** Mutates `out`: pushes `[e a v]` for each value `v`, in insertion order. */
  pushDatoms(e: Eid, a: Attribute, out: EAV[]): void {
    if (this.map !== undefined) for (const v of this.map.values()) out.push(new EAV(e, a, v));
    else if (this.count === 1) out.push(new EAV(e, a, this.oneValue!));
  }
}

/** True when card-many slot `slot` (one value or a value set) holds the value with key `k`. */
export function slotHas(slot: Slot | undefined, k: unknown): boolean {
  if (slot === undefined) return false;
  return isValueSet(slot) ? slot.has(k) : valueKey(slot) === k;
}

/** The card-one arrays of a working entity before its first card-one write (never written). */
const NO_ONE_ATTRS: Attribute[] = [];
const NO_ONE_VALS: Array<Value | Absent> = [];

/**
 * An array of `size` cells of `undefined`, whose elements kind is the most general from the start:
 * up to 8 an array literal, past that a filled `new Array(n)`. A bare `new Array(n)` starts as
 * small integers and changes kind on its first string or fraction: the stores in `setOneMut` went
 * megamorphic on the update step, and after a load's 5-attribute maps (`new Array(5)`) they still
 * were, through the generic keyed-store builtin, about 180 instructions per update map (issue 7).
 */
function cells(size: number): unknown[] {
  switch (size) {
    case 1:
      return [undefined];
    case 2:
      return [undefined, undefined];
    case 3:
      return [undefined, undefined, undefined];
    case 4:
      return [undefined, undefined, undefined, undefined];
    case 5:
      return [undefined, undefined, undefined, undefined, undefined];
    case 6:
      return [undefined, undefined, undefined, undefined, undefined, undefined];
    case 7:
      return [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
    case 8:
      return [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
    default:
      return new Array<unknown>(size).fill(undefined);
  }
}

/** One entity touched by the transaction. */
export class WorkEntity {
  /**
   * Card-one attributes changed by the tx and their current value or {@link ABSENT}, as parallel
   * arrays whose first {@link oneCount} cells are used: entities have few attributes, and a load
   * touches every entity once (no Map per entity). They are allocated at the size the entity's
   * entity map asks for: arrays grown by `push` start at 17 cells, 30 MB of a 100k-map load.
   * They are made on the first card-one write (shared empty ones until then, never written): a
   * fire's one-datom transactions change a card-many attribute.
   */
  oneAttrs: Attribute[] = NO_ONE_ATTRS;
  oneVals: Array<Value | Absent> = NO_ONE_VALS;
  /** How many cells of {@link oneAttrs} and {@link oneVals} are used. */
  oneCount = 0;
  /** Card-many attributes changed by the tx (made on first use: most entities have none)... */
  manyAttrs: Attribute[] | undefined;
  /** ...and their working states (parallel arrays: an entity has few, and a Map cost a hash table). */
  manyWorks: ManyWork[] | undefined;
  /** The redundant adds on this entity reported so far (commit.ts `redundantAdds` deduplicates). */
  redundantSeen: Array<{ readonly a: Attribute; readonly v: Value }> | undefined;

  /** `size`: how many card-one attributes the tx is expected to write (the arrays grow past it). */
  constructor(
    readonly eid: Eid,
    readonly base: EntityRecord | undefined,
    private readonly size: number,
  ) {}

  /** The cell of card-one attribute `a`, or -1. */
  private oneIndex(a: Attribute): number {
    const attrs = this.oneAttrs;
    for (let i = 0; i < this.oneCount; i++) if (attrs[i] === a) return i;
    return -1;
  }

  /** The current card-one value, or {@link ABSENT}. */
  getOne(a: Attribute): Value | Absent {
    const i = this.oneIndex(a);
    if (i >= 0) return this.oneVals[i]!;
    const b = this.base?.get(a);
    return b === undefined || isValueSet(b) ? ABSENT : b;
  }

  /** True when the card-one value of `a` (if any) is the one from before the tx (not written by it). */
  baseHoldsOne(a: Attribute): boolean {
    return this.oneIndex(a) < 0;
  }

  /** True when card-many value key `k` of `a`, held now, was held before the tx (not added by it). */
  baseHoldsMany(a: Attribute, k: unknown): boolean {
    return !(this.manyWork(a)?.added?.has(k) ?? false);
  }

  /** The working state of card-many attribute `a`, if the tx changed it. */
  manyWork(a: Attribute): ManyWork | undefined {
    const attrs = this.manyAttrs;
    if (attrs === undefined) return undefined;
    for (let i = 0; i < attrs.length; i++) if (attrs[i] === a) return this.manyWorks![i];
    return undefined;
  }

  /** Mutates: sets or removes (`ABSENT`) the card-one value. */
  setOneMut(a: Attribute, v: Value | Absent): void {
    const i = this.oneIndex(a);
    if (i >= 0) this.oneVals[i] = v;
    else {
      const n = this.oneCount++;
      if (n === 0 && this.oneAttrs === NO_ONE_ATTRS) {
        this.oneAttrs = cells(this.size) as Attribute[];
        this.oneVals = cells(this.size) as Array<Value | Absent>;
      }
      this.oneAttrs[n] = a;
      this.oneVals[n] = v;
    }
  }

  /** True when the card-many attribute currently holds the value with key `k`. */
  hasMany(a: Attribute, k: unknown): boolean {
    const m = this.manyWork(a);
    if (m === undefined) return slotHas(this.base?.get(a), k);
    if (m.added?.has(k) === true) return true;
    if (m.removed?.has(k) === true) return false;
    return slotHas(m.base, k);
  }

  /** Mutates: adds a card-many value (the caller checked it is absent). */
  addManyMut(a: Attribute, k: unknown, v: Value): void {
    const m = this.manyOf(a);
    if (m.removed?.has(k) === true) m.removed.deleteMut(k);
    else (m.added ??= new ValueDelta()).setMut(k, v);
  }

  /** Mutates: removes a card-many value (the caller checked it is present). */
  removeManyMut(a: Attribute, k: unknown, v: Value): void {
    const m = this.manyOf(a);
    if (m.added?.has(k) === true) m.added.deleteMut(k);
    else (m.removed ??= new ValueDelta()).setMut(k, v);
  }

  /** The current values of a card-many attribute. */
  manyValues(a: Attribute): Value[] {
    const m = this.manyWork(a);
    const b = m === undefined ? this.base?.get(a) : m.base;
    const out: Value[] = [];
    if (isValueSet(b)) {
      for (const [k, v] of b) if (m?.removed?.has(k) !== true) out.push(v);
    } else if (b !== undefined && m?.removed?.has(valueKey(b)) !== true) out.push(b);
    m?.added?.forEach((v) => out.push(v));
    return out;
  }

  /** Every attribute that may currently hold a value (base attributes and touched ones). */
  attributes(): Attribute[] {
    const out = new Set<Attribute>(this.base?.attrs);
    for (let i = 0; i < this.oneCount; i++) out.add(this.oneAttrs[i]!);
    if (this.manyAttrs !== undefined) for (const a of this.manyAttrs) out.add(a);
    return [...out];
  }

  private manyOf(a: Attribute): ManyWork {
    let m = this.manyWork(a);
    if (m === undefined) {
      m = { base: this.base?.get(a), added: undefined, removed: undefined };
      // literals: an array grown by `push` from empty starts at 17 cells
      if (this.manyAttrs === undefined) {
        this.manyAttrs = [a];
        this.manyWorks = [m];
      } else {
        this.manyAttrs.push(a);
        this.manyWorks!.push(m);
      }
    }
    return m;
  }
}

/** Overlay of an AV index: `null` marks a value no longer held. */
export class AvWork {
  /** Per attribute, its changes; made on the first (most transactions change no unique value). */
  private changeMaps: Map<Attribute, Map<unknown, Eid | null>> | undefined = undefined;

  /**
   * The attribute {@link get} read from the base last, and its values: the outer Map lookup by
   * attribute cost about 60 instructions per identity upsert (issue 7). "" (no attribute) at first:
   * a string, so that comparing it stays a string comparison.
   */
  private lastAttr: Attribute = "";
  private lastValues: AvMap | undefined = undefined;
  /** The attribute read before {@link lastAttr}, and its values (identity upserts of orders and lookup refs to customers alternate). */
  private prevAttr: Attribute = "";
  private prevValues: AvMap | undefined = undefined;

  constructor(private readonly base: AvIndex) {}

  /** Per attribute, the changes of the transaction (empty when none). */
  get changes(): ReadonlyMap<Attribute, ReadonlyMap<unknown, Eid | null>> {
    return this.changeMaps ?? NO_CHANGES;
  }

  /** The entity currently holding value key `k` under `a`. */
  get(a: Attribute, k: unknown): Eid | undefined {
    if (this.changeMaps !== undefined) {
      const c = this.changeMaps.get(a)?.get(k);
      if (c !== undefined) return c ?? undefined;
    }
    if (a !== this.lastAttr) {
      const values = a === this.prevAttr ? this.prevValues : this.base.get(a);
      this.prevAttr = this.lastAttr;
      this.prevValues = this.lastValues;
      this.lastAttr = a;
      this.lastValues = values;
    }
    return this.lastValues?.get(k);
  }

  /** Mutates: records that `e` holds (or, with `null`, that nobody holds) value key `k` under `a`. */
  setMut(a: Attribute, k: unknown, e: Eid | null): void {
    const maps = (this.changeMaps ??= new Map());
    let m = maps.get(a);
    if (m === undefined) maps.set(a, (m = new Map()));
    m.set(k, e);
  }
}

const NO_CHANGES: ReadonlyMap<Attribute, ReadonlyMap<unknown, Eid | null>> = new Map();
const NO_EIDS: readonly Eid[] = [];

/** Overlay of the VAE index: per target, the ref changes of the tx in order. */
export class VaeWork {
  /** Per target its changes (targets new in the tx, a load's, by offset: see {@link EidTable})... */
  private readonly logs: EidTable<RefChange[]>;
  /** ...and the targets in the order first changed (made on the first: most transactions change no ref). */
  private targetList: Eid[] | undefined = undefined;

  /** `firstFresh`: the first eid the transaction may hand out. */
  constructor(
    private readonly base: VaeIndex,
    firstFresh: number,
  ) {
    this.logs = new EidTable(firstFresh);
  }

  /** The targets in the order first changed. */
  get targets(): readonly Eid[] {
    return this.targetList ?? NO_EIDS;
  }

  /** The changes of `target` in order (it is one of {@link targets}). */
  changesOf(target: Eid): readonly RefChange[] {
    return this.logs.get(target) ?? [];
  }

  /** Mutates: records that `source` now points (or no longer points) at `target` through `attr`. */
  setMut(target: Eid, attr: Attribute, source: Eid, present: boolean): void {
    const log = this.logs.get(target);
    if (log !== undefined) log.push({ attr, source, present });
    else {
      this.logs.setMut(target, [{ attr, source, present }]);
      // a literal: an array grown by `push` from empty starts at 17 cells
      if (this.targetList === undefined) this.targetList = [target];
      else this.targetList.push(target);
    }
  }

  /** Every `[attribute, source]` currently pointing at `target`. */
  incoming(target: Eid): Array<[Attribute, Eid]> {
    const pairs = referrerPairs(this.base.get(target));
    for (const c of this.logs.get(target) ?? []) {
      const i = pairs.findIndex((p) => p.source === c.source && p.attr === c.attr);
      if (c.present && i < 0) pairs.push({ attr: c.attr, source: c.source });
      else if (!c.present && i >= 0) pairs.splice(i, 1);
    }
    return pairs.map((p) => [p.attr, p.source]);
  }
}

/**
 * A mutable table keyed by eid, for one transaction attempt: the eids from `first` on (those the
 * attempt hands out, in order) in an array by offset, the first few others in two small arrays,
 * the rest in a Map. A load of 100k new entities kept two 100k-entry hash tables (working entities,
 * defined eids) alive through the transaction, which V8 promotes and only frees at its next full
 * collection (issue 7, peak RSS); a fire's one-datom transactions allocated a Map's hash table for
 * their one existing entity (and another for its ref target).
 */
export class EidTable<V> {
  /** The values of eids from `first` on, by offset (made on the first: most tables hold none). */
  private fresh: Array<V | undefined> | undefined = undefined;
  /**
   * The first other eid and its value, inline (a fire's one-datom transactions touch one entity and
   * one ref target: no arrays for them)...
   */
  private oneKey: Eid | undefined = undefined;
  private oneVal: V | undefined = undefined;
  /** ...the next ones, up to {@link SMALL} in all, and their values (until the Map is made)... */
  private smallKeys: Eid[] | undefined = undefined;
  private smallVals: V[] | undefined = undefined;
  /** ...or, past those, every other eid. */
  private others: Map<Eid, V> | undefined = undefined;

  constructor(private readonly first: number) {}

  /** The value of `e`, or undefined. */
  get(e: Eid): V | undefined {
    const fresh = this.fresh;
    if (fresh !== undefined && typeof e === "number") {
      const i = e - this.first;
      if (i >= 0 && i < fresh.length) {
        const v = fresh[i];
        if (v !== undefined) return v;
      }
    }
    if (this.others !== undefined) return this.others.get(e);
    if (this.oneKey === e) return this.oneVal;
    const keys = this.smallKeys;
    if (keys !== undefined) for (let j = 0; j < keys.length; j++) if (keys[j] === e) return this.smallVals![j];
    return undefined;
  }

  /** Mutates: `e` maps to `v` (an eid far past the array's end, or already stored elsewhere, goes to the others). */
  setMut(e: Eid, v: V): void {
    if (typeof e === "number" && Number.isInteger(e)) {
      const i = e - this.first;
      if (i >= 0 && i < (this.fresh?.length ?? 0) + 1024 && !this.inOthers(e)) {
        const fresh = (this.fresh ??= []);
        // holes (eids handed out but not stored here) stay undefined; the array stays small
        while (fresh.length < i) fresh.push(undefined);
        fresh[i] = v;
        return;
      }
    }
    if (this.others !== undefined) {
      this.others.set(e, v);
      return;
    }
    if (this.oneKey === undefined || this.oneKey === e) {
      this.oneKey = e;
      this.oneVal = v;
      return;
    }
    const keys = this.smallKeys;
    if (keys === undefined) {
      // literals: an array grown by `push` from empty starts at 17 cells
      this.smallKeys = [e];
      this.smallVals = [v];
      return;
    }
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === e) {
        this.smallVals![j] = v;
        return;
      }
    }
    if (keys.length < SMALL - 1) {
      keys.push(e);
      this.smallVals!.push(v);
      return;
    }
    // past the small arrays every other eid moves to the Map (one place to look)
    const others = new Map<Eid, V>();
    others.set(this.oneKey, this.oneVal!);
    this.oneKey = undefined;
    this.oneVal = undefined;
    for (let j = 0; j < keys.length; j++) others.set(keys[j]!, this.smallVals![j]!);
    others.set(e, v);
    this.others = others;
    this.smallKeys = undefined;
    this.smallVals = undefined;
  }

  /** True when `e` is stored outside the fresh array. */
  private inOthers(e: Eid): boolean {
    if (this.others !== undefined) return this.others.has(e);
    if (this.oneKey === e) return true;
    const keys = this.smallKeys;
    if (keys === undefined) return false;
    for (let j = 0; j < keys.length; j++) if (keys[j] === e) return true;
    return false;
  }
}

/** Other eids an {@link EidTable} keeps (inline and in its small arrays) before it makes its Map. */
const SMALL = 8;
