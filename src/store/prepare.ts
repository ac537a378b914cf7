/**
 * One pass over a transaction's ops before it runs: attribute infos, entity-map groups and the
 * largest explicit eid. Computed once and shared by every retry of the transaction.
 */
import { EavError } from "../errors.js";
import { ALL, EID, GeneratedTempid, isEntityRef, type EntityRef, type TxOp } from "../eav/index.js";
import type { AttrInfo, Schema } from "./schema.js";

/** The pre-computed facts about a transaction's ops. Read-only once built. */
export interface Prepared {
  readonly ops: readonly TxOp[];
  /** The attribute info of each op (`undefined` for retractEntity). */
  readonly infos: ReadonlyArray<AttrInfo | undefined>;
  /**
   * For adds written by an entity map: the path of that map (its key). All adds of one map share
   * one entity, resolved once when the map starts, before any of its datoms or of its nested maps'
   * datoms, as DataScript does for maps (`resolve-upserts`, `entid-strict` of `:db/id`).
   */
  readonly groups: ReadonlyArray<string | undefined>;
  /** Per map: its entity ref as written (eid, tempid, lookup ref or generated tempid). */
  readonly groupE: ReadonlyMap<string, EntityRef>;
  /** Per map: the index of its first op (for error paths). */
  readonly groupFirst: ReadonlyMap<string, number>;
  /** Per map: the indexes of its adds on unique-identity attributes. */
  readonly groupIdentity: ReadonlyMap<string, readonly number[]>;
  /** Before op i, the maps that start there (outermost first): a nested map's parent starts first. */
  readonly starts: ReadonlyMap<number, readonly string[]>;
  /** Generated tempids whose map has a unique attribute (the Datomic nested-map rule). */
  readonly hasUnique: ReadonlySet<unknown>;
  /** The largest positive integer eid written anywhere in the ops (e, or value of a ref attribute). */
  readonly maxExplicit: number;
}

/**
 * Builds the {@link Prepared} facts of `ops`; `check` validates ops that did not come from
 * `normalizeTx`. Nothing changes.
 * @example prepare(normalizeTx(input, schema), schema, false).maxExplicit
 */
export function prepare(ops: readonly TxOp[], schema: Schema, check: boolean): Prepared {
  const infos: Array<AttrInfo | undefined> = new Array<AttrInfo | undefined>(ops.length);
  const groups: Array<string | undefined> = new Array<string | undefined>(ops.length);
  const groupE = new Map<string, EntityRef>();
  const groupFirst = new Map<string, number>();
  const groupIdentity = new Map<string, number[]>();
  const hasUnique = new Set<unknown>();
  let maxExplicit = 0;
  let lastGenerated: GeneratedTempid | undefined;
  let lastKey: string | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const e = op.e;
    if (check) checkOp(op);
    if (typeof e === "number" && e > maxExplicit) maxExplicit = e;
    if (op.kind === "retractEntity") continue;
    const info = schema.info(op.a);
    infos[i] = info;
    if (op.kind === "retractAttribute") continue;
    if (info.ref && typeof op.v === "number" && op.v > maxExplicit) maxExplicit = op.v;
    if (op.kind !== "add") continue;
    // consecutive adds of one generated tempid come from one map: parse its path once
    const key = e instanceof GeneratedTempid && e === lastGenerated ? lastKey : mapPrefix(op.path);
    if (e instanceof GeneratedTempid) {
      lastGenerated = e;
      lastKey = key;
    }
    if (key === undefined) continue;
    groups[i] = key;
    if (!groupE.has(key)) {
      groupE.set(key, e);
      groupFirst.set(key, i);
    }
    if (info.identity) {
      const list = groupIdentity.get(key);
      if (list === undefined) groupIdentity.set(key, [i]);
      else list.push(i);
    }
    if (info.unique && e instanceof GeneratedTempid) hasUnique.add(e);
  }
  // a map starts at the first op of the map or of any map nested in it
  const starts = new Map<number, string[]>();
  if (groupE.size > 0) {
    const started = new Set<string>();
    for (let i = 0; i < ops.length; i++) {
      const key = groups[i];
      if (key === undefined || started.has(key)) continue;
      const chain: string[] = [];
      for (let k: string | undefined = key; k !== undefined && !started.has(k); k = mapPrefix(k)) {
        started.add(k);
        if (groupE.has(k)) chain.push(k);
      }
      starts.set(i, chain.reverse());
    }
  }
  return { ops, infos, groups, groupE, groupFirst, groupIdentity, starts, hasUnique, maxExplicit };
}

/**
 * The path of the entity map an op (or a nested map) came from, or `undefined` for list forms
 * and triples. Normalisation gives map-sourced ops the path of their map plus `["attr"]` (and
 * `[k]` for one value of a card-many array): `[2]["order/items"][0]` came from the map at `[2]`.
 */
function mapPrefix(path: string): string | undefined {
  let end = path.length;
  if (path.charCodeAt(end - 2) !== 34 /* " */) {
    // strip a trailing [k]
    let i = end - 2;
    while (i > 0 && isDigit(path.charCodeAt(i))) i--;
    if (i === end - 2 || path.charCodeAt(i) !== 91 /* [ */ || path.charCodeAt(end - 1) !== 93 /* ] */) return undefined;
    end = i;
    if (path.charCodeAt(end - 2) !== 34 || path.charCodeAt(end - 1) !== 93) return undefined;
  }
  const j = path.lastIndexOf('["', end - 3);
  return j <= 0 ? undefined : path.slice(0, j);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const KINDS = new Set<unknown>(["add", "retract", "retractAttribute", "retractEntity"]);

/**
 * Ops from `normalizeTx` are well formed; ops built by hand for `transactOps` are checked here
 * (cheaply: kind, entity ref, attribute) so that a bad one fails with `store/invalid-tx` and its
 * path instead of corrupting the indexes.
 */
function checkOp(op: TxOp): void {
  const o = op as { kind?: unknown; e?: unknown; a?: unknown; path?: unknown };
  const path = typeof o.path === "string" ? o.path : "";
  const bad = (reason: string): never => {
    throw new EavError("store/invalid-tx", `invalid tx op${path === "" ? "" : ` at ${path}`}: ${reason}`, { path, op });
  };
  if (!KINDS.has(o.kind)) bad(`unknown kind ${String(o.kind)}`);
  if (!isEntityRef(o.e)) bad(`${String(o.e)} is not an entity id, tempid or lookup ref`);
  // no regex here (the normaliser checked the spelling): this runs for every op the session sends
  if (o.kind !== "retractEntity" && (typeof o.a !== "string" || o.a.length === 0 || o.a === EID || o.a === ALL)) bad(`${String(o.a)} is not an attribute`);
}
