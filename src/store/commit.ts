/**
 * Folds the working copy of a successful run into new immutable indexes and computes the net
 * delta (R04, R05: redundant adds and retractions of absent datoms report nothing).
 */
import { Map as IMap } from "immutable";
import { EAV, valueEquals, valueKey, type Attribute, type Eid, type Value } from "../eav/index.js";
import { EntityRecord, applyRefChanges, attrIndex, isValueSet, type Referrers, type Slot } from "./record.js";
import { AvMap } from "./avmap.js";
import type { TxRun } from "./run.js";
import type { AvIndex, Indexes, VaeIndex } from "./store.js";
import { ABSENT, isAbsent, type AvWork, type ManyWork, type VaeWork, type WorkEntity } from "./work.js";

/** The new indexes and the net delta of a run. */
export interface Committed {
  readonly indexes: Indexes;
  readonly added: EAV[];
  readonly retracted: EAV[];
}

/**
 * Builds the indexes after `run`. The store before is untouched, unless `edit` (a `TxBatch`'s
 * token) lets the entity indexes write in place the nodes the batch made: then the store before is
 * spent, and only the new one may be read.
 * @example const { indexes, added, retracted } = commit(run)
 */
export function commit(run: TxRun, edit?: object): Committed {
  const base = run.store.indexes;
  const added = eavList();
  const retracted = eavList();
  const changed = changedRecords(run.touched ?? NO_WORK, added, retracted);
  const eids = changed?.eids;
  const records = changed?.records;
  const eav = eids === undefined ? base.eav : base.eav.withChanges(eids, records!, edit);
  const maxEid = Math.max(base.maxEid, run.maxExplicit, run.next - 1);
  if (added.length === 0 && retracted.length === 0) {
    return { indexes: maxEid === base.maxEid ? base : { ...base, maxEid }, added, retracted };
  }
  return {
    indexes: {
      eav,
      avIdentity: avAfter(base.avIdentity, run.avIdentity),
      avValue: avAfter(base.avValue, run.avValue),
      vae: vaeAfter(base.vae, run.vae, edit),
      size: base.size + added.length - retracted.length,
      maxEid,
    },
    added,
    retracted,
  };
}

/**
 * The touched entities whose record changed and their new records (`undefined`: none changed);
 * pushes the delta. A function of its own, not a loop inside {@link commit}: V8 compiled the
 * loop on stack replacement during a load's first commit, before the code after it had ever run,
 * and the compiled code then failed its first property read after the loop ("insufficient type
 * feedback") on every later commit that entered it: 3,465 deoptimizations over a process's first
 * two 100k loads and first update (`--trace-deopt`, issue 7, ninth session), one per action's
 * transaction.
 */
function changedRecords(touched: readonly WorkEntity[], added: EAV[], retracted: EAV[]): { eids: Eid[]; records: Array<EntityRecord | undefined> } | undefined {
  // made on the first change, at the most they can hold (the entities left), then cut to size:
  // grown by `push`, the two copied themselves a dozen times on a 5,000-entity update
  let eids: Eid[] | undefined;
  let records: Array<EntityRecord | undefined> | undefined;
  let changed = 0;
  for (let i = 0; i < touched.length; i++) {
    const w = touched[i]!;
    const rec = recordAfter(w, added, retracted);
    if (rec === w.base) continue;
    if (eids === undefined) {
      eids = new Array<Eid>(touched.length - i);
      records = new Array<EntityRecord | undefined>(touched.length - i);
      // holds objects from the start (a new Array(n) starts as small integers)
      records[0] = NO_RECORD;
    }
    eids[changed] = w.eid;
    records![changed++] = rec;
  }
  if (eids === undefined) return undefined;
  eids.length = changed;
  records!.length = changed;
  return { eids, records: records! };
}

/** The entity's record after the run (`undefined` when it has no datoms left); pushes its delta. */
function recordAfter(w: WorkEntity, added: EAV[], retracted: EAV[]): EntityRecord | undefined {
  const manyAttrs = w.manyAttrs;
  const oneAttrs = w.oneAttrs;
  const oneCount = w.oneCount;
  if (oneCount === 0 && manyAttrs === undefined) return w.base;
  const e = w.eid;
  const base = w.base;
  if (base === undefined && manyAttrs === undefined) return freshRecord(w, added);
  if (base !== undefined && manyAttrs === undefined && replacesOnlyOne(w, base)) return replacedRecord(w, base, added, retracted);
  if (oneCount === 0 && manyAttrs!.length === 1) return oneManyRecord(w, base, added, retracted);
  const changes: Array<[Attribute, Slot | typeof ABSENT]> = [];
  for (let j = 0; j < oneCount; j++) {
    const a = oneAttrs[j]!;
    const v = w.oneVals[j]!;
    const b = base?.get(a);
    const before = b === undefined || isValueSet(b) ? undefined : b;
    if (isAbsent(v)) {
      if (before === undefined) continue;
      retracted.push(new EAV(e, a, before));
    } else {
      if (before !== undefined) {
        if (valueEquals(before, v)) continue;
        retracted.push(new EAV(e, a, before));
      }
      added.push(new EAV(e, a, v));
    }
    changes.push([a, v]);
  }
  if (manyAttrs !== undefined) {
    for (let j = 0; j < manyAttrs.length; j++) {
      const a = manyAttrs[j]!;
      const m = w.manyWorks![j]!;
      if ((m.added?.size ?? 0) === 0 && (m.removed?.size ?? 0) === 0) continue;
      m.removed?.pushDatoms(e, a, retracted);
      m.added?.pushDatoms(e, a, added);
      changes.push([a, slotAfter(m)]);
    }
  }
  if (changes.length === 0) return base;
  if (base !== undefined && replacesOnly(base, changes)) {
    // an update of attributes the entity already has (the common identity upsert): the record
    // keeps its attribute array, only the slots are copied
    const slots = base.slots.slice();
    for (const [a, slot] of changes) slots[attrIndex(base.attrs, a)] = slot as Slot;
    return new EntityRecord(base.attrs, slots);
  }
  // the new record's arrays: base slots overwritten in place, new attributes appended
  const attrs: Attribute[] = base === undefined ? [] : base.attrs.slice();
  const slots: Array<Slot | typeof ABSENT> = base === undefined ? [] : base.slots.slice();
  for (const [a, slot] of changes) {
    const i = base === undefined ? -1 : attrIndex(attrs, a);
    if (i >= 0) slots[i] = slot;
    else if (!isAbsent(slot)) {
      attrs.push(a);
      slots.push(slot);
    }
  }
  const keptAttrs: Attribute[] = [];
  const keptSlots: Slot[] = [];
  for (let i = 0; i < attrs.length; i++) {
    const slot = slots[i]!;
    if (isAbsent(slot)) continue;
    keptAttrs.push(attrs[i]!);
    keptSlots.push(slot);
  }
  // exact-size arrays (pushed ones keep spare capacity), the attribute list shared between records
  return keptAttrs.length === 0 ? undefined : new EntityRecord(internAttrs(keptAttrs), keptSlots.slice());
}

/**
 * The record of an entity new in this run with card-one attributes only (every entity of a load):
 * built straight from the working arrays, without the intermediate change list of the general path.
 */
function freshRecord(w: WorkEntity, added: EAV[]): EntityRecord | undefined {
  const { oneAttrs, oneVals, oneCount } = w;
  let absent = 0;
  for (let j = 0; j < oneCount; j++) {
    const v = oneVals[j]!;
    if (isAbsent(v)) absent++;
    else added.push(new EAV(w.eid, oneAttrs[j]!, v));
  }
  if (absent === 0) {
    // the working arrays were sized by the entity map: when they are full they become the record's
    // (the working entity is dropped with the run), else exact-size copies
    const full = oneCount === oneVals.length;
    return new EntityRecord(internAttrs(full ? oneAttrs : oneAttrs.slice(0, oneCount)), (full ? oneVals : oneVals.slice(0, oneCount)) as Slot[]);
  }
  if (absent === oneCount) return undefined;
  const attrs: Attribute[] = [];
  const slots: Slot[] = [];
  for (let j = 0; j < oneCount; j++) {
    const v = oneVals[j]!;
    if (isAbsent(v)) continue;
    attrs.push(oneAttrs[j]!);
    slots.push(v);
  }
  return new EntityRecord(internAttrs(attrs), slots.slice());
}

/**
 * The record after a change of one card-many attribute only (a fire's one-datom transactions):
 * built with exact-size arrays, without the change list of the general path; pushes the delta.
 */
function oneManyRecord(w: WorkEntity, base: EntityRecord | undefined, added: EAV[], retracted: EAV[]): EntityRecord | undefined {
  const a = w.manyAttrs![0]!;
  const m = w.manyWorks![0]!;
  const e = w.eid;
  m.removed?.pushDatoms(e, a, retracted);
  m.added?.pushDatoms(e, a, added);
  if ((m.added?.size ?? 0) === 0 && (m.removed?.size ?? 0) === 0) return base;
  const slot = slotAfter(m);
  const i = base === undefined ? -1 : attrIndex(base.attrs, a);
  if (i < 0 && isAbsent(slot)) return base;
  return recordWithSlot(base, i, a, isAbsent(slot) ? undefined : slot);
}

/**
 * The record `base` (absent: an entity without datoms) with attribute `a`, at cell `i` of its
 * attribute list or -1, holding `slot` (`undefined`: the attribute dropped; it was there); built
 * with exact-size arrays, `undefined` when nothing is left. Shared by the commit's one-attribute
 * path and the one-datom front end (single.ts).
 */
export function recordWithSlot(base: EntityRecord | undefined, i: number, a: Attribute, slot: Slot | undefined): EntityRecord | undefined {
  const attrs = base === undefined ? NO_ATTRS : base.attrs;
  const n = attrs.length;
  if (i >= 0 && slot !== undefined) {
    const slots = base!.slots.slice();
    slots[i] = slot;
    return new EntityRecord(attrs, slots);
  }
  if (i < 0) {
    // appended, as the general path appends a new attribute
    return new EntityRecord(internEdited(attrs, -1, a), base === undefined ? [slot!] : appended(base.slots, slot!));
  }
  if (n === 1) return undefined;
  // a copy has the array's elements kind (a new Array(n) changes kind on its first string), and
  // a whole copy is the fast one (`slice(0, k)` went through the generic builtin): the cells after
  // the removed one move down, the last goes
  const slots = base!.slots.slice();
  for (let j = i; j < n - 1; j++) slots[j] = slots[j + 1]!;
  slots.pop();
  return new EntityRecord(internEdited(attrs, i, undefined), slots);
}

/**
 * A copy of `slots` with `slot` after them, at its exact size. A literal up to 8 cells: `new
 * Array(n + 1)` filled by a loop went through the array constructor's generic stub
 * (`ArraySingleArgumentConstructor_Holey_DisableAllocationSites`, about 610 instructions a call
 * from a fire's one-datom transactions adding a derived attribute, tenth session), and a clone
 * grown by `push` keeps a backing store of 16 cells more for the record's life.
 */
function appended(slots: readonly Slot[], slot: Slot): Slot[] {
  const s = slots;
  switch (s.length) {
    case 1:
      return [s[0]!, slot];
    case 2:
      return [s[0]!, s[1]!, slot];
    case 3:
      return [s[0]!, s[1]!, s[2]!, slot];
    case 4:
      return [s[0]!, s[1]!, s[2]!, s[3]!, slot];
    case 5:
      return [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, slot];
    case 6:
      return [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, slot];
    case 7:
      return [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, slot];
    default: {
      const out = new Array<Slot>(s.length + 1);
      for (let j = 0; j < s.length; j++) out[j] = s[j]!;
      out[s.length] = slot;
      return out;
    }
  }
}

/**
 * An empty list of EAVs whose elements kind holds objects from the start. An empty literal holds
 * small integers until its first push, and the pushes of the delta (two per changed datom) saw
 * both kinds and ran V8's generic push builtin, about 130 instructions each (30,000 calls per
 * 15,000 update maps, callgrind, issue 7, ninth session), instead of being inlined.
 */
export function eavList(): EAV[] {
  const list = [NO_EAV];
  list.pop();
  return list;
}

/** A placeholder EAV (see {@link eavList}; never in a list). */
const NO_EAV = new EAV(0, "", null);
const NO_ATTRS: readonly Attribute[] = [];
/** A placeholder record (see `commit`: sets an array's elements kind; always overwritten). */
const NO_RECORD = new EntityRecord([], []);
const NO_WORK: readonly WorkEntity[] = [];
/** The redundant adds of a transaction that has none (shared: a report's lists are never written). */
const NO_EAVS: EAV[] = [];

/**
 * The slot of a card-many attribute after the run (see record.ts: one value as itself, two or
 * more in a value set), or `ABSENT` when no value is left. A rule deriving one fact per entity,
 * the common case, stores and removes its value without a set: building and emptying one-entry
 * immutable.js maps was a measured share of a fire's one-datom transactions (issue 7).
 */
function slotAfter(m: ManyWork): Slot | typeof ABSENT {
  const { base, added, removed } = m;
  if (isValueSet(base)) {
    const set = base.withMutations((s) => {
      removed?.forEach((_v, k) => s.delete(k));
      added?.forEach((v, k) => s.set(k, v));
    });
    return set.size === 0 ? ABSENT : set.size === 1 ? (set.first() as Value) : set;
  }
  // no value or one value before
  const kept = base !== undefined && removed?.has(valueKey(base)) !== true;
  const count = (kept ? 1 : 0) + (added?.size ?? 0);
  if (count === 0) return ABSENT;
  if (count === 1) return kept ? (base as Value) : added!.first();
  return IMap<unknown, Value>().withMutations((s) => {
    if (kept) s.set(valueKey(base), base as Value);
    added!.forEach((v, k) => s.set(k, v));
  });
}

/**
 * True when the run only set card-one values of attributes `base` already holds (the common
 * identity upsert of a few attributes): {@link replacedRecord} then builds the record directly.
 */
function replacesOnlyOne(w: WorkEntity, base: EntityRecord): boolean {
  for (let j = 0; j < w.oneCount; j++) {
    if (isAbsent(w.oneVals[j])) return false;
    const i = attrIndex(base.attrs, w.oneAttrs[j]!);
    if (i < 0 || isValueSet(base.slots[i])) return false;
  }
  return true;
}

/**
 * The record after card-one replacements only: the base's attribute list, a copy of its slots
 * with the new values (the base itself when every value is the one it held); pushes the delta.
 * No change list, no pairs: an update's per-entity garbage (issue 7).
 */
function replacedRecord(w: WorkEntity, base: EntityRecord, added: EAV[], retracted: EAV[]): EntityRecord {
  let slots: Slot[] | undefined;
  for (let j = 0; j < w.oneCount; j++) {
    const a = w.oneAttrs[j]!;
    const v = w.oneVals[j] as Value;
    const i = attrIndex(base.attrs, a);
    const before = base.slots[i] as Value;
    if (valueEquals(before, v)) continue;
    retracted.push(new EAV(w.eid, a, before));
    added.push(new EAV(w.eid, a, v));
    (slots ??= base.slots.slice())[i] = v;
  }
  return slots === undefined ? base : new EntityRecord(base.attrs, slots);
}

/** True when every change sets a value of an attribute `base` already holds (none removed, none new). */
function replacesOnly(base: EntityRecord, changes: ReadonlyArray<readonly [Attribute, Slot | typeof ABSENT]>): boolean {
  for (const [a, slot] of changes) if (isAbsent(slot) || attrIndex(base.attrs, a) < 0) return false;
  return true;
}

/**
 * Interned attribute lists: entities of one kind have the same attributes in the same order, and
 * one shared array instead of one per entity saves an object per record (issue 7, memory per
 * datom). Bounded, like the undeclared-attribute cache: past the bound lists are simply not shared.
 */
const attrLists = new Map<string, readonly Attribute[]>();
/**
 * The lists interned last, most recent first: a load writes many entities of one kind in a row,
 * and a fire's actions flip entities between a few kinds (an order with or without its derived
 * discount). Comparing a few short lists is cheaper than building the key string.
 */
const recentLists: Array<readonly Attribute[]> = [];
const RECENT = 4;
function internAttrs(attrs: readonly Attribute[]): readonly Attribute[] {
  for (let i = 0; i < recentLists.length; i++) {
    const known = recentLists[i]!;
    if (sameList(known, attrs)) {
      if (i > 0) touchRecent(known, i);
      return known;
    }
  }
  const key = attrs.join("\u0000");
  let list = attrLists.get(key);
  if (list === undefined) {
    list = attrs.slice();
    if (attrLists.size < 10_000) attrLists.set(key, list);
  }
  touchRecent(list, recentLists.length < RECENT ? recentLists.length : RECENT - 1);
  return list;
}

/**
 * The interned list of `attrs` without its cell `drop` (when `drop` >= 0) or with `add` appended,
 * found among the recent lists without building it first: a fire's actions flip entities between
 * a few kinds (an order with or without its derived discount).
 */
function internEdited(attrs: readonly Attribute[], drop: number, add: Attribute | undefined): readonly Attribute[] {
  const n = drop >= 0 ? attrs.length - 1 : attrs.length + 1;
  for (let r = 0; r < recentLists.length; r++) {
    const known = recentLists[r]!;
    if (known.length === n && (drop >= 0 ? sameWithout(known, attrs, drop) : sameWith(known, attrs, add!))) {
      if (r > 0) touchRecent(known, r);
      return known;
    }
  }
  if (drop < 0) return internAttrs([...attrs, add!]);
  const edited = attrs.slice();
  edited.splice(drop, 1);
  return internAttrs(edited);
}

/** True when `x` is `y` without its cell `drop` (the caller checked the lengths). */
function sameWithout(x: readonly Attribute[], y: readonly Attribute[], drop: number): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i < drop ? i : i + 1]) return false;
  return true;
}

/** True when `x` is `y` with `add` appended (the caller checked the lengths). */
function sameWith(x: readonly Attribute[], y: readonly Attribute[], add: Attribute): boolean {
  for (let i = 0; i < y.length; i++) if (x[i] !== y[i]) return false;
  return x[y.length] === add;
}

/** Mutates the module's recent-list cache: `list` moves to the front from cell `from` (dropped there). */
function touchRecent(list: readonly Attribute[], from: number): void {
  for (let j = from; j > 0; j--) recentLists[j] = recentLists[j - 1]!;
  recentLists[0] = list;
}

function sameList(x: readonly Attribute[], y: readonly Attribute[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function avAfter(base: AvIndex, work: AvWork): AvIndex {
  if (work.changes.size === 0) return base;
  // a copy of the small outer level; the inner maps are immutable and updated in their own way
  const out = new Map(base);
  for (const [a, changes] of work.changes) {
    // the run is over: its working map is handed over (an empty index may keep it)
    const inner = (base.get(a) ?? AvMap.empty()).withChanges(changes, true);
    if (inner.size === 0) out.delete(a);
    else out.set(a, inner);
  }
  return out;
}

function vaeAfter(base: VaeIndex, work: VaeWork, edit: object | undefined): VaeIndex {
  const targets = work.targets;
  if (targets.length === 0) return base;
  const referrers = new Array<Referrers | undefined>(targets.length);
  for (let i = 0; i < targets.length; i++) referrers[i] = applyRefChanges(base.get(targets[i]!), work.changesOf(targets[i]!));
  return base.withChanges(targets, referrers, edit);
}

/**
 * The adds of the run that were already present before and are still present after (what truth
 * maintenance needs to add a support without a new fact), without duplicates. "After" is read from
 * the run's working copy of the entity (every candidate's entity was touched by its add), which is
 * what `after` holds for it, without another lookup in the new indexes.
 */
export function redundantAdds(run: TxRun): EAV[] {
  const candidates = run.redundant;
  if (candidates === undefined) return NO_EAVS;
  const before = run.store;
  const schema = before.schema;
  const out: EAV[] = [];
  for (const { fact: f, work: w, fromBase } of candidates) {
    // duplicates (one datom added twice) share their working entity
    const seen = w.redundantSeen;
    if (seen === undefined) w.redundantSeen = [f];
    else if (seen.some((g) => g.a === f.a && valueEquals(g.v, f.v))) continue;
    else seen.push(f);
    if ((fromBase || before.has(f)) && stillHeld(w, f, schema.info(f.a).many)) out.push(f);
  }
  return out;
}

/** True when the tx's working copy of the entity still holds `f` at its end. */
function stillHeld(w: WorkEntity, f: EAV, many: boolean): boolean {
  if (many) return w.hasMany(f.a, valueKey(f.v));
  const v = w.getOne(f.a);
  return !isAbsent(v) && valueEquals(v, f.v);
}
