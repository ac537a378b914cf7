// Helpers for the store's table-driven tests: a schema used throughout, and compact views of
// reports and stores so that tables can state exact outcomes.
import { expect } from "vitest";
import type { EAV } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { createStore, transact, type SchemaEntry, type Store, type StoreOptions, type TxReport } from "../../src/store/index.js";

/** People with an identity email, a unique-value handle, card-many tags, refs and components. */
export const SCHEMA: SchemaEntry[] = [
  { ident: "person/email", cardinality: "one", unique: "identity", valueType: "string" },
  { ident: "person/handle", cardinality: "one", unique: "value" },
  { ident: "person/name", cardinality: "one" },
  { ident: "person/age", cardinality: "one", valueType: "integer" },
  { ident: "person/tags", cardinality: "many" },
  { ident: "person/aliases", cardinality: "many", unique: "identity" },
  { ident: "person/friend", cardinality: "one", valueType: "ref" },
  { ident: "person/friends", cardinality: "many", valueType: "ref" },
  { ident: "person/address", cardinality: "one", valueType: "ref", isComponent: true },
  { ident: "person/pets", cardinality: "many", valueType: "ref", isComponent: true },
  { ident: "address/city", cardinality: "one" },
  { ident: "address/geo", cardinality: "one", valueType: "ref", isComponent: true },
  { ident: "geo/lat", cardinality: "one" },
  { ident: "pet/name", cardinality: "one" },
];

/** A store with {@link SCHEMA} and the given transactions applied in order. */
export function storeWith(txs: readonly unknown[], options: StoreOptions = {}): Store {
  let s = createStore({ schema: SCHEMA, ...options });
  for (const tx of txs) s = transact(s, tx).after;
  return s;
}

/** Datoms as sorted `"e a v"` lines (values in JSON, keywords as `:name`). */
export function lines(datoms: readonly EAV[]): string[] {
  return datoms.map((d) => `${String(d.e)} ${d.a} ${typeof d.v === "object" && d.v !== null && !(d.v instanceof Date) ? String(d.v) : JSON.stringify(typeof d.v === "bigint" ? `${d.v}n` : d.v)}`).sort();
}

/** The whole store as sorted lines. */
export function state(s: Store): string[] {
  return lines(s.datoms());
}

/** The tempid map as a plain object. */
export function tempids(r: TxReport): Record<string, unknown> {
  return Object.fromEntries([...r.tempids].map(([k, v]) => [String(k), typeof v === "number" ? v : String(v)]));
}

/** Asserts `f` throws an EavError with `code` and returns it. */
export function expectCode(f: () => unknown, code: string): { code: string; data: Readonly<Record<string, unknown>>; message: string } {
  try {
    f();
  } catch (e) {
    if (!isEavError(e)) throw e;
    expect(e.code).toBe(code);
    return e;
  }
  return expect.fail(`expected an EavError ${code}, nothing was thrown`);
}
