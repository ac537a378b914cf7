/**
 * The working state of one transaction attempt and the rules that resolve its ids: tempids (value
 * tempids first, DataScript's order), entity maps (resolved once from their `eav/eid` and identity
 * values, R07-R09), lookup refs, and the working copy of each entity touched. `run.ts` applies the
 * ops on top of it. Throws a {@link Retry} when an identity upsert resolves a tempid that already
 * got a fresh eid (DataScript's `retry-with-tempid`).
 */
import type { ErrorData } from "../errors.js";
import {
  GeneratedTempid,
  formatEid,
  formatValue,
  isEid,
  isLookupRef,
  isTempid,
  valueKey,
  type Attribute,
  type EAV,
  type Eid,
  type EntityRef,
  type LookupRef,
  type Tempid,
  type TxOp,
  type Value,
} from "../eav/index.js";
import { ConflictLog } from "./conflicts.js";
import { Mispredicted, Retry, fail } from "./fail.js";
import type { Mode, StoreWarning } from "./options.js";
import type { Prepared } from "./prepare.js";
import type { AttrInfo } from "./schema.js";
import type { Store } from "./store.js";
import { AvWork, EidTable, VaeWork, WorkEntity } from "./work.js";
import { TempidTable } from "./tempids.js";

/** The ops a run applies, by kind. */
export type Op = TxOp;
export type AddOp = Extract<TxOp, { kind: "add" }>;
export type RetractOp = Extract<TxOp, { kind: "retract" }>;


/** The group eids before a chunk runs (never written: each chunk makes its own). */
const NO_GROUP_EIDS: Array<Eid | undefined> = [];
/** The chunk of an attempt before its first (never read: see `TxState.prep`). */
const NO_PREP = undefined as unknown as Prepared;

/** An add found already present when it ran (see {@link TxState.redundant}). */
export interface Redundant {
  readonly fact: EAV;
  readonly work: WorkEntity;
  readonly fromBase: boolean;
}

/**
 * The working state of one attempt, and its id resolution. Mutable; lives inside one `transactOps`
 * call.
 *
 * Its fields are `declare`d and all set in the constructor: a base class with class fields (their
 * initialiser) is not inlined into its subclass's constructor by V8's optimising compiler, and
 * every transaction's `new TxRun` then ran the generic construct stub and `FastNewObject` (about
 * 230 instructions of a fire's one-datom transaction, issue 7).
 */
export abstract class TxState {
  /** The store before the transaction. */
  declare readonly store: Store;
  /** The attributes whose redundant adds are collected (all when undefined; see `TxOptions`). */
  declare protected readonly redundantFor: ReadonlySet<Attribute> | undefined;
  /**
   * Tempids in the seed whose upsert was predicted (see {@link predictUpserts}), not found: when
   * one resolves otherwise as an entity, the attempt stops with {@link Mispredicted}.
   */
  declare private readonly predicted: ReadonlyMap<Tempid, Eid> | undefined;
  /** The tempids resolved so far (see tempids.ts). */
  declare readonly tempids: TempidTable;
  /** Eids handed to tempids used as ref values: each must end up with an asserted datom. */
  declare private valueTempids: Map<Eid, Tempid> | undefined;
  /** Eids that were the e of an add (stored, redundant or transient) resolved from a tempid. */
  declare readonly defined: EidTable<true>;
  /**
   * Per map key of the current chunk: the map's entity once resolved (an array: keys are small and
   * dense). Each chunk starts with its own (`executeChunkMut`); the direct front end has none.
   */
  declare protected groupEids: Array<Eid | undefined>;
  /** The working entity {@link work} returned last. */
  declare private lastWork: WorkEntity | undefined;
  /** The working entities by eid... */
  declare protected readonly ents: EidTable<WorkEntity>;
  /**
   * ...and in the order they were first touched (the order of the report's datoms). This and the
   * lists below are made on their first entry: a fire's one-datom transactions fill few of them.
   */
  declare touched: WorkEntity[] | undefined;
  declare readonly avIdentity: AvWork;
  declare readonly avValue: AvWork;
  declare readonly vae: VaeWork;
  declare transients: EAV[] | undefined;
  /**
   * Resolved adds found already present when they ran (commit.ts `redundantAdds` keeps those
   * present before and after), each with the working entity it was found on and whether the value
   * found was the entity's value before the transaction (then no lookup in the old store is needed).
   */
  declare redundant: Redundant[] | undefined;
  declare warnings: StoreWarning[] | undefined;
  declare protected readonly conflicts: ConflictLog | undefined;
  /** The next fresh eid: above every eid of the store and every explicit eid of the tx (R18). */
  declare next: number;
  /** The largest positive integer eid written in the chunks run so far. */
  declare maxExplicit: number;
  /** The first eid this attempt may hand out (the store's maxEid + 1). */
  declare protected readonly firstFresh: number;
  /** True once a fresh eid was handed out (or came in the seed). */
  declare protected handedOut: boolean;
  /** The predicted tempids (see `predicted`) confirmed so far. */
  declare private confirmed: Set<Tempid> | undefined;
  /** The chunk being run (see {@link executeChunkMut}; none before the first). */
  declare protected prep: Prepared;

  /**
   * `seed`: the tempids of the previous attempt (a retry keeps them, as DataScript's
   * retry-with-tempid does, plus the upserted one); `next`: where that attempt's counter stopped,
   * so that a retry never hands out an eid a kept tempid holds.
   */
  constructor(store: Store, seed: ReadonlyMap<Tempid, Eid> | undefined, next: number | undefined, redundantFor: ReadonlySet<Attribute> | undefined, predicted?: ReadonlyMap<Tempid, Eid>) {
    // every field, in declaration order (one object shape)
    this.store = store;
    this.redundantFor = redundantFor;
    this.predicted = predicted;
    this.tempids = new TempidTable(seed);
    this.valueTempids = undefined;
    const ix = store.indexes;
    const firstFresh = ix.maxEid + 1;
    this.defined = new EidTable(firstFresh);
    this.groupEids = NO_GROUP_EIDS;
    this.lastWork = undefined;
    this.ents = new EidTable(firstFresh);
    this.touched = undefined;
    this.avIdentity = new AvWork(ix.avIdentity);
    this.avValue = new AvWork(ix.avValue);
    this.vae = new VaeWork(ix.vae, firstFresh);
    this.transients = undefined;
    this.redundant = undefined;
    this.warnings = undefined;
    const mode = store.options.txConflictsMode;
    this.conflicts = mode === "ignore" ? undefined : new ConflictLog((code, message, data, op) => this.violation(mode, code, message, data, op));
    this.next = next ?? firstFresh;
    this.maxExplicit = 0;
    this.firstFresh = firstFresh;
    this.handedOut = seed !== undefined && seed.size > 0;
    this.confirmed = undefined;
    // set by `executeChunkMut` before any read (the direct front end runs no chunk)
    this.prep = NO_PREP;
  }

  /** Reports a failed check according to its mode. */
  violation(mode: Mode, code: StoreWarning["code"], message: string, data: ErrorData, op: Op | undefined): void {
    if (mode === "enforce") fail(code, message, data, op);
    if (mode === "warn") (this.warnings ??= []).push({ code, message: op === undefined ? message : `${message} (at ${op.path})`, data: op === undefined ? data : { ...data, path: op.path } });
  }

  // ---- tempids ---------------------------------------------------------------------------------

  protected allocate(): number {
    this.handedOut = true;
    return this.next++;
  }

  /** A tempid in the value of a ref attribute: its eid, allocated now if it has none yet. */
  protected valueTempid(t: Tempid, op: AddOp | RetractOp, info: AttrInfo): Eid {
    let eid = this.tempids.get(t);
    if (eid === undefined) {
      eid = this.allocate();
      this.tempids.set(t, eid);
    }
    // a nested entity map: Datomic wants it under a component or with a unique attribute
    if (t instanceof GeneratedTempid && this.conflicts !== undefined && !info.component && !this.prep.hasUnique.has(t)) {
      this.violation(this.store.options.txConflictsMode, "store/invalid-nested-entity", `the nested entity under :${info.ident} must be a component or have a unique attribute`, { attribute: info.ident }, op);
    }
    (this.valueTempids ??= new Map()).set(eid, t);
    return eid;
  }

  /** A tempid in e of a list form: upserts through a unique-identity attribute (R07). */
  protected vectorTempid(t: Tempid, info: AttrInfo, v: Value): Eid {
    const upserted = info.identity ? this.holder(info, v) : undefined;
    this.checkPrediction(t, upserted, info.identity);
    const allocated = this.tempids.get(t);
    if (upserted !== undefined && allocated !== undefined && upserted !== allocated) throw new Retry(t, upserted);
    const eid = upserted ?? allocated ?? this.allocate();
    this.tempids.set(t, eid);
    return eid;
  }

  /**
   * The entity of an entity map, resolved once when the map starts, from its eav/eid and all its
   * identity attributes together (R07-R09, R15): DataScript's map branch. Explicit eids and lookup
   * refs always resolve here; a tempid only when one of the identity values upserts it.
   */
  protected resolveMap(key: number): void {
    const e0 = this.prep.groupE[key];
    if (e0 === undefined) return; // a map without attributes (no ops)
    const first = this.prep.ops[this.prep.groupFirst[key]!]!;
    const explicit = isTempid(e0) ? undefined : this.entid(e0, true, first)!;
    let upserted: Eid | undefined;
    let by: AddOp | undefined;
    for (const j of this.prep.groupIdentity[key] ?? []) {
      const op = this.prep.ops[j] as AddOp;
      const info = this.prep.infos[j]!;
      let v: Value | undefined = op.v;
      if (info.ref) v = isTempid(v) ? undefined : isLookupRef(v) ? this.lookupRef(v, false, op) : v;
      if (v === undefined) continue;
      const found = this.holder(info, v);
      if (found === undefined) continue;
      if (upserted === undefined) {
        upserted = found;
        by = op;
      } else if (found !== upserted) {
        fail(
          "store/unique-conflict",
          `conflicting upserts: [:${by!.a} ${formatValue(by!.v)}] resolves to entity ${formatEid(upserted)}, but [:${op.a} ${formatValue(op.v)}] resolves to entity ${formatEid(found)}`,
          { attribute: op.a, value: op.v, eids: [upserted, found] },
          op,
        );
      }
    }
    if (explicit !== undefined) {
      if (upserted !== undefined && upserted !== explicit) {
        fail(
          "store/unique-conflict",
          `conflicting upsert: [:${by!.a} ${formatValue(by!.v)}] resolves to entity ${formatEid(upserted)}, but the entity map has eav/eid ${formatEid(explicit)}`,
          { attribute: by!.a, value: by!.v, eids: [explicit, upserted] },
          by,
        );
      }
      this.groupEids[key] = explicit;
      return;
    }
    const t = e0 as Tempid;
    this.checkPrediction(t, upserted, true);
    if (upserted === undefined) {
      // no upsert now. With identity attributes the map's adds resolve their tempid one by one,
      // like list forms (DataScript explodes the map and allocates lazily), so that a value
      // asserted meanwhile by a nested map can still upsert it. Without any, every add would
      // get the tempid's eid or a fresh one: resolve it once (eids differ from DataScript's
      // only in numbering).
      if (this.prep.groupIdentity[key] !== undefined) return;
      const eid = this.tempids.get(t) ?? this.allocate();
      this.tempids.set(t, eid);
      this.groupEids[key] = eid;
      this.defined.setMut(eid, true);
      return;
    }
    const allocated = this.tempids.get(t);
    if (allocated !== undefined && allocated !== upserted) throw new Retry(t, upserted);
    this.tempids.set(t, upserted);
    this.groupEids[key] = upserted;
    this.defined.setMut(upserted, true);
  }

  /**
   * A use of tempid `t` as an entity, `upserted` the entity its identity values resolve it to now
   * (`identity`: the use is an identity add or an entity map). The first use of a predicted tempid
   * must confirm the prediction; anything else stops the attempt with {@link Mispredicted}: without
   * predictions that use would have got a fresh eid, and what it did with it (an error, say) is what
   * the transaction does.
   */
  private checkPrediction(t: Tempid, upserted: Eid | undefined, identity: boolean): void {
    if (this.predicted === undefined) return;
    const p = this.predicted.get(t);
    if (p === undefined || this.confirmed?.has(t) === true) return;
    if (!identity || p !== upserted) throw new Mispredicted();
    (this.confirmed ??= new Set()).add(t);
  }

  /** DataScript's `check-value-tempids`: a tempid used only as a ref value is an error (R12). */
  protected checkValueTempids(): void {
    // generated tempids count too: an empty nested map `{}` defines no entity (as in DataScript)
    const unused: Tempid[] = [];
    if (this.valueTempids === undefined) return;
    for (const [eid, t] of this.valueTempids) if (this.defined.get(eid) === undefined) unused.push(t);
    if (unused.length > 0) {
      fail("store/tempid-only-as-value", `tempids used only as a ref value, never as an entity: ${unused.map((t) => formatEid(t)).join(", ")}`, { tempids: unused });
    }
  }

  protected noTempid(e: EntityRef, op: Op): void {
    if (isTempid(e)) {
      fail("store/tempid-in-retract", `cannot use tempid ${formatEid(e)} in ${op.kind}: tempids are allowed in adds only`, { tempid: e, eids: [e] }, op);
    }
  }

  // ---- ids and lookups -------------------------------------------------------------------------

  /** The entity holding `v` under the unique attribute (current state of the tx). */
  protected holder(info: AttrInfo, v: Value): Eid | undefined {
    return (info.identity ? this.avIdentity : this.avValue).get(info.ident, valueKey(v));
  }

  /** Resolves an eid or lookup ref; `strict` makes an unresolved lookup ref an error (R15). */
  protected entid(ref: EntityRef, strict: boolean, op: Op): Eid | undefined {
    if (!isLookupRef(ref)) return ref as Eid;
    return this.lookupRef(ref, strict, op);
  }

  /** Resolves a lookup ref (the caller checked its shape: the check runs a regex, once is enough). */
  protected lookupRef(ref: LookupRef, strict: boolean, op: Op): Eid | undefined {
    const [a, v] = ref;
    const info = this.store.schema.info(a);
    if (!info.unique) {
      fail("store/lookup-ref-attr-not-unique", `lookup ref ${formatEid(ref)}: :${a} is not unique (declare it unique "identity" or "value")`, { attribute: a, value: v }, op);
    }
    return this.lookupRefHolder(info, ref, strict, op);
  }

  /**
   * The entity lookup ref `ref` names, `info` being its (unique) attribute's; `strict` makes none
   * an error (R15).
   */
  protected lookupRefHolder(info: AttrInfo, ref: LookupRef, strict: boolean, op: Op): Eid | undefined {
    const found = this.holder(info, ref[1]);
    if (found === undefined && strict) {
      fail("store/entity-not-found", `nothing found for lookup ref ${formatEid(ref)}`, { attribute: ref[0], value: ref[1] }, op);
    }
    return found;
  }

  /** A ref attribute's value as an eid: eids as they are, lookup refs resolved (strictly). */
  protected refTarget(v: Value, op: Op, info: AttrInfo): Eid {
    if (isEid(v)) return v;
    if (isLookupRef(v)) return this.lookupRef(v, true, op)!;
    return fail("store/invalid-eid", `:${info.ident} is a ref attribute: its value must be an entity id, a tempid or a lookup ref, got ${formatValue(v)}`, { attribute: info.ident, value: v }, op);
  }

  /**
   * The working copy of an entity, made on first touch. `size`: how many card-one attributes the
   * caller expects the tx to write on it (an entity map's size); by default the entity's own.
   */
  work(e: Eid, size?: number): WorkEntity {
    // the adds of one entity map come in a row: their entity is the one asked for last
    const last = this.lastWork;
    if (last !== undefined && last.eid === e) return last;
    let w = this.ents.get(e);
    if (w === undefined) {
      // eids above the store's maxEid (fresh allocations, new explicit eids) have no record yet
      const ix = this.store.indexes;
      const base = typeof e === "number" && e > ix.maxEid ? undefined : ix.eav.get(e);
      w = new WorkEntity(e, base, size ?? Math.max(base?.attrs.length ?? 0, 4));
      this.ents.setMut(e, w);
      // a literal: an array grown by `push` from empty starts at 17 cells
      if (this.touched === undefined) this.touched = [w];
      else this.touched.push(w);
    }
    this.lastWork = w;
    return w;
  }

}

/**
 * The upserts of a transaction's tempids as the store before it predicts them: each tempid whose
 * identity adds (in its entity map, or list forms on it) name values one entity holds in `store`,
 * mapped to that entity. A retry starts with them all pinned (see transact.ts): without them,
 * every tempid used as a ref value before its upserting map cost one restart of the whole
 * transaction (DataScript's retry-with-tempid, quadratic: 1,000 such tempids took about a second).
 * Tempids whose values name several entities are left out (the transaction reports the conflict).
 * Nothing changes.
 */
export function predictUpserts(prep: Prepared, store: Store): Map<Tempid, Eid> {
  const out = new Map<Tempid, Eid>();
  const conflicting = new Set<Tempid>();
  const av = store.indexes.avIdentity;
  for (let i = 0; i < prep.ops.length; i++) {
    const op = prep.ops[i]!;
    const info = prep.infos[i];
    if (op.kind !== "add" || info === undefined || !info.identity || info.ref) continue;
    const group = prep.groups[i];
    const e = group === undefined ? op.e : prep.groupE[group];
    if (e === undefined || !isTempid(e)) continue;
    const holder = av.get(info.ident)?.get(valueKey(op.v));
    if (holder === undefined) continue;
    const known = out.get(e);
    if (known === undefined) out.set(e, holder);
    else if (known !== holder) conflicting.add(e);
  }
  for (const t of conflicting) out.delete(t);
  return out;
}
