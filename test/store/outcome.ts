// What a caller can see of a transaction's outcome (its report or its error), and a schema shaped
// like a session's, for tests that run one transaction through two front ends of the store and
// compare them.
import { expect } from "vitest";
import { eavKey, type EAV } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import type { Store, TxReport } from "../../src/store/index.js";

export type Outcome = { readonly ok: true; readonly r: TxReport } | { readonly ok: false; readonly code: string; readonly message: string };

export function attempt(f: () => TxReport): Outcome {
  try {
    return { ok: true, r: f() };
  } catch (e) {
    if (isEavError(e)) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

export const keys = (ds: readonly EAV[]): string[] => ds.map(eavKey);

/** Everything a caller can see of a transaction, in order. */
export function view(o: Outcome): unknown {
  if (!o.ok) return { code: o.code, message: o.message };
  const { r } = o;
  return {
    added: keys(r.added),
    retracted: keys(r.retracted),
    redundant: keys(r.redundant),
    transients: keys(r.transients),
    tempids: [...r.tempids],
    datoms: keys(r.after.datoms()).sort(),
    maxEid: r.after.maxEid,
    same: r.after === r.before,
  };
}

/** Identity and unique-value attributes, refs (one, many, a component), plain values. */
export const FRONT_END_SCHEMA = [
  { ident: "x/id", cardinality: "one", unique: "identity" },
  { ident: "x/n", cardinality: "one", valueType: "number" },
  { ident: "x/ref", cardinality: "one", valueType: "ref" },
  { ident: "x/refs", cardinality: "many", valueType: "ref" },
  { ident: "x/tags", cardinality: "many" },
  { ident: "x/u", cardinality: "one", unique: "value" },
  { ident: "x/other-id", cardinality: "one", unique: "identity" },
  { ident: "x/part", cardinality: "one", valueType: "ref", isComponent: true },
] as const;

/**
 * One transaction run in a `TxBatch` (`batched`'s outcome) and through the op pipeline (`plain`'s):
 * both fail, or both report the same delta. The two stores to go on from.
 */
export function sameStep(batched: Outcome, plain: Outcome, before: readonly [Store, Store]): [Store, Store] {
  expect(batched.ok).toBe(plain.ok);
  if (!batched.ok || !plain.ok) return [before[0], before[1]];
  expect(keys(batched.r.added)).toEqual(keys(plain.r.added));
  expect(keys(batched.r.retracted)).toEqual(keys(plain.r.retracted));
  return [batched.r.after, plain.r.after];
}
