/**
 * One pass over a transaction's ops before it runs: attribute infos, entity-map groups and the
 * largest explicit eid. Computed once and shared by every retry of the transaction.
 */
import { GeneratedTempid, isLiteralTempid, type TxOp } from "../eav/index.js";
import type { AttrInfo, Schema } from "./schema.js";

/** The pre-computed facts about a transaction's ops. Read-only once built. */
export interface Prepared {
  readonly ops: readonly TxOp[];
  /** The attribute info of each op (`undefined` for retractEntity). */
  readonly infos: ReadonlyArray<AttrInfo | undefined>;
  /**
   * For adds whose e is a tempid written by an entity map: the key of that map (its generated
   * tempid, or its path plus its literal tempid). Ops of one map resolve their entity together,
   * before any of them is asserted, as DataScript does for maps (`resolve-upserts`).
   */
  readonly groups: ReadonlyArray<unknown>;
  /** Per map key, the indexes of its adds on unique-identity attributes. */
  readonly groupIdentity: ReadonlyMap<unknown, readonly number[]>;
  /** Generated tempids whose map has a unique attribute (the Datomic nested-map rule). */
  readonly groupHasUnique: ReadonlySet<unknown>;
  /** The largest positive integer eid written anywhere in the ops (e, or value of a ref attribute). */
  readonly maxExplicit: number;
}

/**
 * Builds the {@link Prepared} facts of `ops`. Nothing changes.
 * @example prepare(normalizeTx(input, schema), schema).maxExplicit
 */
export function prepare(ops: readonly TxOp[], schema: Schema): Prepared {
  const infos: Array<AttrInfo | undefined> = new Array<AttrInfo | undefined>(ops.length);
  const groups: unknown[] = new Array<unknown>(ops.length);
  const groupIdentity = new Map<unknown, number[]>();
  const groupHasUnique = new Set<unknown>();
  let maxExplicit = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const e = op.e;
    if (typeof e === "number" && e > maxExplicit) maxExplicit = e;
    if (op.kind === "retractEntity") continue;
    const info = schema.info(op.a);
    infos[i] = info;
    if (op.kind === "retractAttribute") continue;
    if (info.ref && typeof op.v === "number" && op.v > maxExplicit) maxExplicit = op.v;
    if (op.kind !== "add") continue;
    let key: unknown;
    if (e instanceof GeneratedTempid) key = e;
    else if (isLiteralTempid(e)) {
      const prefix = mapPrefix(op.path);
      if (prefix !== undefined) key = `${prefix}\u0000${typeof e}\u0000${e}`;
    }
    if (key === undefined) continue;
    groups[i] = key;
    if (info.identity) {
      const list = groupIdentity.get(key);
      if (list === undefined) groupIdentity.set(key, [i]);
      else list.push(i);
    }
    if (info.unique) groupHasUnique.add(key);
  }
  return { ops, infos, groups, groupIdentity, groupHasUnique, maxExplicit };
}

/**
 * The path of the entity map an op came from, or `undefined` for list forms and triples.
 * Normalisation gives map-sourced ops the path of their map plus `["attr"]` (and `[k]` for one
 * value of a card-many array): `[2]["order/items"][0]` came from the map at `[2]`.
 */
function mapPrefix(path: string): string | undefined {
  let p = path;
  if (!p.endsWith('"]')) {
    const i = p.lastIndexOf("[");
    if (i < 0 || !/^\[\d+\]$/.test(p.slice(i))) return undefined;
    p = p.slice(0, i);
    if (!p.endsWith('"]')) return undefined;
  }
  const j = p.lastIndexOf('["');
  return j <= 0 ? undefined : p.slice(0, j);
}
