/**
 * One pass over a transaction's ops before it runs: attribute infos, entity-map groups and the
 * largest explicit eid. Computed once and shared by every retry of the transaction.
 */
import { EavError } from "../errors.js";
import { ALL, EID, GeneratedTempid, eidEquals, isEntityRef, type EntityRef, type TxOp } from "../eav/index.js";

import type { AttrInfo, Schema } from "./schema.js";

/** The pre-computed facts about a transaction's ops. Read-only once built. */
export interface Prepared {
  readonly ops: readonly TxOp[];
  /** The attribute info of each op (`undefined` for retractEntity). */
  readonly infos: ReadonlyArray<AttrInfo | undefined>;
  /**
   * For adds written by an entity map: the map's number (`TxOp.map`). All adds of one map share
   * one entity, resolved once when the map starts, before any of its datoms or of its nested maps'
   * datoms, as DataScript does for maps (`resolve-upserts`, `entid-strict` of `:db/id`).
   */
  readonly groups: ReadonlyArray<number | undefined>;
  /**
   * Per map key: its entity ref as written (eid, tempid, lookup ref or generated tempid). The
   * per-map and per-op facts are arrays indexed by map key or op index, not Maps: a load of 100k
   * entity maps asks them once per op, and a Map lookup per op was a measured share of the tx.
   */
  readonly groupE: ReadonlyArray<EntityRef | undefined>;
  /** Per map key: the index of its first op (for error paths). */
  readonly groupFirst: readonly number[];
  /** Per map key: how many adds it has (the size its working entity starts at). */
  readonly groupSize: readonly number[];
  /** Per map key: the indexes of its adds on unique-identity attributes. */
  readonly groupIdentity: ReadonlyArray<readonly number[] | undefined>;
  /** Before op i, the maps that start there (outermost first): a nested map's parent starts first. */
  readonly starts: ReadonlyArray<readonly number[] | undefined>;
  /**
   * Generated tempids whose map has a unique attribute (the Datomic nested-map rule). Only
   * collected when `nested` asks for it (txConflictsMode is not "ignore"): a load of 100k maps
   * with an identity attribute would otherwise fill a 100k-entry set nobody reads.
   */
  readonly hasUnique: ReadonlySet<unknown>;
  /** The largest positive integer eid written anywhere in the ops (e, or value of a ref attribute). */
  readonly maxExplicit: number;
}

/**
 * Builds the {@link Prepared} facts of `ops`; `check` validates ops that did not come from
 * `normalizeTx`; `nested` collects `hasUnique`; `mapBase` is subtracted from every map number (a
 * chunk of a longer normalisation, see `normalizeInChunks`, numbers its maps from there), so the
 * per-map arrays start at 0. Nothing changes.
 * @example prepare(normalizeTx(input, schema), schema, false, false, 0).maxExplicit
 */
export function prepare(ops: readonly TxOp[], schema: Schema, check: boolean, nested: boolean, mapBase: number): Prepared {
  const infos: Array<AttrInfo | undefined> = new Array<AttrInfo | undefined>(ops.length);
  const groups: Array<number | undefined> = new Array<number | undefined>(ops.length);
  const groupE: Array<EntityRef | undefined> = [];
  const groupFirst: number[] = [];
  const groupSize: number[] = [];
  const groupIdentity: Array<number[] | undefined> = [];
  const starts = new Array<number[] | undefined>(ops.length);
  // only collected for the Datomic nested-map rule: otherwise one shared empty set is returned
  const hasUnique = nested ? new Set<unknown>() : undefined;
  let maxExplicit = 0;
  // keys from `synthetic` on name maps whose number repeats (see below): past every written number
  let maxMap = -1;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind === "add" && op.map !== undefined && op.map - mapBase > maxMap) maxMap = op.map - mapBase;
  }
  const firstSynthetic = maxMap + 1;
  // maps are numbered in document order, a map before the maps nested in it, so they start in
  // increasing order: when map m's first op comes, every map numbered below m that has not
  // started yet is one of its ancestors (all others finished before m began)
  let started = -1;
  // made on first use: only concatenated batches of separately normalised ops need it
  let synthetics: Map<number, Array<{ readonly e: EntityRef; readonly key: number }>> | undefined;
  let syntheticCount = 0;
  const synthetic = (map: number, e: EntityRef): number => {
    synthetics ??= new Map();
    let list = synthetics.get(map);
    if (list === undefined) synthetics.set(map, (list = []));
    const found = list.find((x) => x.e === e || eidEquals(x.e, e));
    if (found !== undefined) return found.key;
    const key = firstSynthetic + syntheticCount++;
    list.push({ e, key });
    return key;
  };
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
    if (op.map === undefined) continue;
    let key = op.map - mapBase;
    const known = groupE[key];
    if (known === undefined) {
      groupE[key] = e;
      groupFirst[key] = i;
      groupSize[key] = 0;
    } else if (known !== e && !eidEquals(known, e)) {
      // ops of separately normalised batches, concatenated: their map numbers repeat. A map
      // number naming another entity is another map: it gets its own key and starts here.
      key = synthetic(key, e);
      if (groupE[key] === undefined) {
        groupE[key] = e;
        groupFirst[key] = i;
        groupSize[key] = 0;
        starts[i] = [...(starts[i] ?? []), key];
      }
    }
    groups[i] = key;
    groupSize[key]!++;
    if (key > started && key < firstSynthetic) {
      // exactly sized: a chain is almost always one map (arrays grown by push start at 17 cells)
      const chain = key === started + 1 ? [key] : new Array<number>(key - started);
      for (let k = 1; k < chain.length; k++) chain[k] = started + 1 + k;
      chain[0] = started + 1;
      starts[i] = chain;
      started = key;
    }
    if (info.identity) {
      const list = groupIdentity[key];
      if (list === undefined) groupIdentity[key] = [i];
      else list.push(i);
    }
    if (hasUnique !== undefined && info.unique && e instanceof GeneratedTempid) hasUnique.add(e);
  }
  return { ops, infos, groups, groupE, groupFirst, groupSize, groupIdentity, starts, hasUnique: hasUnique ?? NO_UNIQUE, maxExplicit };
}

const NO_UNIQUE: ReadonlySet<unknown> = new Set<unknown>();

const KINDS = new Set<unknown>(["add", "retract", "retractAttribute", "retractEntity"]);

/**
 * Ops from `normalizeTx` are well formed; ops built by hand for `transactOps` are checked here
 * (cheaply: kind, entity ref, attribute) so that a bad one fails with `store/invalid-tx` and its
 * path instead of corrupting the indexes.
 */
function checkOp(op: TxOp): void {
  const o = op as { kind?: unknown; e?: unknown; a?: unknown };
  // no closure and no regex here: this runs for every op the session sends
  if (!KINDS.has(o.kind)) badOp(op, `unknown kind ${String(o.kind)}`);
  if (!isEntityRef(o.e)) badOp(op, `${String(o.e)} is not an entity id, tempid or lookup ref`);
  if (o.kind !== "retractEntity" && (typeof o.a !== "string" || o.a.length === 0 || o.a === EID || o.a === ALL)) badOp(op, `${String(o.a)} is not an attribute`);
}

function badOp(op: TxOp, reason: string): never {
  const p = (op as { path?: unknown }).path;
  const path = typeof p === "string" ? p : "";
  throw new EavError("store/invalid-tx", `invalid tx op${path === "" ? "" : ` at ${path}`}: ${reason}`, { path, op });
}
