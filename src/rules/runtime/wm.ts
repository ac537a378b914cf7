/**
 * Working memory: one entry per distinct fact (set semantics). EAVs under the default fact key are
 * indexed attribute -> entity -> value without building a key string per fact: a string key per
 * datom cost ~40 bytes and, measured, twice the time of the nested number-keyed lookups
 * (bench/engine-micro.ts). The entity level is an array indexed by entity id where ids are dense
 * ({@link KeyMap}). Most (e, a) pairs hold one value, so the value level is a Map only when an
 * (e, a) pair has several values. Other facts (or a custom `factKey`) use one Map by key.
 * Every mutation is journaled.
 */
import { isEav, type EAV } from "../../eav/eav.js";
import { jdelete, jset, type Journal } from "./journal.js";
import { KeyMap } from "./keymap.js";
import { FactEntry } from "./memory.js";
import { keyOf } from "./keys.js";

type Slot = FactEntry | Map<unknown, FactEntry>;

/** The fact table of one engine state. */
export class WorkingMemory {
  private readonly byKey = new Map<unknown, FactEntry>();
  private readonly byAttr = new Map<string, KeyMap<Slot>>();

  constructor(
    /** The custom fact key, or null for the default (EAV index; identity for other facts). */
    private readonly factKey: ((fact: unknown) => unknown) | null,
  ) {}

  /** The entry of a fact equal to `fact`, if present. Reads only. */
  get(fact: unknown): FactEntry | undefined {
    if (this.factKey !== null) return this.byKey.get(this.factKey(fact));
    if (!isEav(fact)) return this.byKey.get(fact);
    const slot = this.byAttr.get(fact.a)?.get(keyOf(fact.e));
    if (slot === undefined) return undefined;
    if (slot instanceof FactEntry) return sameKey(slot.vkey, keyOf(fact.v)) ? slot : undefined;
    return slot.get(keyOf(fact.v));
  }

  /**
   * The entries of attribute `a` whose entity key is `ek`, oldest first: one entry, several, or
   * undefined. Only for a memory without a custom fact key, whose EAVs are all indexed here (a join
   * on the entity reads its right side from this index instead of keeping a copy, see nodes.ts).
   * Reads only (a multi-valued pair is copied and sorted: an undo may have disturbed Map order).
   */
  entriesAt(a: string, ek: unknown): FactEntry | readonly FactEntry[] | undefined {
    const slot = this.byAttr.get(a)?.get(ek);
    if (slot === undefined || slot instanceof FactEntry) return slot;
    return Array.from(slot.values()).sort(byId);
  }

  /** The key a fact is stored under in the generic table (null for indexed EAVs). */
  private keyFor(fact: unknown): unknown {
    if (this.factKey !== null) return this.factKey(fact);
    return isEav(fact) ? null : fact;
  }

  /**
   * The `vkey` a new entry for `fact` must carry (see FactEntry): its value's key when the fact goes
   * to the EAV index, else undefined. Reads only.
   */
  vkeyOf(fact: unknown): unknown {
    return this.factKey === null && isEav(fact) ? keyOf(fact.v) : undefined;
  }

  /** Adds an entry (no equal fact may be present; its `vkey` from {@link vkeyOf}). Mutates (journaled). */
  add(j: Journal, e: FactEntry): void {
    const fact = e.fact;
    const key = this.keyFor(fact);
    if (key !== null) {
      jset(j, this.byKey, key, e);
      return;
    }
    const f = fact as EAV;
    let byE = this.byAttr.get(f.a);
    if (byE === undefined) jset(j, this.byAttr, f.a, (byE = new KeyMap<Slot>()));
    const ek = keyOf(f.e);
    const slot = byE.get(ek);
    if (slot === undefined) byE.put(j, ek, e);
    else if (slot instanceof FactEntry) {
      const m = new Map<unknown, FactEntry>([
        [slot.vkey, slot],
        [e.vkey, e],
      ]);
      byE.put(j, ek, m);
    } else jset(j, slot, e.vkey, e);
  }

  /**
   * Removes an entry. `probe` is its fact or one found equal to it by {@link get} (its keys are
   * read instead of the stored fact's, which may be a cache miss away). Mutates (journaled).
   */
  remove(j: Journal, e: FactEntry, probe: unknown = e.fact): void {
    const key = this.keyFor(probe);
    if (key !== null) {
      jdelete(j, this.byKey, key);
      return;
    }
    const f = probe as EAV;
    const byE = this.byAttr.get(f.a);
    if (byE === undefined) return;
    const ek = keyOf(f.e);
    const slot = byE.get(ek);
    if (slot === e) byE.drop(j, ek);
    else if (slot instanceof Map) {
      jdelete(j, slot, e.vkey);
      if (slot.size === 1) byE.put(j, ek, slot.values().next().value as FactEntry);
    }
  }

  /** Every entry, in no particular order. Reads only. */
  *entries(): IterableIterator<FactEntry> {
    yield* this.byKey.values();
    for (const byE of this.byAttr.values()) {
      for (const slot of byE.values()) {
        if (slot instanceof FactEntry) yield slot;
        else yield* slot.values();
      }
    }
  }

  /** Number of facts. Reads only (counts). */
  get size(): number {
    let n = this.byKey.size;
    for (const byE of this.byAttr.values()) for (const slot of byE.values()) n += slot instanceof FactEntry ? 1 : slot.size;
    return n;
  }
}

function byId(x: FactEntry, y: FactEntry): number {
  return x.id - y.id;
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
