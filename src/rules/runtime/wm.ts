/**
 * Working memory: one entry per distinct fact (set semantics). EAVs under the default fact key are
 * indexed attribute -> entity -> value without building a key string per fact: a string key per
 * datom cost ~40 bytes and, measured, twice the time of the nested number-keyed lookups
 * (bench/engine-micro.ts). The entity level is an array indexed by entity id where ids are dense
 * ({@link KeyMap}). Most (e, a) pairs hold one value, so the value level is a Map only when an
 * (e, a) pair has several values. Other facts (or a custom `factKey`) use one Map by key.
 * Every mutation is journaled.
 *
 * An attribute's index ({@link AttrIndex}) also holds the network's alpha nodes of that type, so
 * that the engine finds both with one lookup by attribute per fact it inserts or retracts: it made
 * three (find the entry, add or remove it, the alpha nodes), each a hash probe of a string-keyed
 * Map (Builtins_FindOrderedHashMapEntry, ~75 instructions; join 100k update, callgrind, issue 7).
 */
import { isEav, type EAV } from "../../eav/eav.js";
import type { AlphaNode } from "./alpha.js";
import { jdelete, jset, type Journal } from "./journal.js";
import { KeyMap } from "./keymap.js";
import { FactEntry } from "./memory.js";
import { keyOf, sameKey } from "./keys.js";

/** What an attribute's index holds for one entity: its one entry, or its entries by value key. */
export type Slot = FactEntry | Map<unknown, FactEntry>;

/**
 * The EAVs of one attribute, by entity key then value key, and the network's alpha nodes of that
 * type (undefined: none; the same for every state of a network). Made on first use and never
 * removed, so nothing holding one (the engine during a fact's insertion) sees it replaced.
 */
export class AttrIndex {
  readonly entities = new KeyMap<Slot>();
  constructor(readonly alphas: readonly AlphaNode[] | undefined) {}

  /** The entry of the EAV with entity key `ek` and value key `vk`, if present. Reads only. */
  find(ek: unknown, vk: unknown): FactEntry | undefined {
    return findIn(this.entities.get(ek), vk);
  }

  /**
   * What entity key `ek` holds: one entry, a Map of them by value key, or undefined. Reads only.
   * With {@link findIn} and {@link AttrIndex.addTo}: an insertion looks its entity up once (with
   * `find` then `add` it looked it up twice; join 100k update, callgrind, issue 7).
   */
  slotAt(ek: unknown): Slot | undefined {
    return this.entities.get(ek);
  }

  /**
   * The entries whose entity key is `ek`, oldest first: one entry, several, or undefined. A join
   * on the entity reads its right side here instead of keeping a copy (nodes.ts, JoinNode). Reads
   * only (a multi-valued pair is copied and sorted: an undo may have disturbed Map order).
   */
  entriesAt(ek: unknown): FactEntry | readonly FactEntry[] | undefined {
    const slot = this.entities.get(ek);
    if (slot === undefined || slot instanceof FactEntry) return slot;
    return Array.from(slot.values()).sort(byId);
  }

  /** Adds entry `e` (an EAV of this attribute with entity key `ek`, not present). Mutates (journaled). */
  add(j: Journal, ek: unknown, e: FactEntry): void {
    this.addTo(j, ek, this.entities.get(ek), e);
  }

  /**
   * {@link AttrIndex.add} where `slot` is what {@link AttrIndex.slotAt} returned for `ek`, nothing
   * having changed the index since. Mutates (journaled).
   */
  addTo(j: Journal, ek: unknown, slot: Slot | undefined, e: FactEntry): void {
    const byE = this.entities;
    if (slot === undefined) byE.putAbsent(j, ek, e);
    else if (slot instanceof FactEntry) {
      const m = new Map<unknown, FactEntry>([
        [slot.vkey, slot],
        [e.vkey, e],
      ]);
      byE.put(j, ek, m);
    } else jset(j, slot, e.vkey, e);
  }

  /** Removes entry `e` (an EAV of this attribute with entity key `ek`). Mutates (journaled). */
  remove(j: Journal, ek: unknown, e: FactEntry): void {
    this.removeFrom(j, ek, this.entities.get(ek), e);
  }

  /**
   * {@link AttrIndex.remove} where `slot` is what {@link AttrIndex.slotAt} returned for `ek`,
   * nothing having changed the index since. Mutates (journaled).
   */
  removeFrom(j: Journal, ek: unknown, slot: Slot | undefined, e: FactEntry): void {
    const byE = this.entities;
    if (slot === e) byE.drop(j, ek);
    else if (slot instanceof Map) {
      jdelete(j, slot, e.vkey);
      if (slot.size === 1) byE.put(j, ek, slot.values().next().value as FactEntry);
    }
  }
}

/** The entry with value key `vk` in an entity's slot ({@link AttrIndex.slotAt}), if any. Reads only. */
export function findIn(slot: Slot | undefined, vk: unknown): FactEntry | undefined {
  if (slot === undefined) return undefined;
  if (slot instanceof FactEntry) return sameKey(slot.vkey, vk) ? slot : undefined;
  return slot.get(vk);
}

/** The fact table of one engine state. */
export class WorkingMemory {
  private readonly byKey = new Map<unknown, FactEntry>();
  private readonly byAttr = new Map<string, AttrIndex>();

  constructor(
    /** The custom fact key, or null for the default (EAV index; identity for other facts). */
    private readonly factKey: ((fact: unknown) => unknown) | null,
    /** The network's alpha nodes by type, handed to each attribute's index. */
    private readonly alphaByType: ReadonlyMap<string, readonly AlphaNode[]>,
  ) {}

  /** Whether `fact` goes to the EAV index (an EAV under the default fact key). Reads only. */
  indexed(fact: unknown): fact is EAV {
    return this.factKey === null && isEav(fact);
  }

  /**
   * The index of attribute `a`, made empty on first use. Not journaled: an undo may leave an empty
   * index behind, which changes memory use (one per attribute ever seen), never what memory holds.
   */
  index(a: string): AttrIndex {
    let ix = this.byAttr.get(a);
    if (ix === undefined) this.byAttr.set(a, (ix = new AttrIndex(this.alphaByType.get(a))));
    return ix;
  }

  /** The entry of a fact equal to `fact`, if present. Reads only. */
  get(fact: unknown): FactEntry | undefined {
    if (this.factKey !== null) return this.byKey.get(this.factKey(fact));
    if (!isEav(fact)) return this.byKey.get(fact);
    return this.byAttr.get(fact.a)?.find(keyOf(fact.e), keyOf(fact.v));
  }

  /**
   * The `vkey` a new entry for `fact` must carry (see FactEntry): its value's key when the fact goes
   * to the EAV index, else undefined. Reads only.
   */
  vkeyOf(fact: unknown): unknown {
    return this.indexed(fact) ? keyOf(fact.v) : undefined;
  }

  /**
   * Adds an entry (no equal fact may be present; its `vkey` from {@link vkeyOf}). Mutates
   * (journaled). The engine adds indexed EAVs through their {@link AttrIndex} itself.
   */
  add(j: Journal, e: FactEntry): void {
    const fact = e.fact;
    if (this.indexed(fact)) this.index(fact.a).add(j, keyOf(fact.e), e);
    else jset(j, this.byKey, this.factKey === null ? fact : this.factKey(fact), e);
  }

  /**
   * Removes an entry. `probe` is its fact or one found equal to it by {@link get} (its keys are
   * read instead of the stored fact's, which may be a cache miss away). Mutates (journaled).
   */
  remove(j: Journal, e: FactEntry, probe: unknown = e.fact): void {
    if (this.indexed(probe)) this.index(probe.a).remove(j, keyOf(probe.e), e);
    else jdelete(j, this.byKey, this.factKey === null ? probe : this.factKey(probe));
  }

  /** Every entry, in no particular order. Reads only. */
  *entries(): IterableIterator<FactEntry> {
    yield* this.byKey.values();
    for (const ix of this.byAttr.values()) {
      for (const slot of ix.entities.values()) {
        if (slot instanceof FactEntry) yield slot;
        else yield* slot.values();
      }
    }
  }

  /** Number of facts. Reads only (counts). */
  get size(): number {
    let n = this.byKey.size;
    for (const ix of this.byAttr.values()) for (const slot of ix.entities.values()) n += slot instanceof FactEntry ? 1 : slot.size;
    return n;
  }
}

function byId(x: FactEntry, y: FactEntry): number {
  return x.id - y.id;
}
