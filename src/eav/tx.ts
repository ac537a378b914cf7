/**
 * Normalisation of clara-eav fact forms and of Datomic-style transaction ops into one flat list of
 * {@link TxOp}s. Pure: nothing changes. Malformed input throws `eav/invalid-tx` (or
 * `eav/invalid-fact`) naming the offending entry by its path, e.g. `[2]["order/items"][0]`.
 */
import { EavError } from "../errors.js";
import {
  EAV,
  EID,
  ALL,
  GeneratedTempid,
  isAttribute,
  isEntityRef,
  isLookupRef,
  type Attribute,
  type EntityRef,
} from "./eav.js";
import { isKeyword } from "./keyword.js";
import { formatValue, isPlainObject, isValue, type Value } from "./value.js";
import type { SchemaView, TxOp } from "./tx-types.js";

/**
 * The path of an entity map's attribute (`index` >= 0: one value of a card-many array), as errors
 * name it: `[2]["order/items"][0]`.
 */
function mapPath(base: string, a: string, index: number): string {
  return index < 0 ? `${base}["${a}"]` : `${base}["${a}"][${index}]`;
}

/**
 * An add from an entity map. Its `path` is computed when read (errors and warnings read it), not
 * stored: a bulk load makes one op per datom, and a path string per datom was a third of the
 * load's garbage.
 */
class MapAdd {
  readonly kind = "add" as const;
  constructor(
    readonly e: EntityRef,
    readonly a: Attribute,
    readonly v: Value,
    readonly map: number,
    /** The path of the entity map. */
    private readonly base: string,
    /** The value's index in a card-many array, or -1. */
    private readonly index: number,
  ) {}
  get path(): string {
    return mapPath(this.base, this.a, this.index);
  }
}

const LIST_OPS = new Set(["db/add", "db/retract", "db/retractEntity", "db.fn/retractEntity", "db.fn/retractAttribute", "db/retractAttribute"]);

/**
 * Normalises transaction input (entity maps, nested maps under ref attributes, triples, EAVs and
 * list forms) into ops, in document order. Nothing changes.
 * @example normalizeTx([{ "person/name": "Ann" }, ["db/retractEntity", 5]], NO_SCHEMA)
 */
export function normalizeTx(input: unknown, schema: SchemaView): TxOp[] {
  return normalizeWhole(input, "tx", schema);
}

/**
 * Normalises clara-eav fact forms for an upsert (`mode = "add"`) or a retraction
 * (`mode = "retract"`: each listed value is retracted; entity maps must name their `eav/eid`).
 * Arrays may nest. Nothing changes.
 * @example normalizeFacts([[1, "todo/done", true], { "eav/eid": 2, "todo/text": "x" }], "add", NO_SCHEMA)
 */
export function normalizeFacts(input: unknown, mode: "add" | "retract", schema: SchemaView): TxOp[] {
  return normalizeWhole(input, mode, schema);
}

/** What input is: transaction data ({@link normalizeTx}) or fact forms to add or retract ({@link normalizeFacts}). */
export type InputMode = "tx" | "add" | "retract";

/**
 * Normalises like {@link normalizeTx} (`mode = "tx"`) or {@link normalizeFacts}, handing the ops
 * to `visit` in chunks of at least `chunk` ops (the last may be smaller; none when there are no
 * ops). Chunks split between top-level entries only, so the maps of one entry (nested ones too)
 * are in one chunk. Map numbers (`TxOp.map`) keep counting across chunks; `mapBase` is the first
 * number a chunk may hold. A big load's ops need not all be alive at once: each chunk is garbage
 * once visited. Throws, like the others, at the first malformed entry (earlier chunks have been
 * visited by then). Nothing changes but what `visit` does.
 * @example normalizeInChunks(maps, "add", schema, 4096, (ops, mapBase) => apply(ops, mapBase))
 */
export function normalizeInChunks(input: unknown, mode: InputMode, schema: SchemaView, chunk: number, visit: (ops: TxOp[], mapBase: number) => void): void {
  const out = new Normaliser(schema, mode === "tx" ? "eav/invalid-tx" : "eav/invalid-fact");
  let mapBase = 0;
  const flush = (): void => {
    if (out.ops.length === 0) return;
    const ops = out.ops;
    out.ops = [];
    visit(ops, mapBase);
    mapBase = out.mapCount;
  };
  if (mode === "tx") {
    const entries = Array.isArray(input) && !looksLikeSingleEntry(input) ? input : [input];
    for (let i = 0; i < entries.length; i++) {
      out.entry(entries[i], `[${i}]`);
      if (out.ops.length >= chunk) flush();
    }
  } else if (Array.isArray(input) && !isTriple(input)) {
    for (let i = 0; i < input.length; i++) {
      out.facts(input[i], mode, `[${i}]`);
      if (out.ops.length >= chunk) flush();
    }
  } else out.facts(input, mode, "");
  flush();
}

function normalizeWhole(input: unknown, mode: InputMode, schema: SchemaView): TxOp[] {
  let all: TxOp[] = [];
  normalizeInChunks(input, mode, schema, Infinity, (ops) => (all = ops));
  return all;
}

/**
 * EDN input (rule-file actions, EDN fixtures) writes attributes and op names as keywords:
 * `[?e :order/status :open]`, `[:db/add ...]`, lookup refs `[:customer/id 5]`. They mean the
 * attribute string, so keywords in those positions are read as their names.
 */
function attrName(x: unknown): unknown {
  return isKeyword(x) ? x.name : x;
}

function entityRefOf(x: unknown): unknown {
  if (Array.isArray(x) && x.length === 2 && isKeyword(x[0])) return [x[0].name, x[1]];
  return x;
}

/** A single triple or list form is an array too: tell it apart from an array of entries. */
function looksLikeSingleEntry(x: readonly unknown[]): boolean {
  if (x.length === 0) return false;
  const head = attrName(x[0]);
  if (typeof head === "string" && LIST_OPS.has(head)) return true;
  return isTriple(x);
}

/**
 * True for a triple `[e, a, v]`: three elements, an attribute (string or keyword) in the middle and
 * an entity ref first. Lets callers tell one triple from a list of facts.
 */
export function isTripleShape(x: unknown): x is readonly [EntityRef, Attribute, Value] {
  return isTriple(x);
}

function isTriple(x: unknown): x is readonly [EntityRef, Attribute, Value] {
  return Array.isArray(x) && x.length === 3 && typeof attrName(x[1]) === "string" && isEntityRefShape(x[0]);
}

function isEntityRefShape(x: unknown): boolean {
  return typeof x === "number" || typeof x === "string" || isKeyword(x) || isLookupRef(entityRefOf(x));
}

class Normaliser {
  /** The ops so far (a chunked normalisation takes them and leaves a new array). */
  ops: TxOp[] = [];
  private nextTempid = 1;
  private nextMap = 0;

  /** How many entity maps were numbered so far (the next map's number). */
  get mapCount(): number {
    return this.nextMap;
  }

  constructor(
    private readonly schema: SchemaView,
    private readonly code: "eav/invalid-tx" | "eav/invalid-fact",
  ) {}

  fail(path: string, entry: unknown, reason: string): never {
    throw new EavError(this.code, `invalid ${this.code === "eav/invalid-tx" ? "transaction entry" : "fact"} at ${path || "top level"}: ${reason} (got ${preview(entry)})`, {
      path,
      entry,
      reason,
    });
  }

  entry(entry: unknown, path: string): void {
    if (entry instanceof EAV) return this.add(entry.e, entry.a, entry.v, path, entry);
    if (isPlainObject(entry)) return void this.entityMap(entry, path);
    if (!Array.isArray(entry)) return this.fail(path, entry, "expected an entity map, an EAV, a triple [e a v] or a list form [\"db/add\" e a v]");
    const head = attrName(entry[0]);
    if (typeof head === "string" && LIST_OPS.has(head)) return this.listForm(head, entry, path);
    if (isTriple(entry)) return this.add(entry[0], entry[1], entry[2], path, entry);
    return this.fail(path, entry, "an array entry must be a triple [e a v] or a list form whose first element is db/add, db/retract, db/retractEntity or db/retractAttribute");
  }

  facts(input: unknown, mode: "add" | "retract", path: string): void {
    if (input instanceof EAV) return this.fact(input.e, input.a, input.v, mode, path, input);
    if (isPlainObject(input)) {
      if (mode === "add") return void this.entityMap(input, path || "[0]");
      return this.retractEntityMap(input, path);
    }
    if (Array.isArray(input)) {
      if (isTriple(input)) return this.fact(input[0], input[1], input[2], mode, path, input);
      for (let i = 0; i < input.length; i++) this.facts(input[i], mode, `${path}[${i}]`);
      return;
    }
    this.fail(path, input, "expected an EAV, a triple [e a v], an entity map, or an array of these");
  }

  private fact(e0: unknown, a0: unknown, v: unknown, mode: "add" | "retract", path: string, whole: unknown): void {
    if (mode === "add") return this.add(e0, a0, v, path, whole);
    const e = entityRefOf(e0);
    const a = attrName(a0);
    this.checkE(e, path, whole);
    this.checkA(a, path, whole);
    this.checkV(v, path, whole);
    this.ops.push({ kind: "retract", e, a, v, path });
  }

  private listForm(op: string, entry: readonly unknown[], path: string): void {
    const arity = (n: number, shape: string) => {
      if (entry.length !== n) this.fail(path, entry, `${op} takes ${shape}, got ${entry.length - 1} argument(s)`);
    };
    switch (op) {
      case "db/add":
        arity(4, "[\"db/add\" e a v]");
        return this.add(entry[1], entry[2], entry[3], path, entry);
      case "db/retract": {
        if (entry.length === 3) return this.retractAttr(entry[1], entry[2], path, entry);
        arity(4, "[\"db/retract\" e a v] or [\"db/retract\" e a]");
        const e = entityRefOf(entry[1]);
        const a = attrName(entry[2]);
        const v = this.refValue(a, entry[3]);
        this.checkE(e, path, entry);
        this.checkA(a, path, entry);
        this.checkV(v, path, entry);
        this.ops.push({ kind: "retract", e, a, v, path });
        return;
      }
      case "db.fn/retractAttribute":
      case "db/retractAttribute":
        arity(3, `["${op}" e a]`);
        return this.retractAttr(entry[1], entry[2], path, entry);
      case "db/retractEntity":
      case "db.fn/retractEntity": {
        arity(2, `["${op}" e]`);
        const e = entityRefOf(entry[1]);
        this.checkE(e, path, entry);
        this.ops.push({ kind: "retractEntity", e, path });
        return;
      }
      default:
        this.fail(path, entry, `unknown operation ${op}`);
    }
  }

  private retractAttr(e0: unknown, a0: unknown, path: string, whole: unknown): void {
    const e = entityRefOf(e0);
    const a = attrName(a0);
    this.checkE(e, path, whole);
    this.checkA(a, path, whole);
    this.ops.push({ kind: "retractAttribute", e, a, path });
  }

  private add(e0: unknown, a0: unknown, v0: unknown, path: string, whole: unknown): void {
    const e = entityRefOf(e0);
    const a = attrName(a0);
    const v = this.refValue(a, v0);
    this.checkE(e, path, whole);
    this.checkA(a, path, whole);
    if (isPlainObject(v) && this.schema.isRef(a)) {
      const child = this.entityMap(v, `${path}[2]`);
      this.ops.push({ kind: "add", e, a, v: child as Value, path });
      return;
    }
    this.checkV(v, path, whole);
    this.ops.push({ kind: "add", e, a, v, path });
  }

  /**
   * Explodes an entity map into adds; returns its entity ref (generated when there is no eav/eid).
   * The hot path of a bulk load (one call per entity): per datom it allocates the op and nothing
   * else (no entry pairs, no value tuples, no path string: an op's path is built when an error
   * asks for it, see {@link MapAdd}). Measured on the 500k-datom join load: 180 MB less garbage.
   */
  private entityMap(map: Record<string, unknown>, path: string): EntityRef {
    const hasEid = Object.prototype.hasOwnProperty.call(map, EID);
    const rawE = hasEid ? entityRefOf(map[EID]) : undefined;
    if (hasEid) this.checkE(rawE, `${path}["${EID}"]`, map);
    const e: EntityRef = hasEid ? (rawE as EntityRef) : new GeneratedTempid(this.nextTempid++);
    const id = this.nextMap++;
    const schema = this.schema;
    // for-in over own keys: the same order as Object.keys without a keys array per map
    for (const a in map) {
      if (a === EID || !Object.prototype.hasOwnProperty.call(map, a)) continue;
      if (!isAttribute(a) || a === ALL) this.checkA(a, mapPath(path, a, -1), map);
      const raw = map[a];
      if (raw === undefined) this.fail(mapPath(path, a, -1), map, `the value of ${a} is undefined`);
      if (Array.isArray(raw) && schema.isMany(a) && !this.isLoneLookupRef(a, raw)) {
        for (let i = 0; i < raw.length; i++) this.mapValue(e, a, raw[i], id, path, i, map);
      } else this.mapValue(e, a, raw, id, path, -1, map);
    }
    return e;
  }

  /** One value of an entity map: a nested map under a ref attribute, or a checked value. */
  private mapValue(e: EntityRef, a: Attribute, v0: unknown, id: number, path: string, index: number, map: Record<string, unknown>): void {
    const v = this.refValue(a, v0);
    if (isPlainObject(v) && this.schema.isRef(a)) {
      const child = this.entityMap(v, mapPath(path, a, index));
      this.ops.push(new MapAdd(e, a, child as Value, id, path, index));
      return;
    }
    if (v === undefined || !isValue(v)) this.checkV(v, mapPath(path, a, index), map);
    this.ops.push(new MapAdd(e, a, v as Value, id, path, index));
  }

  /** A card-many ref's `[uniqueAttr, v]` is one lookup ref, not two values. */
  private isLoneLookupRef(a: string, raw: readonly unknown[]): boolean {
    if (!this.schema.isRef(a)) return false;
    const ref = entityRefOf(raw);
    return isLookupRef(ref) && this.schema.isUnique(ref[0]);
  }

  private retractEntityMap(map: Record<string, unknown>, path: string): void {
    if (!Object.prototype.hasOwnProperty.call(map, EID)) {
      this.fail(path, map, `an entity map to retract must name its entity with "${EID}"`);
    }
    const e = entityRefOf(map[EID]);
    this.checkE(e, `${path}["${EID}"]`, map);
    for (const [a, raw] of Object.entries(map)) {
      if (a === EID) continue;
      const at = `${path}["${a}"]`;
      this.checkA(a, at, map);
      for (const [i, v0] of this.valuesOf(a, raw)) {
        const vp = i === undefined ? at : `${at}[${i}]`;
        const v = this.refValue(a, v0);
        this.checkV(v, vp, map);
        this.ops.push({ kind: "retract", e: e as EntityRef, a, v: v as Value, path: vp });
      }
    }
  }

  /** On a ref attribute, a lookup ref written with a keyword attribute means the attribute string. */
  private refValue(a: unknown, v: unknown): unknown {
    return typeof a === "string" && this.schema.isRef(a) ? entityRefOf(v) : v;
  }

  /** Card-many arrays are several values (but a lone `[uniqueAttr, v]` on a ref is one lookup ref). */
  private valuesOf(a: string, raw: unknown): Array<[number | undefined, unknown]> {
    if (!Array.isArray(raw) || !this.schema.isMany(a)) return [[undefined, raw]];
    const ref = entityRefOf(raw);
    if (this.schema.isRef(a) && isLookupRef(ref) && this.schema.isUnique(ref[0])) return [[undefined, raw]];
    return raw.map((v, i) => [i, v]);
  }

  private checkE(e: unknown, path: string, whole: unknown): asserts e is EntityRef {
    if (!isEntityRef(e)) {
      this.fail(path, whole, `${preview(e)} is not an entity id: use a positive integer, a keyword, a tempid (negative integer or string) or a lookup ref [attribute value]`);
    }
  }

  private checkA(a: unknown, path: string, whole: unknown): asserts a is Attribute {
    if (!isAttribute(a)) this.fail(path, whole, `${preview(a)} is not an attribute: use a string such as "ns/name"`);
    if (a === EID || a === ALL) this.fail(path, whole, `"${a}" is reserved and cannot be an attribute of a fact`);
  }

  private checkV(v: unknown, path: string, whole: unknown): asserts v is Value {
    if (v === undefined) this.fail(path, whole, "the value is undefined (use null for nil)");
    if (!isValue(v)) this.fail(path, whole, `${preview(v)} is not a value: use strings, numbers, booleans, bigints, Dates, keywords, null, arrays or plain objects`);
  }
}

function preview(x: unknown): string {
  let s: string;
  try {
    s = formatValue(x);
  } catch {
    s = String(x);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
