/**
 * `transact`: pure, atomic transactions over a {@link Store}, returning a {@link TxReport}.
 */
import { formatEid, isLiteralTempid, normalizeTx, type EAV, type Eid, type Tempid, type TxOp } from "../eav/index.js";
import { commit, redundantAdds } from "./commit.js";
import { prepare } from "./prepare.js";
import { Retry, fail } from "./fail.js";
import { TxRun } from "./run.js";
import { Store } from "./store.js";

/**
 * What a transaction did. `added` and `retracted` are the NET change from `before` to `after`
 * (a redundant add or the retraction of an absent datom reports nothing).
 */
export interface TxReport {
  /** The store the transaction ran against (unchanged). */
  readonly before: Store;
  /** The new store (`=== before` when nothing changed). */
  readonly after: Store;
  /** Datoms in `after` and not in `before`. */
  readonly added: readonly EAV[];
  /** Datoms in `before` and not in `after`. */
  readonly retracted: readonly EAV[];
  /** Adds of this transaction (resolved) that were in `before` already and are still in `after`. */
  readonly redundant: readonly EAV[];
  /** `eav/transient` facts with their tempids resolved: reported, never stored. */
  readonly transients: readonly EAV[];
  /** Every tempid written in the transaction (negative integers and strings) and its eid. */
  readonly tempids: ReadonlyMap<string | number, Eid>;
}

/**
 * Normalises `input` (entity maps, triples, EAVs, list forms; see `normalizeTx`) with the store's
 * schema view and applies it. Pure: returns a report with the new store, or throws an `EavError`
 * (`eav/invalid-tx` for malformed input, `store/*` for a rejected transaction) and nothing changed.
 * @example
 * const { after, tempids } = transact(store, [{ "eav/eid": "ann", "person/name": "Ann" }]);
 * after.entity(tempids.get("ann")!) // { "eav/eid": 1, "person/name": "Ann" }
 */
export function transact(store: Store, input: unknown): TxReport {
  return run(store, normalizeTx(input, store.schemaView), false);
}

/**
 * Applies already-normalised ops (see {@link transact}; each op's kind, entity ref and attribute
 * are checked: `store/invalid-tx`). Pure and atomic: a failed transaction
 * throws and leaves everything as it was, including the eid counter. Warnings of `warn` modes go to
 * the store's `onWarning` sink once the transaction has succeeded.
 * @example transactOps(store, [{ kind: "retractEntity", e: 5, path: "[0]" }]).retracted
 */
export function transactOps(store: Store, ops: readonly TxOp[]): TxReport {
  return run(store, ops, true);
}

/** The transaction loop; `check` validates hand-built ops (normalised ones are well formed). */
function run(store: Store, ops: readonly TxOp[], check: boolean): TxReport {
  const prep = prepare(ops, store.schema, check, store.options.txConflictsMode !== "ignore");
  const upserted = new Map<Tempid, Eid>();
  let seed: Map<Tempid, Eid> | undefined;
  let next: number | undefined;
  for (;;) {
    const attempt = new TxRun(store, prep, seed, next);
    try {
      attempt.executeMut();
    } catch (e) {
      if (!(e instanceof Retry)) throw e;
      const earlier = upserted.get(e.tempid);
      if (earlier !== undefined) {
        // an identity value pinned this tempid to one entity, another names another entity
        fail(
          "store/unique-conflict",
          `conflicting upsert: tempid ${formatEid(e.tempid)} resolves both to entity ${formatEid(earlier)} and to entity ${formatEid(e.eid)}`,
          { tempid: e.tempid, eids: [earlier, e.eid] },
        );
      }
      // DataScript's retry-with-tempid: restart with the tempid resolving to the upserted entity,
      // keeping the other tempids' eids (a nested map that upserts into its parent merges with it)
      upserted.set(e.tempid, e.eid);
      seed = attempt.tempids.all().set(e.tempid, e.eid);
      next = attempt.next;
      continue;
    }
    const { indexes, added, retracted } = commit(attempt);
    const after = indexes === store.indexes ? store : new Store(store.schema, store.options, indexes);
    const tempids = new Map<string | number, Eid>();
    attempt.tempids.literal.forEach((eid, t) => {
      if (isLiteralTempid(t)) tempids.set(t, eid);
    });
    const sink = store.options.onWarning;
    if (sink !== undefined) for (const w of attempt.warnings) sink(w);
    return {
      before: store,
      after,
      added,
      retracted,
      redundant: redundantAdds(attempt),
      transients: attempt.transients,
      tempids,
    };
  }
}
