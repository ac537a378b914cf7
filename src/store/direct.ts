/**
 * The direct front end of a transaction: input whose entities are existing eids or entity maps
 * (without `eav/eid`, or under a literal tempid no earlier map had) that resolve by one identity
 * value or are new, and whose ref values are eids, lookup refs or tempids an earlier map defined,
 * run without normalising it into ops first. It covers what a session sends most: a caller's
 * identity upserts (`{ "order/id": "o7", "order/amount": 700 }`), a load whose orders point back at
 * their customers' tempids, a rule action's EAV with a resolved eid, truth maintenance's
 * retractions.
 *
 * Why: on the benchmark's update (5,000 one-attribute upserts into a 100k-entity store) the op
 * pipeline (an op and a generated tempid per map, the prepared arrays, the map's resolution
 * machinery) was about a third of the transaction, for input whose entities resolve by one lookup.
 * Taking a load's tempid maps too (issue 7, fifth session): the 100k session load allocated 255 MB
 * instead of 359 (sampling heap profile), its peak RSS was about 7 MB lower, its time 3-7% less.
 *
 * How it stays the same transaction: it applies the adds and retractions through the same
 * {@link TxRun} methods, in the order the op pipeline would (an entity map resolves its entity when
 * it starts, from the working state), and commits the same way. It only takes input where that
 * order and those resolutions are all there is to it: anything else (another tempid, e.g. a forward
 * reference or a tempid's second map; a nested map, a card-many array, more than one identity
 * attribute, an explicit eid above the store's, a `warn` mode, conflict checks) gives up before
 * anything is committed, and the op pipeline runs the transaction from the start. So does any
 * error: the op pipeline then reports it with its path. test/store/direct.test.ts compares both
 * fronts on generated transactions.
 */
import { EavError } from "../errors.js";
import { EAV, EID, GeneratedTempid, isKeyword, isLookupRef, isPlainObject, isTempid, isTripleShape, isValue, type Attribute, type Eid, type InputMode, type LookupRef, type TxOp, type Value } from "../eav/index.js";
import type { AttrInfo } from "./schema.js";
import type { Store } from "./store.js";
import { TxRun } from "./run.js";

/** What the direct front end may run: input of `transact`/`transactFacts`, or built ops. */
export type DirectSource = { readonly kind: "ops"; readonly ops: readonly TxOp[] } | { readonly kind: "input"; readonly input: unknown; readonly mode: InputMode };

/** Gives up the direct front end (caught below; never escapes). */
class GiveUp {}
const GIVE_UP = new GiveUp();

/**
 * Runs `source` on `store` through the direct front end: the finished attempt (to commit), or
 * `undefined` when the op pipeline must run it (nothing was changed). Throws nothing of its own.
 */
export function runDirect(store: Store, source: DirectSource, redundantFor: ReadonlySet<Attribute> | undefined): TxRun | undefined {
  const { schemaMode, typecheckMode, txConflictsMode } = store.options;
  // warnings carry the op's path, conflict checks need the ops: the op pipeline's
  if (txConflictsMode !== "ignore" || schemaMode === "warn" || typecheckMode === "warn") return undefined;
  const attempt = new TxRun(store, undefined, undefined, redundantFor);
  const walk = new DirectWalk(store, attempt);
  try {
    if (source.kind === "ops") walk.ops(source.ops);
    else walk.input(source.input, source.mode);
    attempt.finishMut();
  } catch (e) {
    // an error is reported by the op pipeline, with its path
    if (e === GIVE_UP || e instanceof EavError) return undefined;
    throw e;
  }
  return attempt;
}

/** One walk over direct input. Mutable; lives inside one {@link runDirect} call. */
class DirectWalk {
  private readonly maxEid: number;
  /** The literal tempids entity maps of this walk defined, and their eids (see {@link entityMap}). */
  private tempidEids: Map<string | number, Eid> | undefined = undefined;
  /**
   * The current entity map's attribute infos and raw values, by position (reused from map to map;
   * made on the first map). The second pass over a map read every key's info again: about 110
   * instructions per map of the benchmark's update (issue 7).
   */
  private infos: AttrInfo[] | undefined = undefined;
  private raws: unknown[] | undefined = undefined;

  constructor(
    private readonly store: Store,
    private readonly attempt: TxRun,
  ) {
    this.maxEid = store.indexes.maxEid;
  }

  /** An array of entries, or one entry (a lone triple is one entry, as for the op pipeline). */
  input(input: unknown, mode: InputMode): void {
    if (!Array.isArray(input) || isTripleShape(input)) return this.entry(input, mode);
    for (let i = 0; i < input.length; i++) this.entry(input[i], mode);
  }

  /**
   * An EAV, a triple, (not to retract) an entity map, or (in a transaction) a `db/add` or
   * `db/retract` of a value; nested arrays and the other list forms are the op pipeline's.
   */
  private entry(x: unknown, mode: InputMode): void {
    if (x instanceof EAV) this.fact(x.e, x.a, x.v, mode);
    else if (isPlainObject(x)) {
      if (mode === "retract") throw GIVE_UP;
      this.entityMap(x);
    } else if (Array.isArray(x) && isTripleShape(x)) this.fact(x[0], x[1], x[2], mode);
    else if (mode === "tx" && Array.isArray(x) && x.length === 4 && (x[0] === "db/add" || x[0] === "db/retract")) {
      this.fact(x[1], x[2], x[3], x[0] === "db/add" ? "add" : "retract");
    } else throw GIVE_UP;
  }

  ops(ops: readonly TxOp[]): void {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      // only plain adds and retractions; maps' adds carry their map number: the op pipeline's
      if ((op.kind !== "add" && op.kind !== "retract") || (op.kind === "add" && op.map !== undefined)) throw GIVE_UP;
      this.fact(op.e, op.a, op.v, op.kind === "add" ? "add" : "retract");
    }
  }

  /** An add or a retraction of `[e a v]`, `e` an existing eid. */
  private fact(e: unknown, a: unknown, v: unknown, mode: InputMode): void {
    const eid = this.knownEid(e);
    const info = this.info(a);
    const value = this.value(info, v);
    if (mode === "retract") this.attempt.retractResolved(eid, info, value);
    else this.attempt.addResolved(eid, info, value, undefined);
  }

  /**
   * An entity map with at most one identity attribute, without `eav/eid` or with a literal tempid
   * there that no earlier map of this walk had: the entity holding its identity value now (the
   * working state: DataScript resolves a map when it starts), else a fresh eid, handed out when the
   * map starts as the op pipeline hands out its tempid's (a map with no attribute defines nothing).
   * The tempid is then reported with its eid, and later ref values may name it (see {@link value}).
   */
  private entityMap(map: Record<string, unknown>): void {
    let tempid: string | number | undefined;
    if (Object.prototype.hasOwnProperty.call(map, EID)) {
      const t = map[EID];
      if (!isLiteralTempid(t) || this.tempidEids?.has(t) === true) throw GIVE_UP;
      tempid = t;
    }
    // the map's attributes, their infos and raw values, asked once (the second pass reads these)
    const infos = (this.infos ??= []);
    const raws = (this.raws ??= []);
    let e: Eid | undefined;
    let size = 0;
    let identities = 0;
    // the cell of the identity attribute that resolved the map to an entity, if one did
    let upsertedBy = -1;
    for (const a in map) {
      if (!Object.prototype.hasOwnProperty.call(map, a) || a === EID) continue;
      const info = this.info(a);
      const raw = map[a];
      infos[size] = info;
      raws[size] = raw;
      size++;
      if (!info.identity) continue;
      if (++identities > 1 || info.ref) throw GIVE_UP;
      e = this.attempt.identityHolder(info, this.value(info, raw));
      if (e !== undefined) upsertedBy = size - 1;
    }
    if (size === 0) return;
    // the entity holds that identity value now: its add is redundant, and only a redundant add
    // that is reported has anything to do (about 330 instructions per map of an update's identity
    // upserts, issue 7, ninth session). A map of that attribute alone keeps it: its add is what
    // touches the entity, and the report lists entities in the order they were first touched.
    if (upsertedBy >= 0 && (size === 1 || this.attempt.collectsRedundant(infos[upsertedBy]!.ident))) upsertedBy = -1;
    e ??= this.attempt.freshEid();
    if (tempid !== undefined) {
      this.attempt.tempids.set(tempid, e);
      (this.tempidEids ??= new Map()).set(tempid, e);
    }
    for (let j = 0; j < size; j++) {
      if (j === upsertedBy) continue;
      const info = infos[j]!;
      const raw = raws[j];
      // a card-many array is several values (or one lookup ref): the op pipeline's
      if (info.many && Array.isArray(raw)) throw GIVE_UP;
      this.attempt.addResolved(e, info, this.value(info, raw), size);
    }
  }

  /** An existing positive integer eid (an explicit eid above the store's moves its maxEid). */
  private knownEid(e: unknown): Eid {
    if (typeof e !== "number" || !Number.isSafeInteger(e) || e <= 0 || e > this.maxEid) throw GIVE_UP;
    return e;
  }

  /**
   * A plain attribute's info (not reserved, not transient: those are the op pipeline's). A keyword
   * is read as its name, as the op pipeline does.
   */
  private info(a0: unknown): AttrInfo {
    // EDN input (a rule file's action) writes attributes as keywords: they mean their names
    const a = isKeyword(a0) ? a0.name : a0;
    if (typeof a !== "string" || a.length === 0) throw GIVE_UP;
    const info = this.store.schema.recentPlainInfo(a);
    if (info === undefined) throw GIVE_UP;
    return info;
  }

  /**
   * A value as the op pipeline would pass it on: ref values must be eids, lookup refs, or literal
   * tempids an earlier entity map of this walk defined (their eids; any other tempid, e.g. a
   * forward reference, is the op pipeline's). A lookup ref is resolved here, from the working
   * state, as the add or retraction it is for would resolve it next (its shape is checked once:
   * the check scans the attribute's characters).
   */
  private value(info: AttrInfo, v: unknown): Value {
    if (info.ref) {
      if (isLiteralTempid(v)) {
        const e = this.tempidEids?.get(v);
        if (e === undefined) throw GIVE_UP;
        return e;
      }
      if (typeof v === "number") return this.knownEid(v);
      // a lookup ref on a declared unique attribute (the common one): its shape is known without
      // scanning the attribute's characters, and its info without another schema lookup (about
      // 200 instructions per lookup ref of the benchmark's update, issue 7, ninth session)
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string") {
        const by = this.store.schema.recentPlainInfo(v[0]);
        if (by !== undefined && by.declared && by.unique) return this.attempt.lookupRefTargetBy(by, v as unknown as LookupRef);
      }
      if (!isLookupRef(v)) throw GIVE_UP;
      return this.attempt.lookupRefTarget(v);
    }
    if (v === undefined || !isValue(v)) throw GIVE_UP;
    return v;
  }
}

/** A tempid written by a caller (not one the op pipeline generates for a nested map). */
function isLiteralTempid(x: unknown): x is string | number {
  return isTempid(x) && !(x instanceof GeneratedTempid);
}
