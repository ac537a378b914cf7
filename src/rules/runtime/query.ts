/**
 * Reading query results out of working memory: a hash lookup on the parameters' values in each of
 * the query's terminals (one per `or` branch). Reads only.
 */
import { EavError } from "../../errors.js";
import type { NetworkCore } from "../plan.js";
import type { QuerySpec } from "../spec.js";
import type { Token } from "./memory.js";
import { tupleKey } from "./keys.js";
import type { VarLoc } from "./nodes.js";

/** A query result row: variable names without `?` to values. */
export type Row = Record<string, unknown>;

/** The state a query reads: the per-node memories. */
export interface QueryableState {
  readonly mem: readonly unknown[];
}

/**
 * The rows of a query for the given parameters (keys with or without `?`). Reads only.
 * Throws `rules/unknown-query` or `rules/invalid-query-params`.
 */
export function queryRows(net: NetworkCore, state: QueryableState, q: string | QuerySpec, params: Readonly<Record<string, unknown>> = {}): Row[] {
  const name = typeof q === "string" ? q : q.name;
  const entry = net.queries.get(name);
  if (entry === undefined) throw new EavError("rules/unknown-query", `no query named ${name} in this network`, { query: name });
  const spec = entry.spec;
  const given = new Set(Object.keys(params).map((k) => (k.startsWith("?") ? k : `?${k}`)));
  const values: unknown[] = [];
  for (const p of spec.params) {
    const bare = p.slice(1);
    const has = Object.prototype.hasOwnProperty.call(params, p) ? p : Object.prototype.hasOwnProperty.call(params, bare) ? bare : undefined;
    if (has === undefined) throw new EavError("rules/invalid-query-params", `query ${name} needs parameter ${p}`, { query: name, missing: p, params: spec.params });
    values.push(params[has]);
    given.delete(p);
  }
  if (given.size > 0) {
    throw new EavError("rules/invalid-query-params", `query ${name} has no parameter ${[...given].join(", ")}`, { query: name, unknown: [...given], params: spec.params });
  }
  const key = tupleKey(values);
  const rows: Row[] = [];
  for (const node of entry.nodes) {
    for (const t of node.matches(state.mem[node.id], key)) rows.push(rowOf(net, t, node.level - 1, node.scope));
  }
  return rows;
}

function rowOf(net: NetworkCore, t: Token, level: number, scope: readonly VarLoc[]): Row {
  const row: Row = {};
  for (const l of scope) {
    let x = t;
    for (let i = level; i > l.level; i--) x = x.parent as Token;
    row[l.key] = l.index >= 0 ? (x.data as readonly unknown[])[l.index] : l.field === null ? x.value : net.fieldOf(x.value, l.field);
  }
  return row;
}
