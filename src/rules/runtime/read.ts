/**
 * Reading a match: a variable's value, the join key of a token or a fact, and a match's bindings,
 * read from the token chain (tokens hold no binding arrays, see nodes.ts). Reads only; nodes reach
 * these through the fire (nodes.ts, `Rt`).
 */
import type { Bindings } from "../spec.js";
import { keyOf, NO_KEY, tupleKey } from "./keys.js";
import { FactEntry, type Token } from "./memory.js";
import type { VarLoc } from "./nodes.js";

/** What reading needs of the network (a NetworkCore is one). */
export interface FieldReader {
  readonly fieldOf: (fact: unknown, field: string) => unknown;
  /** fieldOf is the default one (NetworkCore.eavFields). */
  readonly eavFields: boolean;
}

/**
 * The value of the variable at `loc` for the match ending at token `t` (at `level`): the fact,
 * a field of it, or a grouped accumulator's tuple item, read from the ancestor that bound it.
 * @example varAt(net, t, 3, { name: "?o", key: "o", level: 1, field: "e", index: -1 }) // the entity of level 1's fact
 */
export function varAt(net: FieldReader, t: Token, level: number, loc: VarLoc): unknown {
  let x = t;
  for (let l = level; l > loc.level; l--) x = x.parent as Token;
  const d = x.data;
  if (loc.index >= 0) return (d as readonly unknown[])[loc.index];
  if (d instanceof FactEntry) {
    if (loc.field === "v" && net.eavFields) {
      // the entry's value key is the value itself unless the value is structured (keyOf): read it
      // there, not from the fact, a cache miss on a big memory (a test on ?amount, an action's
      // bindings; join 100k update, callgrind, issue 7; test/rules/value-keys.test.ts)
      const k = d.vkey;
      if (k !== undefined && (k === null || typeof k !== "object")) return k;
    }
    return loc.field === null ? d.fact : net.fieldOf(d.fact, loc.field);
  }
  return loc.field === null ? d : net.fieldOf(d, loc.field);
}

/**
 * `keyOf(varAt(net, t, level, loc))`, but an indexed EAV's value key is read from its entry
 * (FactEntry.vkey, equal to keyOf(fact.v) under the default fieldOf) without reading the fact,
 * a cache miss on a big memory (a join on ?c bound by [?o :order/customer ?c], issue 7).
 */
function keyAt(net: FieldReader, t: Token, level: number, loc: VarLoc): unknown {
  let x = t;
  for (let l = level; l > loc.level; l--) x = x.parent as Token;
  const d = x.data;
  if (d instanceof FactEntry) {
    if (loc.field === "v" && d.vkey !== undefined && net.eavFields) return d.vkey;
    return keyOf(loc.field === null ? d.fact : net.fieldOf(d.fact, loc.field));
  }
  if (loc.index >= 0) return keyOf((d as readonly unknown[])[loc.index]);
  return keyOf(loc.field === null ? d : net.fieldOf(d, loc.field));
}

/**
 * The join key of the match ending at `t` for the variables at `locs` (see {@link tupleKey}).
 * No closure and no array for zero or one variable: keys are computed for every token added to or
 * removed from a memory (Manners: millions of keyless tokens), and each allocation cost GC time.
 */
export function tokenKey(net: FieldReader, t: Token, level: number, locs: readonly VarLoc[]): unknown {
  const n = locs.length;
  if (n === 1) return keyAt(net, t, level, locs[0] as VarLoc);
  if (n === 0) return NO_KEY;
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) values.push(varAt(net, t, level, locs[i] as VarLoc));
  return tupleKey(values);
}

/** The join key of a fact for the pattern fields holding the join's variables. */
export function factKey(net: FieldReader, fact: unknown, fields: readonly string[]): unknown {
  const fieldOf = net.fieldOf;
  const n = fields.length;
  if (n === 1) return keyOf(fieldOf(fact, fields[0] as string));
  if (n === 0) return NO_KEY;
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) values.push(fieldOf(fact, fields[i] as string));
  return tupleKey(values);
}

/** The bindings of the variables in `scope` (names without `?`) for the match ending at `t`. */
export function bindingsAt(net: FieldReader, t: Token, level: number, scope: readonly VarLoc[]): Bindings {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < scope.length; i++) {
    const l = scope[i] as VarLoc;
    out[l.key] = varAt(net, t, level, l);
  }
  return out;
}
