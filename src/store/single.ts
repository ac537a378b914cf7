/**
 * The one-datom front end: a transaction of exactly one add or retraction of `[e a v]` on an
 * existing entity, of an attribute that is neither unique nor a component, its ref value an
 * existing eid, computed straight from the entity's record without a transaction attempt. It is
 * what a session's fire sends most: a rule's `upsert!` of one derived fact per firing.
 *
 * Why: such a transaction through the direct front end built a whole attempt (its tables, its
 * working entity, its overlays, a walk) and committed it, about 6,700 instructions and 40
 * last-level write misses (bench/callgrind store-tiny); the benchmark's update runs 377 of them
 * in its fire (issue 7, ninth session).
 *
 * How it stays the same transaction: it only takes input whose outcome is the record's own slot
 * changed (or left alone, for a redundant add or the retraction of an absent datom), and it
 * builds the same record, index nodes, delta and report as `commit` does for it. Anything else
 * (a fresh or unknown eid, a lookup ref, a tempid, a unique or component attribute, a `warn`
 * mode, conflict checks, a value that fails a check) gives up before anything is made, and the
 * other front ends run it, errors included. test/store/single.test.ts compares it with them.
 */
import { Map as IMap } from "immutable";
import { EAV, isKeyword, isValue, valueEquals, valueKey, type Eid, type InputMode, type Value } from "../eav/index.js";
import { attrIndex, isValueSet, withRefChange, type EntityRecord, type Slot, type ValueSet } from "./record.js";
import { recordWithSlot } from "./commit.js";
import type { AttrInfo } from "./schema.js";
import { Store, type Indexes } from "./store.js";
import { NONE, NO_TEMPIDS, type TxReport } from "./report.js";

/**
 * Runs the one-datom transaction `[e a v]` (`mode` "add" or "retract") on `store` when it is one
 * this front end takes (see the module's doc): its report, else `undefined` (nothing was made).
 * `edit`: a `TxBatch`'s token (see there). Throws nothing.
 */
export function runSingle(store: Store, e: unknown, a0: unknown, v: unknown, mode: InputMode, redundantFor: ReadonlySet<string> | undefined, edit: object | undefined): TxReport | undefined {
  if (mode === "tx") return undefined;
  // a rule file's action writes attributes as keywords: they mean their names
  const a = isKeyword(a0) ? a0.name : a0;
  const { schemaMode, typecheckMode, txConflictsMode } = store.options;
  if (txConflictsMode !== "ignore" || schemaMode === "warn" || typecheckMode === "warn") return undefined;
  const ix = store.indexes;
  if (typeof e !== "number" || !Number.isSafeInteger(e) || e <= 0 || e > ix.maxEid) return undefined;
  if (typeof a !== "string" || a.length === 0) return undefined;
  const info = store.schema.recentPlainInfo(a);
  if (info === undefined || info.unique || info.component) return undefined;
  if (!acceptable(info, v, ix.maxEid, schemaMode, typecheckMode, mode)) return undefined;
  const rec = ix.eav.get(e);
  if (rec === undefined) return undefined;
  const value = v as Value;
  const i = attrIndex(rec.attrs, a);
  const slot = i < 0 ? undefined : rec.slots[i];
  if (info.many) {
    const k = valueKey(value);
    const present = slot !== undefined && (isValueSet(slot) ? slot.has(k) : valueKey(slot) === k);
    if (mode === "add") {
      if (present) return unchanged(store, redundantFor === undefined || redundantFor.has(a) ? [new EAV(e, a, value)] : NONE);
      return changed(store, ix, e, info, recordWithSlot(rec, i, a, manyWith(slot, value, k)), [new EAV(e, a, value)], NONE, undefined, value, edit);
    }
    if (!present) return unchanged(store, NONE);
    return changed(store, ix, e, info, recordWithSlot(rec, i, a, manyWithout(slot!, k)), NONE, [new EAV(e, a, value)], value, undefined, edit);
  }
  const old = slot as Value | undefined;
  if (mode === "add") {
    if (old !== undefined && valueEquals(old, value)) return unchanged(store, redundantFor === undefined || redundantFor.has(a) ? [new EAV(e, a, value)] : NONE);
    const retracted = old === undefined ? NONE : [new EAV(e, a, old)];
    return changed(store, ix, e, info, recordWithSlot(rec, i, a, value), [new EAV(e, a, value)], retracted, old, value, edit);
  }
  if (old === undefined || !valueEquals(old, value)) return unchanged(store, NONE);
  return changed(store, ix, e, info, recordWithSlot(rec, i, a, undefined), NONE, [new EAV(e, a, old)], old, undefined, edit);
}

/**
 * True when `v` is a value the other front ends would take for `info` without an error or a
 * resolution: a ref's existing eid, any other attribute's value passing the schema's checks in
 * `enforce` mode (the streaming front end asks it too).
 */
export function acceptable(info: AttrInfo, v: unknown, maxEid: number, schemaMode: string, typecheckMode: string, mode: InputMode): boolean {
  if (v === undefined || !isValue(v)) return false;
  if (mode === "add" && schemaMode !== "ignore" && !info.declared) return false;
  if (info.ref) return typeof v === "number" && Number.isSafeInteger(v) && v > 0 && v <= maxEid;
  return mode !== "add" || typecheckMode === "ignore" || info.check === undefined || info.check(v);
}

/** A card-many slot with value `v` (key `k`, absent) added: one value as itself, two or more in a set. */
function manyWith(slot: Slot | undefined, v: Value, k: unknown): Slot {
  if (slot === undefined) return v;
  if (isValueSet(slot)) return slot.set(k, v);
  return IMap<unknown, Value>().withMutations((s) => {
    s.set(valueKey(slot), slot);
    s.set(k, v);
  });
}

/** A card-many slot with the value of key `k` (present) removed, or `undefined` when none is left. */
function manyWithout(slot: Slot, k: unknown): Slot | undefined {
  if (!isValueSet(slot)) return undefined;
  const set = (slot as ValueSet).delete(k);
  return set.size === 1 ? (set.first() as Value) : set;
}

/** The report of a transaction that changed nothing. */
function unchanged(store: Store, redundant: readonly EAV[]): TxReport {
  return { before: store, after: store, added: NONE, retracted: NONE, redundant, transients: NONE, tempids: NO_TEMPIDS };
}

/**
 * The report of a transaction that set entity `e`'s record to `rec`: the entity index changed, and
 * for a ref the referrers of the value it dropped (`gone`) and of the one it took (`taken`).
 */
function changed(store: Store, ix: Indexes, e: Eid, info: AttrInfo, rec: EntityRecord | undefined, added: readonly EAV[], retracted: readonly EAV[], gone: Value | undefined, taken: Value | undefined, edit: object | undefined): TxReport {
  const eav = ix.eav.withChanges([e], [rec], edit);
  let vae = ix.vae;
  if (info.ref) {
    const a = info.ident;
    if (gone !== undefined && taken !== undefined) {
      const from = gone as Eid;
      const to = taken as Eid;
      vae = vae.withChanges([from, to], [withRefChange(vae.get(from), a, e, false), withRefChange(vae.get(to), a, e, true)], edit);
    } else {
      const target = (gone ?? taken) as Eid;
      vae = vae.withChanges([target], [withRefChange(vae.get(target), a, e, gone === undefined)], edit);
    }
  }
  const indexes: Indexes = { eav, avIdentity: ix.avIdentity, avValue: ix.avValue, vae, size: ix.size + added.length - retracted.length, maxEid: ix.maxEid };
  return { before: store, after: new Store(store.schema, store.options, indexes), added, retracted, redundant: NONE, transients: NONE, tempids: NO_TEMPIDS };
}
