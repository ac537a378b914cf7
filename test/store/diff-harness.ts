// Differential testing of our store against the `datascript` npm package: an abstract
// transaction language that fast-check generates, its rendering for both stores, error-kind
// mapping, and the comparison of both states modulo eid numbering.
import { ds as d, type DsConn, type DsReport } from "./datascript-api.js";
import fc from "fast-check";
import { type Eid } from "../../src/eav/index.js";
import { createStore, transact, type SchemaEntry, type Store, type TxReport } from "../../src/store/index.js";
import { isEavError } from "../../src/errors.js";

// ---- schemas ----------------------------------------------------------------------------------

export const ATTRS = ["p/a", "p/b", "p/c", "p/d", "p/e", "p/f"] as const;
/** An attribute never declared (card-one, untyped, not unique in both stores). */
export const UNDECLARED = "q/x";

export type AttrSpec =
  | { readonly kind: "plain"; readonly many: boolean; readonly unique: "identity" | "value" | "none" }
  | { readonly kind: "ref"; readonly many: boolean; readonly component: boolean };

export const arbAttrSpec: fc.Arbitrary<AttrSpec> = fc.oneof(
  fc.record({ kind: fc.constant("plain" as const), many: fc.boolean(), unique: fc.constantFrom("identity" as const, "value" as const, "none" as const) }),
  fc.record({ kind: fc.constant("ref" as const), many: fc.boolean(), component: fc.boolean() }),
);

export const arbSchema = fc.array(arbAttrSpec, { minLength: ATTRS.length, maxLength: ATTRS.length });

export function ourSchema(specs: readonly AttrSpec[]): SchemaEntry[] {
  return specs.map((s, i): SchemaEntry => {
    const ident = ATTRS[i]!;
    const cardinality = s.many ? "many" : "one";
    if (s.kind === "ref") return { ident, cardinality, valueType: "ref", ...(s.component ? { isComponent: true } : {}) };
    return { ident, cardinality, ...(s.unique === "none" ? {} : { unique: s.unique }) };
  });
}

export function dsSchema(specs: readonly AttrSpec[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  specs.forEach((s, i) => {
    const e: Record<string, unknown> = { ":db/cardinality": s.many ? ":db.cardinality/many" : ":db.cardinality/one" };
    if (s.kind === "ref") {
      e[":db/valueType"] = ":db.type/ref";
      if (s.component) e[":db/isComponent"] = true;
    } else if (s.unique !== "none") e[":db/unique"] = s.unique === "identity" ? ":db.unique/identity" : ":db.unique/value";
    out[ATTRS[i]!] = e;
  });
  return out;
}

// ---- abstract transactions --------------------------------------------------------------------

/** Who an op is about: a tempid, an entity made earlier, a lookup ref, or a brand-new explicit eid. */
export type ARef =
  | { readonly k: "tmp"; readonly t: -1 | -2 | "t1" | "t2" }
  | { readonly k: "old"; readonly i: number }
  | { readonly k: "lookup"; readonly a: number; readonly v: PlainValue }
  | { readonly k: "new"; readonly n: number };

export type PlainValue = "v0" | "v1" | "v2" | 0 | 1;

/** A value seed, rendered by the attribute's kind: a plain value, a ref, or a nested entity. */
export interface ASeed {
  readonly p: PlainValue;
  readonly r: ARef;
  readonly nested: ANested | null;
  /** 0: a scalar; n > 0: an array of n values (card-many attributes of entity maps only). */
  readonly arr: number;
}

export interface ANested {
  readonly attrs: ReadonlyArray<readonly [number, PlainValue]>;
}

export type AOp =
  | { readonly op: "map"; readonly e: ARef | null; readonly attrs: ReadonlyArray<readonly [number, ASeed]> }
  | { readonly op: "add" | "retract"; readonly e: ARef; readonly a: number; readonly v: ASeed }
  | { readonly op: "retractAttribute"; readonly e: ARef; readonly a: number }
  | { readonly op: "retractEntity"; readonly e: ARef };

export const arbPlain: fc.Arbitrary<PlainValue> = fc.constantFrom<PlainValue>("v0", "v1", "v2", 0, 1);
/** Attribute indexes: the six declared ones and the undeclared one (index 6). */
const arbAttrIx = fc.integer({ min: 0, max: ATTRS.length });

export const arbRef = (withNew: boolean): fc.Arbitrary<ARef> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: fc.constant("tmp" as const), t: fc.constantFrom(-1 as const, -2 as const, "t1" as const, "t2" as const) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant("old" as const), i: fc.nat(20) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("lookup" as const), a: fc.nat(ATTRS.length - 1), v: arbPlain }) },
    { weight: withNew ? 1 : 0, arbitrary: fc.record({ k: fc.constant("new" as const), n: fc.integer({ min: 1, max: 3 }) }) },
  );

const arbNested: fc.Arbitrary<ANested> = fc.record({ attrs: fc.array(fc.tuple(arbAttrIx, arbPlain), { maxLength: 2 }) });

const arbSeed = (inMap: boolean): fc.Arbitrary<ASeed> =>
  fc.record({
    p: arbPlain,
    r: arbRef(true),
    nested: inMap ? fc.option(arbNested, { freq: 4 }) : fc.constant(null),
    arr: inMap ? fc.constantFrom(0, 0, 1, 2) : fc.constant(0),
  });

export const arbOp: fc.Arbitrary<AOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("map" as const), e: fc.option(arbRef(true), { freq: 4 }), attrs: fc.uniqueArray(fc.tuple(arbAttrIx, arbSeed(true)), { minLength: 1, maxLength: 3, selector: (x) => x[0] }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("add" as const), e: arbRef(true), a: arbAttrIx, v: arbSeed(false) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("retract" as const), e: arbRef(false), a: arbAttrIx, v: arbSeed(false) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("retractAttribute" as const), e: arbRef(false), a: arbAttrIx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("retractEntity" as const), e: arbRef(false) }) },
);

export const arbTx = fc.array(arbOp, { minLength: 1, maxLength: 5 });
export const arbScenario = fc.record({ schema: arbSchema, txs: fc.array(arbTx, { minLength: 1, maxLength: 6 }) });

// ---- rendering --------------------------------------------------------------------------------

/** Entities both stores know, as [our eid, DataScript eid]; "old" refs pick from it. */
export interface Pairing {
  readonly ours: Map<Eid, number>;
  readonly theirs: Map<number, Eid>;
  readonly handles: Array<readonly [Eid, number]>;
}

export function newPairing(): Pairing {
  return { ours: new Map(), theirs: new Map(), handles: [] };
}

function attrName(i: number): string {
  return i < ATTRS.length ? ATTRS[i]! : UNDECLARED;
}

function specOf(schema: readonly AttrSpec[], i: number): AttrSpec | undefined {
  return i < ATTRS.length ? schema[i] : undefined;
}

/** Renders an abstract tx for one side. `side` 0 = ours, 1 = DataScript. */
export class Renderer {
  /** Explicit new eids written in this tx, per side: n -> eid. */
  readonly newEids: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];

  constructor(
    readonly schema: readonly AttrSpec[],
    readonly pairing: Pairing,
    readonly base: readonly [number, number],
  ) {}

  ref(r: ARef, side: 0 | 1): unknown {
    switch (r.k) {
      case "tmp":
        return r.t;
      case "old": {
        const h = this.pairing.handles;
        if (h.length === 0) return "t1";
        return h[r.i % h.length]![side];
      }
      case "lookup":
        return [ATTRS[this.uniqueAttr(r.a)]!, r.v];
      case "new": {
        const eid = this.base[side] + 10 * r.n;
        this.newEids[side].set(r.n, eid);
        return eid;
      }
    }
  }

  /** The lookup-ref attribute: prefer a unique one so that lookups mostly resolve. */
  private uniqueAttr(a: number): number {
    const uniques = this.schema.map((s, i) => (s.kind === "plain" && s.unique !== "none" ? i : -1)).filter((i) => i >= 0);
    return uniques.length === 0 ? a : uniques[a % uniques.length]!;
  }

  value(a: number, seed: ASeed, side: 0 | 1, inMap: boolean): unknown {
    const spec = specOf(this.schema, a);
    const one = (): unknown => {
      if (spec?.kind !== "ref") return seed.p;
      if (inMap && seed.nested !== null) return this.nested(seed.nested);
      return this.ref(seed.r, side);
    };
    if (inMap && spec?.many === true && seed.arr > 0) {
      const v = one();
      // a card-many array: one or two values (the second a plain variant or another ref)
      const second = spec.kind === "ref" ? this.ref({ k: "tmp", t: "t2" }, side) : seed.p === "v0" ? "v1" : "v0";
      return seed.arr === 1 ? [v] : [v, second];
    }
    return one();
  }

  private nested(n: ANested): Record<string, unknown> {
    const m: Record<string, unknown> = {};
    for (const [a, v] of n.attrs) {
      const spec = specOf(this.schema, a);
      if (spec?.kind === "ref") continue;
      m[attrName(a)] = spec?.many === true ? [v] : v;
    }
    return m;
  }

  /** Our transaction input. */
  ours(tx: readonly AOp[]): unknown[] {
    return tx.map((op) => this.op(op, 0));
  }

  /** DataScript transaction data. */
  theirs(tx: readonly AOp[]): unknown[] {
    return tx.map((op) => this.op(op, 1));
  }

  private op(op: AOp, side: 0 | 1): unknown {
    const id = side === 0 ? "eav/eid" : ":db/id";
    switch (op.op) {
      case "map": {
        const m: Record<string, unknown> = {};
        if (op.e !== null) m[id] = this.ref(op.e, side);
        for (const [a, seed] of op.attrs) m[attrName(a)] = this.value(a, seed, side, true);
        return m;
      }
      case "add":
        return [side === 0 ? "db/add" : ":db/add", this.ref(op.e, side), attrName(op.a), this.value(op.a, op.v, side, false)];
      case "retract":
        return [side === 0 ? "db/retract" : ":db/retract", this.ref(op.e, side), attrName(op.a), this.value(op.a, op.v, side, false)];
      case "retractAttribute":
        return side === 0 ? ["db/retract", this.ref(op.e, side), attrName(op.a)] : [":db.fn/retractAttribute", this.ref(op.e, side), attrName(op.a)];
      case "retractEntity":
        return [side === 0 ? "db/retractEntity" : ":db.fn/retractEntity", this.ref(op.e, side)];
    }
  }
}

// ---- outcomes ---------------------------------------------------------------------------------

export type Outcome<R> = { readonly ok: true; readonly report: R } | { readonly ok: false; readonly kind: string; readonly message: string };

export function runOurs(store: Store, input: unknown): Outcome<TxReport> {
  try {
    return { ok: true, report: transact(store, input) };
  } catch (e) {
    if (isEavError(e)) return { ok: false, kind: e.code, message: e.message };
    throw e;
  }
}

/** DataScript's error messages mapped to our codes (the "kind" both must agree on). */
const DS_KINDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/because of unique constraint|Conflicting upserts?/, "store/unique-conflict"],
  [/Tempids used only as value/, "store/tempid-only-as-value"],
  // DataScript 1.8.1 sorts the unused value tempids for that message and throws this instead when
  // they mix kinds (strings, numbers, auto tempids of nested maps): same failure, other text
  [/^Cannot compare /, "store/tempid-only-as-value"],
  [/Can't use tempid in/, "store/tempid-in-retract"],
  [/Nothing found for entity id/, "store/entity-not-found"],
  [/Lookup ref attribute should be marked as :db\/unique/, "store/lookup-ref-attr-not-unique"],
  [/Expected number or lookup ref for entity id|Expected number, string or lookup ref/, "store/invalid-eid"],
];

export function runTheirs(conn: DsConn, tx: readonly unknown[]): Outcome<DsReport> {
  try {
    return { ok: true, report: d.transact(conn, tx) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const kind = DS_KINDS.find(([re]) => re.test(message))?.[1] ?? `ds/unknown: ${message}`;
    return { ok: false, kind, message };
  }
}

// ---- comparison modulo eid numbering ----------------------------------------------------------

interface Datom {
  readonly e: Eid;
  readonly a: string;
  readonly v: unknown;
}

function pair(p: Pairing, ours: Eid, theirs: number): void {
  if (p.ours.has(ours) || p.theirs.has(theirs)) return;
  p.ours.set(ours, theirs);
  p.theirs.set(theirs, ours);
  p.handles.push([ours, theirs]);
}

/**
 * Extends the pairing after a successful tx: tempids both report, explicit new eids, holders of the
 * same identity value, and card-one refs of paired entities (to a fixpoint).
 */
export function extendPairing(p: Pairing, schema: readonly AttrSpec[], r: Renderer, ours: TxReport, theirs: DsReport, ourDatoms: readonly Datom[], theirDatoms: readonly Datom[]): void {
  for (const [t, eid] of ours.tempids) {
    const other = theirs.tempids[String(t)];
    if (other !== undefined) pair(p, eid, other);
  }
  // an explicit new eid becomes a handle only once DataScript asserted a datom on it: until then
  // its max-eid does not cover it and a later tempid may be allocated the same eid (case 082)
  const asserted = new Set(theirDatoms.map((x) => x.e));
  for (const [n, eid] of r.newEids[0]) {
    const other = r.newEids[1].get(n);
    if (other !== undefined && asserted.has(other)) pair(p, eid, other);
  }
  const isRef = (a: string) => specOf(schema, (ATTRS as readonly string[]).indexOf(a))?.kind === "ref";
  const identity = new Set<string>(schema.flatMap((s, i) => (s.kind === "plain" && s.unique !== "none" ? [ATTRS[i]!] : [])));
  const holders = (ds: readonly Datom[]) => {
    const m = new Map<string, Eid>();
    for (const x of ds) if (identity.has(x.a)) m.set(`${x.a} ${JSON.stringify(x.v)}`, x.e);
    return m;
  };
  const ho = holders(ourDatoms);
  const ht = holders(theirDatoms);
  for (const [k, e] of ho) {
    const other = ht.get(k);
    if (other !== undefined) pair(p, e, other as number);
  }
  const cardOneRefs = (ds: readonly Datom[]) => {
    const m = new Map<string, unknown>();
    const count = new Map<string, number>();
    for (const x of ds) {
      if (!isRef(x.a)) continue;
      const k = `${String(x.e)} ${x.a}`;
      m.set(k, x.v);
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    for (const [k, c] of count) if (c > 1) m.delete(k);
    return m;
  };
  const ro = cardOneRefs(ourDatoms);
  const rt = cardOneRefs(theirDatoms);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [k, v] of ro) {
      const [e, a] = k.split(" ") as [string, string];
      const ourE = p.handles.find(([o]) => String(o) === e);
      if (ourE === undefined) continue;
      const tv = rt.get(`${ourE[1]} ${a}`);
      if (tv === undefined || p.ours.has(v as Eid)) continue;
      pair(p, v as Eid, tv as number);
      changed = true;
    }
  }
}

/** Both states as sorted text lines in DataScript's eid space; unpaired eids print as "?". */
export function canonical(p: Pairing, schema: readonly AttrSpec[], ours: readonly Datom[], theirs: readonly Datom[]): [string[], string[]] {
  const isRef = (a: string) => specOf(schema, (ATTRS as readonly string[]).indexOf(a))?.kind === "ref";
  const o = ours.map((x) => {
    const e = p.ours.get(x.e) ?? "?";
    const v = isRef(x.a) ? (p.ours.get(x.v as Eid) ?? "?") : JSON.stringify(x.v);
    return `${e} ${x.a} ${v}`;
  });
  const t = theirs.map((x) => {
    const e = p.theirs.has(x.e as number) ? x.e : "?";
    const v = isRef(x.a) ? (p.theirs.has(x.v as number) ? (x.v as number) : "?") : JSON.stringify(x.v);
    return `${e} ${x.a} ${v}`;
  });
  return [o.sort(), t.sort()];
}

export function ourDatoms(s: Store): Datom[] {
  return s.datoms().map((x) => ({ e: x.e, a: x.a, v: x.v }));
}

export function theirDatoms(conn: DsConn): Datom[] {
  return d.datoms(d.db(conn), ":eavt").map((x) => ({ e: x.e, a: x.a, v: x.v }));
}

export function newStores(schema: readonly AttrSpec[]): { store: Store; conn: DsConn } {
  return { store: createStore({ schema: ourSchema(schema) }), conn: d.conn_from_db(d.empty_db(dsSchema(schema))) };
}
