/**
 * The report of a transaction (`transact` and the other front ends of transact.ts).
 */
import type { EAV, Eid } from "../eav/index.js";
import type { Store } from "./store.js";

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
 * A report's empty lists and tempid map, shared by the reports that have none (a report is a value:
 * nothing writes them; a `new Map()` per one-datom transaction of a fire was a measured cost).
 */
export const NONE: readonly EAV[] = [];
export const NO_TEMPIDS: ReadonlyMap<string | number, Eid> = new Map();
