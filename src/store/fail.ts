/**
 * How a transaction attempt stops early: a store error carrying the op's path, a {@link Retry}
 * signal asking to restart with a tempid pinned, or an {@link Unchunkable} one.
 */
import { EavError, type ErrorCode, type ErrorData } from "../errors.js";
import { formatEid, formatValue, type Attribute, type Eid, type Tempid, type Value } from "../eav/index.js";

/** Signal (not an error): restart the transaction with `tempid` resolving to `eid`. */
export class Retry {
  constructor(
    readonly tempid: Tempid,
    readonly eid: Eid,
  ) {}
}

/**
 * Signal (not an error): a tempid whose upsert was predicted from the store before the transaction
 * (see `predictUpserts`) resolved otherwise; restart without predictions.
 */
export class Mispredicted {}

/**
 * Signal (not an error): a transaction normalised in chunks wrote an explicit eid after the attempt
 * handed out fresh eids; run it again in one chunk (see `TxRun.executeChunkMut`).
 */
export class Unchunkable {}

/** Throws a store error with the op's path in its data and message. */
export function fail(code: ErrorCode, message: string, data: ErrorData, op?: { readonly path: string }): never {
  const where = op === undefined || op.path === "" ? "" : ` (at ${op.path})`;
  throw new EavError(code, `${message}${where}`, op === undefined ? data : { ...data, path: op.path });
}

/** `[e :a v]` for messages. */
export function fmt(e: Eid, a: Attribute, v: Value): string {
  return `[${formatEid(e)} :${a} ${formatValue(v)}]`;
}
