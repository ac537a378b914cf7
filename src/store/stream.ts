/**
 * The streaming front end: a transaction of card-one changes to existing entities (entity maps that
 * upsert by one identity value they hold, EAVs and triples on existing eids), each entity's new
 * record, index nodes and delta made while its record is at hand, entry by entry, without a
 * transaction attempt, working entities or a commit pass. It is a caller's update: the benchmark's
 * 5,000 one-attribute upserts (`{ "order/id": "o7", "order/amount": 700 }`) into a 100k store.
 *
 * Why: the direct front end ran such an update through a `TxRun` (a working entity per map in an
 * eid-keyed Map, overlays, then a commit that read every record again): about 5,200 JS
 * instructions per map (bench/callgrind, `PART=tx`, issue 7, tenth session).
 *
 * How it stays the same transaction: it takes only input whose outcome is each entity's card-one
 * slots replaced or added, in order, and it builds what `commit` builds for it:
 * - the delta lists an entity's datoms at its first touch, in the order its attributes were first
 *   written, each retraction before its add: an entity touched again later in the transaction (a
 *   re-touch, found in a bitset or a Set of the eids so far) gets its net delta computed at the end
 *   from its record before and after, its attributes ordered by replaying its entries;
 * - redundant adds (an add of the value held) are reported as the op pipeline reports them: held
 *   before the transaction and after it, once each;
 * - referrers change one ref at a time, as `applyRefChanges` applies a target's changes in order.
 * The new nodes carry a token of this transaction's own (never a `TxBatch`'s): the store before is
 * never written, so giving up at any point is free. Anything else gives up (a new entity, a tempid,
 * `eav/eid`, a unique attribute other than the map's identity, a card-many or component attribute,
 * a lookup ref that finds nothing, a value that fails a check, a retraction, a list form, `warn`
 * modes, conflict checks), and the other front ends run the transaction from the start, errors
 * included. test/store/stream.test.ts compares it with the op pipeline.
 */
import { EAV, EID, isKeyword, isPlainObject, isTripleShape, valueEquals, valueKey, type Attribute, type Eid, type InputMode, type Value } from "../eav/index.js";
import type { AvMap } from "./avmap.js";
import { EidMapEditor } from "./eidmap.js";
import { attrIndex, withRefChange, type EntityRecord, type Referrers } from "./record.js";
import { eavList, recordWithSlot } from "./commit.js";
import type { AttrInfo } from "./schema.js";
import { Store, avOf, type Indexes } from "./store.js";
import { NO_TEMPIDS, NONE, type TxReport } from "./report.js";
import { acceptable } from "./single.js";
import { RedundantFilter } from "./redundant.js";

/** The touch tables before the first touch (never written). */
const NO_NUMBERS: number[] = [];

/** Gives up the streaming front end (caught below; never escapes). */
class GiveUp {}
const GIVE_UP = new GiveUp();

/**
 * Runs `input` (`mode` "tx" or "add") on `store` when this front end takes it (see the module's
 * doc): its report, else `undefined` (nothing was changed). Throws nothing of its own.
 */
export function runStream(store: Store, input: unknown, mode: InputMode, redundantFor: ReadonlySet<Attribute> | undefined): TxReport | undefined {
  if (mode === "retract") return undefined;
  const { schemaMode, typecheckMode, txConflictsMode } = store.options;
  if (txConflictsMode !== "ignore" || schemaMode === "warn" || typecheckMode === "warn") return undefined;
  let entries: readonly unknown[];
  if (isPlainObject(input)) entries = [input];
  else if (Array.isArray(input) && !isTripleShape(input) && input.length > 0) entries = input;
  else return undefined;
  // a load's first map names a new entity: nothing is made before it gives up
  const stream = new Stream(store, entries, redundantFor);
  try {
    for (let i = 0; i < entries.length; i++) stream.entry(i);
    return stream.report();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

/** One transaction's walk. Mutable; lives inside one {@link runStream} call. */
class Stream {
  private readonly ix: Indexes;
  private readonly eav: EidMapEditor<EntityRecord>;
  private vae: EidMapEditor<Referrers> | undefined = undefined;
  private readonly token: object = {};
  /** The delta lists as streamed. */
  private readonly added = eavList();
  private readonly retracted = eavList();
  private redundant: EAV[] | undefined = undefined;
  /**
   * Per first touch, in order: the entity, the entry that touched it, and where its datoms start in
   * the delta lists (sized for one touch per entry on the first touch: a load gives up on its first
   * map, before it touches anything, and 100k-cell arrays would be garbage).
   */
  private touched: Eid[] = NO_NUMBERS;
  private firstEntry: number[] = NO_NUMBERS;
  private addedAt: number[] = NO_NUMBERS;
  private retractedAt: number[] = NO_NUMBERS;
  private touches = 0;
  /**
   * The eids touched so far (made on the first touch): a bitset when the transaction is big
   * against the store, else a Set.
   */
  private bits: Int32Array | undefined = undefined;
  private seen: Set<Eid> | undefined = undefined;
  /** Entities touched again, and the entries that did (made on the first)... */
  private dirty: Map<Eid, number[]> | undefined = undefined;
  /** ...and, with {@link bits}, their bits (the end asks every touched entity). */
  private dirtyBits: Int32Array | undefined = undefined;
  /** The current map's attribute infos and values, by position (reused from map to map). */
  private readonly infos: AttrInfo[] = [];
  private readonly values: Value[] = [];
  /** The attribute {@link holder} asked last and its AV map. */
  private avInfo: AttrInfo | undefined = undefined;
  private av: AvMap | undefined = undefined;
  /** Which redundant adds are reported. */
  private readonly redundantFilter: RedundantFilter;

  constructor(
    private readonly store: Store,
    private readonly entries: readonly unknown[],
    redundantFor: ReadonlySet<Attribute> | undefined,
  ) {
    this.ix = store.indexes;
    this.eav = new EidMapEditor(this.ix.eav, this.token);
    this.redundantFilter = new RedundantFilter(redundantFor);
  }

  /** Makes the touch tables, at the first touch. */
  private startTouches(): void {
    const n = this.entries.length;
    this.touched = new Array<Eid>(n);
    this.firstEntry = new Array<number>(n);
    this.addedAt = new Array<number>(n);
    this.retractedAt = new Array<number>(n);
    const maxEid = this.ix.maxEid;
    // a bit per eid of the store when that is at most 32 bytes per entry (and eids are 32-bit
    // integers: explicit eids may go up to 2^53)
    if (n >= 32 && maxEid < 2 ** 30 && maxEid >>> 8 <= n) this.bits = new Int32Array((maxEid >>> 5) + 1);
    else this.seen = new Set();
  }

  /** Entry `i`: an entity map, an EAV or a triple (an add). */
  entry(i: number): void {
    const x = this.entries[i];
    if (x instanceof EAV) this.fact(i, x.e, x.a, x.v);
    else if (isPlainObject(x)) this.entityMap(i, x);
    else if (Array.isArray(x) && isTripleShape(x)) this.fact(i, x[0], x[1], x[2]);
    else throw GIVE_UP;
  }

  /** The add of `[e a v]`, `e` an existing entity. */
  private fact(i: number, e: unknown, a: unknown, v: unknown): void {
    if (typeof e !== "number" || !Number.isSafeInteger(e) || e <= 0 || e > this.ix.maxEid) throw GIVE_UP;
    const info = this.info(a);
    if (info.unique) throw GIVE_UP;
    const rec = this.eav.getOwned(e);
    if (rec === undefined) throw GIVE_UP;
    const first = this.touch(e, i);
    const after = this.add(e, rec, info, this.value(info, v), first);
    if (after !== rec) this.eav.replaceOwned(after);
  }

  /**
   * An entity map without `eav/eid`, with exactly one identity attribute whose value an entity
   * holds: that entity (DataScript resolves a map when it starts; nothing here changes unique
   * values, so the store before answers). Its identity value is held: adding it is redundant.
   */
  private entityMap(i: number, map: Record<string, unknown>): void {
    const infos = this.infos;
    const values = this.values;
    let size = 0;
    let e: Eid | undefined;
    for (const a in map) {
      if (!Object.prototype.hasOwnProperty.call(map, a)) continue;
      if (a === EID) throw GIVE_UP;
      const info = this.info(a);
      const v = this.value(info, map[a]);
      if (info.unique) {
        if (!info.identity || info.ref || e !== undefined) throw GIVE_UP;
        e = this.holder(info, v);
        if (e === undefined) throw GIVE_UP;
      }
      infos[size] = info;
      values[size] = v;
      size++;
    }
    if (e === undefined) throw GIVE_UP;
    let rec = this.eav.getOwned(e);
    if (rec === undefined) throw GIVE_UP;
    const first = this.touch(e, i);
    const before = rec;
    for (let j = 0; j < size; j++) rec = this.add(e, rec, infos[j]!, values[j]!, first);
    if (rec !== before) this.eav.replaceOwned(rec);
  }

  /**
   * The record after the add of `[e a v]` to `rec` (`rec` itself when it holds the value already);
   * pushes the delta when this is the entity's first touch (`first`), the add when redundant.
   */
  private add(e: Eid, rec: EntityRecord, info: AttrInfo, v: Value, first: boolean): EntityRecord {
    const a = info.ident;
    const i = attrIndex(rec.attrs, a);
    const old = i < 0 ? undefined : (rec.slots[i] as Value);
    if (old !== undefined && valueEquals(old, v)) {
      if (this.redundantFilter.collects(a)) (this.redundant ??= eavList()).push(new EAV(e, a, v));
      return rec;
    }
    if (first) {
      if (old !== undefined) this.retracted.push(new EAV(e, a, old));
      this.added.push(new EAV(e, a, v));
    }
    if (info.ref) {
      if (old !== undefined) this.refChange(old as Eid, a, e, false);
      this.refChange(v as Eid, a, e, true);
    }
    return recordWithSlot(rec, i, a, v)!;
  }

  /** Mutates the referrers of `target`: `source` points (or no longer points) at it through `a`. */
  private refChange(target: Eid, a: Attribute, source: Eid, present: boolean): void {
    const vae = (this.vae ??= new EidMapEditor(this.ix.vae, this.token));
    vae.set(target, withRefChange(vae.get(target), a, source, present));
  }

  /** Records the touch of `e` by entry `i`: true when it is the first. */
  private touch(e: Eid, i: number): boolean {
    if (this.touched === NO_NUMBERS) this.startTouches();
    const bits = this.bits;
    let again: boolean;
    if (bits !== undefined) {
      again = hasBit(bits, e as number);
      setBit(bits, e as number);
    } else {
      again = this.seen!.has(e);
      if (!again) this.seen!.add(e);
    }
    if (!again) {
      const k = this.touches++;
      this.touched[k] = e;
      this.firstEntry[k] = i;
      this.addedAt[k] = this.added.length;
      this.retractedAt[k] = this.retracted.length;
      return true;
    }
    const dirty = (this.dirty ??= new Map());
    const later = dirty.get(e);
    if (later === undefined) {
      dirty.set(e, [i]);
      if (bits !== undefined) setBit((this.dirtyBits ??= new Int32Array(bits.length)), e as number);
    } else later.push(i);
    return false;
  }

  /** A plain, card-one, non-component attribute's info (a keyword means its name). */
  private info(a0: unknown): AttrInfo {
    const a = isKeyword(a0) ? a0.name : a0;
    if (typeof a !== "string" || a.length === 0) throw GIVE_UP;
    const info = this.store.schema.recentPlainInfo(a);
    if (info === undefined || info.many || info.component) throw GIVE_UP;
    return info;
  }

  /**
   * A value the op pipeline would add as it is: a ref's existing eid or a lookup ref on a declared
   * unique attribute that finds its entity (resolved from the store before: nothing here changes
   * unique values), any other value passing the schema's checks.
   */
  private value(info: AttrInfo, v: unknown): Value {
    const { schemaMode, typecheckMode } = this.store.options;
    if (info.ref && Array.isArray(v) && v.length === 2 && typeof v[0] === "string") {
      const by = this.store.schema.recentPlainInfo(v[0]);
      if (by === undefined || !by.declared || !by.unique) throw GIVE_UP;
      const target = this.holder(by, v[1] as Value);
      // (a ref attribute is declared: no schema check to make)
      if (target === undefined) throw GIVE_UP;
      return target;
    }
    if (!acceptable(info, v, this.ix.maxEid, schemaMode, typecheckMode, "add")) throw GIVE_UP;
    return v as Value;
  }

  /**
   * The entity holding `v` under unique attribute `info` in the store before (nothing here changes
   * unique values). The attribute's AV map asked last is kept: an update's maps upsert by one or two
   * identity attributes, and each asked the index's Map of attributes.
   */
  private holder(info: AttrInfo, v: Value): Eid | undefined {
    if (info !== this.avInfo) {
      this.avInfo = info;
      this.av = avOf(this.ix, info).get(info.ident);
    }
    return this.av?.get(valueKey(v));
  }

  /** The transaction's report; re-touched entities get their net delta here. */
  report(): TxReport {
    const store = this.store;
    let added = this.added;
    let retracted = this.retracted;
    let redundant: readonly EAV[] = this.redundant ?? NONE;
    const dirty = this.dirty;
    if (dirty !== undefined) {
      ({ added, retracted } = this.netDelta(dirty));
      redundant = this.heldRedundant(dirty, redundant);
    }
    if (added.length === 0 && retracted.length === 0) {
      return { before: store, after: store, added: NONE, retracted: NONE, redundant, transients: NONE, tempids: NO_TEMPIDS };
    }
    const ix = this.ix;
    const indexes: Indexes = {
      eav: this.eav.done(),
      avIdentity: ix.avIdentity,
      avValue: ix.avValue,
      vae: this.vae === undefined ? ix.vae : this.vae.done(),
      size: ix.size + added.length - retracted.length,
      maxEid: ix.maxEid,
    };
    return { before: store, after: new Store(store.schema, store.options, indexes), added, retracted, redundant, transients: NONE, tempids: NO_TEMPIDS };
  }

  /**
   * The delta lists with each re-touched entity's datoms, at its first touch, replaced by its net
   * change: its record before against its record now, attribute by attribute in the order the
   * op pipeline's working entity has them (first written: see {@link writeOrder}). The clean
   * touches between two re-touched ones are one run of each streamed list: copied as they are.
   */
  private netDelta(dirty: ReadonlyMap<Eid, readonly number[]>): { added: EAV[]; retracted: EAV[] } {
    const touches = this.touches;
    const dirtyTouches: number[] = [];
    const nets: Array<{ added: EAV[]; retracted: EAV[] }> = [];
    let addedSize = this.added.length;
    let retractedSize = this.retracted.length;
    for (let k = 0; k < touches; k++) {
      const e = this.touched[k]!;
      if (!this.isDirty(e)) continue;
      const net = this.netOf(e, [this.firstEntry[k]!, ...dirty.get(e)!]);
      dirtyTouches.push(k);
      nets.push(net);
      addedSize += net.added.length - (this.startOf(this.addedAt, k + 1, this.added) - this.addedAt[k]!);
      retractedSize += net.retracted.length - (this.startOf(this.retractedAt, k + 1, this.retracted) - this.retractedAt[k]!);
    }
    const added = new Array<EAV>(addedSize);
    const retracted = new Array<EAV>(retractedSize);
    let pa = 0;
    let pr = 0;
    let clean = 0;
    for (let d = 0; d <= dirtyTouches.length; d++) {
      const k = d < dirtyTouches.length ? dirtyTouches[d]! : touches;
      pa = copyRun(this.added, this.startOf(this.addedAt, clean, this.added), this.startOf(this.addedAt, k, this.added), added, pa);
      pr = copyRun(this.retracted, this.startOf(this.retractedAt, clean, this.retracted), this.startOf(this.retractedAt, k, this.retracted), retracted, pr);
      if (d === dirtyTouches.length) break;
      const net = nets[d]!;
      pa = copyRun(net.added, 0, net.added.length, added, pa);
      pr = copyRun(net.retracted, 0, net.retracted.length, retracted, pr);
      clean = k + 1;
    }
    return { added, retracted };
  }

  /** Where touch `k`'s datoms start in `list` (its end past the last touch). */
  private startOf(starts: readonly number[], k: number, list: readonly EAV[]): number {
    return k < this.touches ? starts[k]! : list.length;
  }

  /** True when entity `e` was touched again. */
  private isDirty(e: Eid): boolean {
    const d = this.dirtyBits;
    return d === undefined ? this.dirty!.has(e) : hasBit(d, e as number);
  }

  /** Entity `e`'s net datoms, its entries being `entryIds`: its record before against now. */
  private netOf(e: Eid, entryIds: readonly number[]): { added: EAV[]; retracted: EAV[] } {
    const added: EAV[] = [];
    const retracted: EAV[] = [];
    const before = this.ix.eav.get(e)!;
    const now = this.eav.get(e)!;
    for (const a of this.writeOrder(before, entryIds)) {
      const b = before.get(a) as Value | undefined;
      const n = now.get(a) as Value | undefined;
      if (b !== undefined && n !== undefined && valueEquals(b, n)) continue;
      if (b !== undefined) retracted.push(new EAV(e, a, b));
      if (n !== undefined) added.push(new EAV(e, a, n));
    }
    return { added, retracted };
  }

  /**
   * The attributes of entity `e` in the order the transaction first changed them (a working entity
   * lists an attribute when a value different from the one it holds then is written), replaying
   * its entries `entryIds` from its record `before`.
   */
  private writeOrder(before: EntityRecord, entryIds: readonly number[]): Attribute[] {
    const order: Attribute[] = [];
    const held: Value[] = [];
    const hold = (a0: unknown, v0: unknown): void => {
      const info = this.info(a0);
      const a = info.ident;
      const v = this.value(info, v0);
      const j = order.indexOf(a);
      const cur = j >= 0 ? held[j] : (before.get(a) as Value | undefined);
      if (cur !== undefined && valueEquals(cur, v)) return;
      if (j >= 0) held[j] = v;
      else {
        order.push(a);
        held.push(v);
      }
    };
    for (const i of entryIds) {
      const x = this.entries[i];
      if (x instanceof EAV) hold(x.a, x.v);
      else if (Array.isArray(x)) hold(x[1], x[2]);
      else {
        const map = x as Record<string, unknown>;
        for (const a in map) if (Object.prototype.hasOwnProperty.call(map, a)) hold(a, map[a]);
      }
    }
    return order;
  }

  /**
   * The redundant adds as the op pipeline reports them: those of re-touched entities only when the
   * store before held the datom and the transaction's end holds it, once each.
   */
  private heldRedundant(dirty: ReadonlyMap<Eid, readonly number[]>, redundant: readonly EAV[]): readonly EAV[] {
    if (redundant.length === 0) return redundant;
    const out: EAV[] = [];
    // the attributes reported so far per re-touched entity (card-one: one value each)
    const reported = new Map<Eid, Attribute[]>();
    for (const f of redundant) {
      if (!dirty.has(f.e)) {
        out.push(f);
        continue;
      }
      const b = this.ix.eav.get(f.e)?.get(f.a) as Value | undefined;
      const n = this.eav.get(f.e)?.get(f.a) as Value | undefined;
      if (b === undefined || n === undefined || !valueEquals(b, f.v) || !valueEquals(n, f.v)) continue;
      const attrs = reported.get(f.e);
      if (attrs === undefined) reported.set(f.e, [f.a]);
      else if (attrs.includes(f.a)) continue;
      else attrs.push(f.a);
      out.push(f);
    }
    return out;
  }
}

/** Copies `from[start..end)` to `to` from cell `at`; returns the cell after the last. */
function copyRun(from: readonly EAV[], start: number, end: number, to: EAV[], at: number): number {
  let j = at;
  for (let p = start; p < end; p++) to[j++] = from[p]!;
  return j;
}

/** True when bit `i` of `bits` is set. */
function hasBit(bits: Int32Array, i: number): boolean {
  return (bits[i >>> 5]! & (1 << (i & 31))) !== 0;
}

/** Mutates `bits`: sets bit `i`. */
function setBit(bits: Int32Array, i: number): void {
  bits[i >>> 5] = bits[i >>> 5]! | (1 << (i & 31));
}
