/**
 * Datomic's view of a transaction as a set of datoms (R02, R08, R20, R21): two different values
 * for one card-one attribute of one entity, or an add and a retract of one datom, conflict. Only
 * built when `txConflictsMode` is not `ignore`, so the default path pays nothing for it.
 */
import { eavKey, formatEid, formatValue, valueEquals, EAV, type Attribute, type Eid, type TxOp, type Value } from "../eav/index.js";
import type { ErrorData } from "../errors.js";
import type { AttrInfo } from "./schema.js";

type Report = (code: "store/datoms-conflict", message: string, data: ErrorData, op: TxOp) => void;

/** The datoms asserted and retracted so far in one attempt. Mutable, internal to a run. */
export class ConflictLog {
  private readonly cardOne = new Map<string, Value>();
  private readonly adds = new Set<string>();
  private readonly retracts = new Set<string>();

  constructor(private readonly report: Report) {}

  /** Mutates: records an asserted datom; reports a conflict with an earlier one. */
  added(e: Eid, info: AttrInfo, v: Value, op: TxOp): void {
    const key = eavKey(new EAV(e, info.ident, v));
    if (!info.many) {
      const ea = `${typeof e === "number" ? e : `:${e.name}`}\u0001${info.ident}`;
      const first = this.cardOne.get(ea);
      if (first === undefined) this.cardOne.set(ea, v);
      else if (!valueEquals(first, v)) {
        this.report(
          "store/datoms-conflict",
          `two datoms in one transaction conflict: :${info.ident} of entity ${formatEid(e)} is card-one but gets ${formatValue(first)} and ${formatValue(v)}`,
          { attribute: info.ident, value: v, values: [first, v], eids: [e] },
          op,
        );
      }
    }
    if (this.retracts.has(key)) this.both(e, info.ident, v, op);
    this.adds.add(key);
  }

  /** Mutates: records a retracted datom; reports a conflict with an add of the same datom. */
  retracted(e: Eid, a: Attribute, v: Value, op: TxOp): void {
    const key = eavKey(new EAV(e, a, v));
    if (this.adds.has(key)) this.both(e, a, v, op);
    this.retracts.add(key);
  }

  private both(e: Eid, a: Attribute, v: Value, op: TxOp): void {
    this.report(
      "store/datoms-conflict",
      `two datoms in one transaction conflict: [${formatEid(e)} :${a} ${formatValue(v)}] is both added and retracted`,
      { attribute: a, value: v, eids: [e] },
      op,
    );
  }
}
