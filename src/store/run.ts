/**
 * One attempt at a transaction: the ops applied in order to a working copy of the store, with
 * DataScript's semantics (see /work/shared/reference/store-semantics.md, cases R01-R25). Throws an
 * {@link EavError} for a rejected transaction, or a {@link Retry} when an identity upsert resolves
 * a tempid that already got a fresh eid (DataScript's `retry-with-tempid`): the caller restarts
 * with that tempid pinned.
 */
import { assertNever } from "../errors.js";
import {
  EAV,
  TRANSIENT,
  formatEid,
  formatValue,
  isEid,
  isTempid,
  valueEquals,
  valueKey,
  type Attribute,
  type Eid,
  type LookupRef,
  type Tempid,
  type Value,
} from "../eav/index.js";
import { Unchunkable, fail, fmt } from "./fail.js";
import type { Prepared } from "./prepare.js";
import type { AttrInfo } from "./schema.js";
import { RedundantFilter } from "./redundant.js";
import type { Store } from "./store.js";
import { ABSENT, isAbsent, type WorkEntity } from "./work.js";
import { TxState, type AddOp, type Op, type RetractOp } from "./attempt.js";

/** One attempt at a transaction: its ops applied in order to the working state. Mutable; lives inside one `transactOps` call. */
export class TxRun extends TxState {
  /** Which redundant adds are reported (`declare`d and set in the constructor, like TxState's fields: see there). */
  declare private readonly redundantFilter: RedundantFilter;

  /**
   * See {@link TxState}. Written out: the implicit constructor of a derived class forwards its
   * arguments by spread.
   */
  constructor(store: Store, seed: ReadonlyMap<Tempid, Eid> | undefined, next: number | undefined, redundantFor: ReadonlySet<Attribute> | undefined, predicted?: ReadonlyMap<Tempid, Eid>) {
    super(store, seed, next, redundantFor, predicted);
    this.redundantFilter = new RedundantFilter(redundantFor);
  }

  /**
   * Mutates the working state: applies a chunk of the transaction's ops in order (a transaction is
   * one chunk or, normalised in chunks, several; see `normalizeInChunks`). Throws
   * {@link Unchunkable} when the chunk writes an explicit eid this attempt may already have handed
   * to a tempid: fresh eids must lie above every explicit eid of the whole transaction (R18), and
   * only a transaction run in one chunk knows them all before it allocates.
   */
  executeChunkMut(prep: Prepared, chunked: boolean): void {
    const x = prep.maxExplicit;
    if (x > this.maxExplicit) this.maxExplicit = x;
    if (chunked && x >= this.firstFresh && this.handedOut) throw new Unchunkable();
    if (x >= this.next) this.next = x + 1;
    this.prep = prep;
    this.groupEids = [];
    const { ops, starts } = prep;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const maps = starts[i];
      if (maps !== undefined) for (const key of maps) this.resolveMap(key);
      switch (op.kind) {
        case "add":
          this.add(op, i);
          break;
        case "retract":
          this.retract(op, i);
          break;
        case "retractAttribute": {
          this.noTempid(op.e, op);
          const e = this.entid(op.e, false, op);
          if (e !== undefined) this.retractAttribute(e, this.prep.infos[i]!, op);
          break;
        }
        case "retractEntity": {
          this.noTempid(op.e, op);
          const e = this.entid(op.e, false, op);
          if (e !== undefined) this.retractEntity(e, op);
          break;
        }
        default:
          assertNever(op, "tx op");
      }
    }
  }

  /** The end-of-tx checks, once every chunk has run. */
  finishMut(): void {
    this.checkValueTempids();
  }

  // ---- adds ------------------------------------------------------------------------------------

  private add(op: AddOp, i: number): void {
    const info = this.prep.infos[i]!;
    let v = op.v;
    // DataScript resolves a ref value's tempid before the entity's (forward references, R11)
    if (info.ref && isTempid(v)) v = this.valueTempid(v as Tempid, op, info);
    const e0 = op.e;
    const group = this.prep.groups[i];
    let e: Eid;
    const mapEid = group === undefined ? undefined : this.groupEids[group];
    if (mapEid !== undefined) {
      e = mapEid;
    } else if (isTempid(e0)) {
      e = this.vectorTempid(e0, info, v);
      this.defined.setMut(e, true);
    } else {
      e = this.entid(e0, true, op)!;
    }
    if (info.ref) v = this.refTarget(v, op, info);
    if (op.a === TRANSIENT) {
      (this.transients ??= []).push(new EAV(e, op.a, v));
      return;
    }
    this.checkSchema(e, info, v, op);
    this.assertMut(e, info, v, op, group === undefined ? undefined : this.prep.groupSize[group]);
  }

  // ---- the direct front end (direct.ts): entities resolved, no ops ------------------------------

  /**
   * An add on a resolved entity, its ref value an eid or a lookup ref (not a tempid): what
   * {@link add} does once it has resolved them. `size`: the entity map's size, if any.
   */
  addResolved(e: Eid, info: AttrInfo, v0: Value, size: number | undefined): void {
    const v = info.ref ? this.refTarget(v0, DIRECT_OP, info) : v0;
    this.checkSchema(e, info, v, DIRECT_OP);
    this.assertMut(e, info, v, DIRECT_OP, size);
  }

  /** A retraction on a resolved entity (see {@link addResolved}). */
  retractResolved(e: Eid, info: AttrInfo, v0: Value): void {
    this.retractAt(e, info, info.ref ? this.refTarget(v0, DIRECT_OP, info) : v0, DIRECT_OP);
  }

  /** A fresh eid for a new entity map of the direct front end (what its generated tempid would get). */
  freshEid(): Eid {
    const e = this.allocate();
    this.defined.setMut(e, true);
    return e;
  }

  /** The entity holding identity value `v` now (an entity map's resolution). */
  identityHolder(info: AttrInfo, v: Value): Eid | undefined {
    return this.holder(info, v);
  }

  /**
   * The entity lookup ref `ref` (its shape checked by the caller) names now; throws
   * `store/entity-not-found` or `store/lookup-ref-attr-not-unique` as a ref value's resolution does.
   */
  lookupRefTarget(ref: LookupRef): Eid {
    return this.lookupRef(ref, true, DIRECT_OP)!;
  }

  /**
   * {@link lookupRefTarget} for a lookup ref whose attribute's info the caller has: `info` is that
   * of `ref[0]`, declared and unique. Throws `store/entity-not-found` as the other does.
   */
  lookupRefTargetBy(info: AttrInfo, ref: LookupRef): Eid {
    return this.lookupRefHolder(info, ref, true, DIRECT_OP)!;
  }

  /**
   * DataScript's `transact-add`: card-one replaces, card-many is a set, unique values are checked.
   * `size`: the size of the add's entity map, if it has one (see {@link work}).
   */
  private assertMut(e: Eid, info: AttrInfo, v: Value, op: Op, size: number | undefined): void {
    const w = this.work(e, size);
    const a = info.ident;
    this.conflicts?.added(e, info, v, op);
    if (info.many) {
      const k = valueKey(v);
      if (w.hasMany(a, k)) {
        if (this.collectsRedundant(a)) (this.redundant ??= []).push({ fact: new EAV(e, a, v), work: w, fromBase: w.baseHoldsMany(a, k) });
        return;
      }
      this.checkUnique(e, info, v, op);
      w.addManyMut(a, k, v);
    } else {
      const old = w.getOne(a);
      if (!isAbsent(old)) {
        if (valueEquals(old, v)) {
          if (this.collectsRedundant(a)) (this.redundant ??= []).push({ fact: new EAV(e, a, v), work: w, fromBase: w.baseHoldsOne(a) });
          return;
        }
        this.removeMut(w, info, old, undefined);
      }
      this.checkUnique(e, info, v, op);
      w.setOneMut(a, v);
    }
    if (info.unique) (info.identity ? this.avIdentity : this.avValue).setMut(a, valueKey(v), e);
    if (info.ref) this.vae.setMut(v as Eid, a, e, true);
  }

  /** True when the redundant adds of attribute `a` are reported (see `TxOptions.redundantFor`). */
  collectsRedundant(a: Attribute): boolean {
    return this.redundantFilter.collects(a);
  }

  private checkUnique(e: Eid, info: AttrInfo, v: Value, op: Op): void {
    if (!info.unique) return;
    const holder = this.holder(info, v);
    if (holder !== undefined && holder !== e) {
      fail(
        "store/unique-conflict",
        `cannot add ${fmt(e, info.ident, v)}: :${info.ident} is unique (${info.identity ? "identity" : "value"}) and ${formatValue(v)} is already held by entity ${formatEid(holder)}`,
        { attribute: info.ident, value: v, eids: [e, holder] },
        op,
      );
    }
  }

  private checkSchema(e: Eid, info: AttrInfo, v: Value, op: Op): void {
    const { schemaMode, typecheckMode } = this.store.options;
    if (schemaMode !== "ignore" && !info.declared) {
      this.violation(schemaMode, "store/schema-violation", `cannot add ${fmt(e, info.ident, v)}: :${info.ident} is not in the schema`, { attribute: info.ident, value: v, eids: [e] }, op);
    }
    if (typecheckMode !== "ignore" && info.check !== undefined && !info.ref && !info.check(v)) {
      this.violation(typecheckMode, "store/type-violation", `cannot add ${fmt(e, info.ident, v)}: ${formatValue(v)} is not of type ${info.typeName}`, { attribute: info.ident, value: v, eids: [e], valueType: info.typeName }, op);
    }
  }

  // ---- retractions -----------------------------------------------------------------------------

  private retract(op: RetractOp, i: number): void {
    this.noTempid(op.e, op);
    const info = this.prep.infos[i]!;
    let v = op.v;
    if (info.ref && isTempid(v)) v = this.valueTempid(v as Tempid, op, info);
    const e = this.entid(op.e, false, op);
    if (e === undefined || op.a === TRANSIENT) return;
    if (info.ref) v = this.refTarget(v, op, info);
    this.retractAt(e, info, v, op);
  }

  /** Removes `[e a v]` if present (`v` resolved). */
  private retractAt(e: Eid, info: AttrInfo, v: Value, op: Op): void {
    const w = this.work(e);
    const a = info.ident;
    const present = info.many ? w.hasMany(a, valueKey(v)) : isOne(w.getOne(a), v);
    if (present) this.removeMut(w, info, v, op);
  }

  /** `[db/retract e a]`: every value, then the component entities they name (R17). */
  private retractAttribute(e: Eid, info: AttrInfo, op: Op): void {
    const w = this.work(e);
    const values = this.currentValues(w, info);
    for (const v of values) this.removeMut(w, info, v, op);
    if (info.component) for (const v of values) if (isEid(v)) this.retractEntity(v, op);
  }

  /** `[db/retractEntity e]`: its datoms, every ref to it, then its components, recursively (R16). */
  private retractEntity(e: Eid, op: Op): void {
    const w = this.work(e);
    const components: Eid[] = [];
    const incoming = this.vae.incoming(e);
    for (const a of w.attributes()) {
      const info = this.store.schema.info(a);
      for (const v of this.currentValues(w, info)) {
        this.removeMut(w, info, v, op);
        if (info.component && isEid(v)) components.push(v);
      }
    }
    for (const [a, source] of incoming) {
      const sw = this.work(source);
      const info = this.store.schema.info(a);
      const present = info.many ? sw.hasMany(a, valueKey(e)) : sw.getOne(a) === e;
      if (present) this.removeMut(sw, info, e, op);
    }
    for (const c of components) this.retractEntity(c, op);
  }

  private currentValues(w: WorkEntity, info: AttrInfo): Value[] {
    if (info.many) return w.manyValues(info.ident);
    const v = w.getOne(info.ident);
    return isAbsent(v) ? [] : [v];
  }

  /** Removes a present datom from the working copy and the overlays; `op` set for explicit retractions. */
  private removeMut(w: WorkEntity, info: AttrInfo, v: Value, op: Op | undefined): void {
    const a: Attribute = info.ident;
    if (info.many) w.removeManyMut(a, valueKey(v), v);
    else w.setOneMut(a, ABSENT);
    if (info.unique) (info.identity ? this.avIdentity : this.avValue).setMut(a, valueKey(v), null);
    if (info.ref && isEid(v)) this.vae.setMut(v, a, w.eid, false);
    if (op !== undefined) this.conflicts?.retracted(w.eid, a, v, op);
  }
}

/** True when a card-one slot holds `v`. */
function isOne(old: Value | typeof ABSENT, v: Value): boolean {
  return !isAbsent(old) && valueEquals(old, v);
}

/**
 * The op the direct front end's calls carry: its errors and warnings are never shown (it gives up
 * on an error, and does not run with `warn` modes or conflict checks; see direct.ts).
 */
const DIRECT_OP: Op = { kind: "add", e: 0, a: "", v: null, path: "(direct)" };
