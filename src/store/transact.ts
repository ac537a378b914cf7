/**
 * `transact`: pure, atomic transactions over a {@link Store}, returning a {@link TxReport}.
 */
import { EAV, formatEid, isLiteralTempid, isTripleShape, normalizeFacts, normalizeInChunks, normalizeTx, type Attribute, type Eid, type Tempid, type TxOp } from "../eav/index.js";
import { commit, redundantAdds } from "./commit.js";
import { prepare, type Prepared } from "./prepare.js";
import { Mispredicted, Retry, Unchunkable, fail } from "./fail.js";
import { TxRun } from "./run.js";
import { predictUpserts } from "./attempt.js";
import { runDirect, type DirectSource } from "./direct.js";
import { Store } from "./store.js";
import { runSingle } from "./single.js";
import { NONE, NO_TEMPIDS, type TxReport } from "./report.js";
import { runStream } from "./stream.js";

export type { TxReport } from "./report.js";

/**
 * Normalises `input` (entity maps, triples, EAVs, list forms; see `normalizeTx`) with the store's
 * schema view and applies it. Pure: returns a report with the new store, or throws an `EavError`
 * (`eav/invalid-tx` for malformed input, `store/*` for a rejected transaction) and nothing changed.
 * A big transaction is normalised and run in chunks of entries (its ops are never all alive at
 * once); when it has both a malformed entry and a rejected one, the error is the first in order.
 * @example
 * const { after, tempids } = transact(store, [{ "eav/eid": "ann", "person/name": "Ann" }]);
 * after.entity(tempids.get("ann")!) // { "eav/eid": 1, "person/name": "Ann" }
 */
export function transact(store: Store, input: unknown, options: TxOptions = {}): TxReport {
  return run(store, { kind: "input", input, mode: "tx" }, runOptions(undefined, options.redundantFor));
}

/** Options of one transaction. */
export interface TxOptions {
  /**
   * Report redundant adds (`TxReport.redundant`) only of these attributes; by default of all. A
   * session asks only for the attributes its rules have derived: only there can a redundant add
   * change what the rule engine knows (a derived fact becoming unconditional).
   */
  readonly redundantFor?: ReadonlySet<Attribute>;
}

/**
 * Upserts (`mode = "add"`) or retracts clara-eav fact forms (see `normalizeFacts`): what a
 * session's `upsert` and `retract` run. Pure and atomic like {@link transact}, and chunked the same
 * way; malformed input throws `eav/invalid-fact`.
 * @example transactFacts(store, [{ "person/email": "ann@example.com", "person/name": "Ann" }], "add").added
 */
export function transactFacts(store: Store, facts: unknown, mode: "add" | "retract", options: TxOptions = {}): TxReport {
  return run(store, { kind: "input", input: facts, mode }, runOptions(undefined, options.redundantFor));
}

/**
 * Applies already-normalised ops (see {@link transact}; each op's kind, entity ref and attribute
 * are checked: `store/invalid-tx`). Pure and atomic: a failed transaction
 * throws and leaves everything as it was, including the eid counter. Warnings of `warn` modes go to
 * the store's `onWarning` sink once the transaction has succeeded.
 * @example transactOps(store, [{ kind: "retractEntity", e: 5, path: "[0]" }]).retracted
 */
export function transactOps(store: Store, ops: readonly TxOp[]): TxReport {
  return run(store, { kind: "ops", ops }, runOptions(undefined, undefined));
}

/**
 * @internal For tests (test/store/direct.test.ts, retry.test.ts): `transact` (`mode = "tx"`) or
 * `transactFacts` through the op pipeline alone, without the direct front end; without predicted
 * upserts when `predict` is false.
 */
export function transactByOps(store: Store, input: unknown, mode: "tx" | "add" | "retract", options: TxOptions = {}, predict = true): TxReport {
  return run(store, { kind: "input", input, mode }, runOptions(undefined, options.redundantFor, false, predict));
}

/** How {@link run} runs a transaction. */
interface RunOptions {
  /** A `TxBatch`'s edit token (see there). */
  readonly edit: object | undefined;
  readonly redundantFor: ReadonlySet<Attribute> | undefined;
  /** False: the op pipeline alone (tests compare the two fronts). */
  readonly direct: boolean;
  /** False: retries one tempid at a time, without predicted upserts (tests compare both). */
  readonly predict: boolean;
}

/**
 * The options of one {@link run}, always of one shape: objects of several shapes (`{}`, `{ edit }`,
 * `{ redundantFor }`) made `run` deoptimise on "wrong map" during a session's fire, which then ran
 * it unoptimised for its remaining transactions (`--trace-deopt`, issue 7, sixth session).
 */
function runOptions(edit: object | undefined, redundantFor: ReadonlySet<Attribute> | undefined, direct = true, predict = true): RunOptions {
  return { edit, redundantFor, direct, predict };
}

/**
 * Ops per chunk of a chunked transaction: big enough that per-chunk costs vanish, small enough
 * that a chunk's ops and their prepared facts die young (a 500k-datom load held 85 MB of them).
 */
const CHUNK_OPS = 4096;

/**
 * The transaction loop. Input runs in chunks first; a chunked attempt that meets a retry (an
 * upsert of a tempid already handed an eid) or an explicit eid after fresh ones were handed out
 * (see `TxRun.executeChunkMut`) restarts from scratch in one chunk, which is the reference path.
 */
function run(store: Store, source: DirectSource, how: RunOptions): TxReport {
  const { edit, redundantFor } = how;
  if (how.direct) {
    // one add or retraction of a datom on an existing entity: from its record alone (single.ts)
    const single = singleDatom(store, source, redundantFor, edit);
    if (single !== undefined) return single;
    // card-one changes to existing entities: entity by entity, without an attempt (stream.ts)
    const streamed = source.kind === "input" ? runStream(store, source.input, source.mode, redundantFor) : undefined;
    if (streamed !== undefined) return streamed;
  }
  // input whose entities are all known runs without ops (direct.ts); the rest, and any error, here
  const directRun = how.direct ? runDirect(store, source, redundantFor) : undefined;
  if (directRun !== undefined) return report(store, directRun, edit);
  const nested = store.options.txConflictsMode !== "ignore";
  let whole: Prepared | undefined = source.kind === "ops" ? prepare(source.ops, store.schema, true, nested, 0) : undefined;
  let upserted = new Map<Tempid, Eid>();
  let seed: Map<Tempid, Eid> | undefined;
  let next: number | undefined;
  // the upserts the store before predicts, pinned from the first retry on (see `predictUpserts`);
  // null once one was wrong: then the retries go one tempid at a time, as DataScript's do
  let predicted: Map<Tempid, Eid> | undefined | null = how.predict ? undefined : null;
  let unpredicted: { readonly seed: Map<Tempid, Eid>; readonly next: number; readonly upserted: Map<Tempid, Eid> } | undefined;
  for (;;) {
    const attempt = new TxRun(store, seed, next, redundantFor, predicted ?? undefined);
    try {
      if (whole !== undefined) attempt.executeChunkMut(whole, false);
      else {
        const { input, mode } = source as Extract<DirectSource, { kind: "input" }>;
        normalizeInChunks(input, mode, store.schemaView, CHUNK_OPS, (ops, mapBase) => attempt.executeChunkMut(prepare(ops, store.schema, false, nested, mapBase), true));
      }
      attempt.finishMut();
    } catch (e) {
      if (e instanceof Mispredicted) {
        // back to the first retry, without predictions
        predicted = null;
        ({ seed, next, upserted } = unpredicted!);
        continue;
      }
      if (!(e instanceof Retry) && !(e instanceof Unchunkable)) throw e;
      if (whole === undefined) {
        // chunked attempts start over in one chunk: it knows every explicit eid before it allocates
        const { input, mode } = source as Extract<DirectSource, { kind: "input" }>;
        whole = prepare(mode === "tx" ? normalizeTx(input, store.schemaView) : normalizeFacts(input, mode, store.schemaView), store.schema, false, nested, 0);
        continue;
      }
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
      if (predicted === undefined) {
        // the first retry: every other predicted upsert is pinned too, so that tempids used as ref
        // values before their upserting maps cost one restart in all, not one each
        unpredicted = { seed: new Map(seed), next, upserted: new Map(upserted) };
        predicted = predictUpserts(whole, store);
        for (const t of upserted.keys()) predicted.delete(t);
        for (const [t, eid] of predicted) seed.set(t, eid);
      }
      continue;
    }
    return report(store, attempt, edit);
  }
}

/**
 * The report of `source` when it is one datom that the one-datom front end takes (see single.ts),
 * else `undefined`: an EAV or a triple, alone or as the one entry of an array, or one plain add or
 * retraction op.
 */
function singleDatom(store: Store, source: DirectSource, redundantFor: ReadonlySet<Attribute> | undefined, edit: object | undefined): TxReport | undefined {
  if (source.kind === "ops") {
    if (source.ops.length !== 1) return undefined;
    const op = source.ops[0]!;
    if (op.kind === "retract") return runSingle(store, op.e, op.a, op.v, "retract", redundantFor, edit);
    return op.kind === "add" && op.map === undefined ? runSingle(store, op.e, op.a, op.v, "add", redundantFor, edit) : undefined;
  }
  let x = source.input;
  if (Array.isArray(x) && x.length === 1) x = x[0];
  if (x instanceof EAV) return runSingle(store, x.e, x.a, x.v, source.mode, redundantFor, edit);
  if (isTripleShape(x)) return runSingle(store, x[0], x[1], x[2], source.mode, redundantFor, edit);
  return undefined;
}

/** The report of a successful attempt; sends its warnings to the store's sink. */
function report(store: Store, attempt: TxRun, edit: object | undefined): TxReport {
  // before the commit: it reads the store before, which a batch's commit may spend
  const redundant = redundantAdds(attempt);
  const { indexes, added, retracted } = commit(attempt, edit);
  const after = indexes === store.indexes ? store : new Store(store.schema, store.options, indexes);
  const tempids = attempt.tempids.hasLiterals() ? literalTempids(attempt) : NO_TEMPIDS;
  const sink = store.options.onWarning;
  if (sink !== undefined && attempt.warnings !== undefined) for (const w of attempt.warnings) sink(w);
  return {
    before: store,
    after,
    added,
    retracted,
    redundant,
    transients: attempt.transients ?? NONE,
    tempids,
  };
}

/** The literal tempids of a successful attempt and their eids. */
function literalTempids(attempt: TxRun): Map<string | number, Eid> {
  const tempids = new Map<string | number, Eid>();
  attempt.tempids.forEachLiteral((eid, t) => {
    if (isLiteralTempid(t)) tempids.set(t, eid);
  });
  return tempids;
}

/**
 * A run of transactions whose intermediate stores nobody reads once the next one is made, such as
 * the per-action transactions of a session's fire: each transaction's store shares with the next
 * the entity-index nodes the batch made, and the next writes them in place instead of copying them
 * (a one-datom transaction on a 100k-entity store copied six 65-cell nodes). A store made before
 * the batch is never written. Reading a store of the batch after a later transaction of the batch
 * is not allowed: call {@link TxBatch.seal} first whenever one escapes (it is then a value again).
 * Mutable; lives inside one fire.
 * @example const batch = new TxBatch(); let s = batch.transactOps(s0, ops1).after; s = batch.transactOps(s, ops2).after;
 */
export class TxBatch {
  private edit: object = {};

  /** Makes every store of the batch so far a value again: later transactions copy what they change. */
  seal(): void {
    this.edit = {};
  }

  /** {@link transactOps} in the batch. `store` is spent: read the report's `after` instead. */
  transactOps(store: Store, ops: readonly TxOp[]): TxReport {
    return run(store, { kind: "ops", ops }, runOptions(this.edit, undefined));
  }

  /** {@link transactFacts} in the batch. `store` is spent: read the report's `after` instead. */
  transactFacts(store: Store, facts: unknown, mode: "add" | "retract"): TxReport {
    return run(store, { kind: "input", input: facts, mode }, runOptions(this.edit, undefined));
  }
}
