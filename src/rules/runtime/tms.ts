/**
 * Well-founded truth maintenance for recursive rules: deciding whether a logically inserted fact
 * that lost one support still has a support that does not rest on itself.
 *
 * Why a count of supports is not enough: when a rule reads its own output, a fact F can be
 * supported by an activation whose token holds F (directly, or through a chain of derived facts,
 * as in a transitive closure over a cycle). Counting, F keeps that support after its real one is
 * gone and is never withdrawn. The semantics we want is the least fixpoint: a logical fact stays
 * exactly while it is *well-founded*: unconditional, or supported by an activation whose token
 * facts are all well-founded without depending on F.
 *
 * When it runs (engine.ts): only when a fact that is not unconditional loses a support and still
 * has some, so a non-recursive rule set whose derived facts each have one support never pays for
 * it. The check reads only (nothing is journaled); the engine then withdraws the facts it returns
 * through the normal, journaled path, and that cascade queues the checks of whatever they supported.
 *
 * The algorithm, linear in the part of the support graph it visits (a depth-first search that
 * excluded facts on its stack and memoised results is simpler, but a failure found while an
 * ancestor was on the stack cannot be memoised, and without that memo the search is exponential
 * on some graphs):
 * 1. Quick path: some support of F whose token facts are all unconditional proves F at once (the
 *    common case: the base step of a closure, or a non-recursive rule matching several times).
 *    The engine runs it where the support is lost ({@link hasUnconditionalSupport}), so such a
 *    loss costs a walk up one token and is never queued.
 * 2. Otherwise collect U, the facts F rests on: F, then the token facts of every support of every
 *    non-unconditional fact already in U. U is closed: everything a member rests on is unconditional
 *    or in U.
 * 3. Least fixpoint over U: a support is proved once all its token facts are unconditional or
 *    proved, a fact once one of its supports is. Each support keeps a count of unproved token
 *    facts, so each edge is visited once. F proved: stop early, nothing to withdraw. Else every
 *    unproved member of U is unfounded (U is closed, so the fixpoint over it is exact) and all of
 *    them are returned, so a whole cycle is withdrawn by one check.
 *
 * What counts as a token's facts: the facts matched by its positive patterns (its join tokens),
 * which are exactly what the activation's match rests on positively. Not followed:
 * - negations (`not`): a fact in a negation is a reason for a match to go, never a support;
 * - `exists` and accumulator inputs: their nodes keep counts and results, not the facts that made
 *   them (so the facts are not known here), and the match itself is retracted by the network when
 *   those inputs change. A cycle that passes only through an `exists` or an accumulator over the
 *   rule's own output is therefore not detected.
 */
import { jadd, jremove, type Journal } from "./journal.js";
import { Activation, FactEntry, SMALL_SUPPORTS, supportsOf, type Token } from "./memory.js";

/**
 * The facts that lose their well-foundedness when `root` has lost a support: null when `root`
 * still has a well-founded support, else `root` and every other fact of its support graph with no
 * well-founded support (in discovery order, `root` first). Reads only: nothing changes.
 * @example unfounded(entryOfReach12) // null while an :edge path from 1 to 2 holds; else [reach12, reach21, ...]
 */
export function unfounded(root: FactEntry): FactEntry[] | null {
  if (hasUnconditionalSupport(root)) return null;

  // 2. collect U (index by entry) and, per support, the number of its token facts not yet proved
  const index = new Map<FactEntry, number>([[root, 0]]);
  const members: FactEntry[] = [root];
  /** Per member: the supports (by number) waiting for it, one entry per occurrence in a token. */
  const waiting: number[][] = [[]];
  /** Per support: the member it supports. */
  const target: number[] = [];
  /** Per support: how many of its token facts are not proved yet. */
  const missing: number[] = [];
  const ready: number[] = [];
  for (let m = 0; m < members.length; m++) {
    for (const a of supportsOf((members[m] as FactEntry).by)) {
      const s = target.length;
      target.push(m);
      let n = 0;
      // from the activation itself: a fused activation holds its join's entry (memory.ts)
      for (let t: Token | null = a; t !== null; t = t.parent) {
        const x = t.data;
        if (!(x instanceof FactEntry) || x.uncond) continue;
        let xi = index.get(x);
        if (xi === undefined) {
          xi = members.length;
          index.set(x, xi);
          members.push(x);
          waiting.push([]);
        }
        (waiting[xi] as number[]).push(s);
        n++;
      }
      missing.push(n);
      if (n === 0) ready.push(s);
    }
  }

  // 3. least fixpoint: prove supports whose token facts are all proved
  const proved = new Uint8Array(members.length);
  for (let s = ready.pop(); s !== undefined; s = ready.pop()) {
    const m = target[s] as number;
    if (proved[m] === 1) continue;
    proved[m] = 1;
    if (m === 0) return null;
    for (const w of waiting[m] as number[]) {
      const left = (missing[w] as number) - 1;
      missing[w] = left;
      if (left === 0) ready.push(w);
    }
  }
  const out: FactEntry[] = [];
  for (let m = 0; m < members.length; m++) if (proved[m] === 0) out.push(members[m] as FactEntry);
  return out;
}

/**
 * Whether some support of `e` rests only on unconditional facts that are still present: then `e`
 * is well-founded whatever else changes later (a later loss queues its own check). Reads only.
 * Safe in the middle of a withdrawal cascade: a fact being removed is no longer alive, and the
 * supports resting on it are about to go, so they do not count.
 * @example hasUnconditionalSupport(entryOfReach12) // true while the edge 1 -> 2 is present
 */
export function hasUnconditionalSupport(e: FactEntry): boolean {
  for (const a of supportsOf(e.by)) if (restsOnUnconditionalOnly(a)) return true;
  return false;
}

/** Whether every fact `a`'s token matched positively is unconditional and alive. */
function restsOnUnconditionalOnly(a: Activation): boolean {
  for (let t: Token | null = a; t !== null; t = t.parent) {
    const x = t.data;
    if (x instanceof FactEntry && (!x.uncond || !x.alive)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- supports bookkeeping (journaled)

/**
 * Sets an entry's flags-or-supports field, journaled unless the entry was born in the fire in
 * progress (`born`: see memory.ts, `linkToken`). Mutates `e`.
 * @example setState(j, born, e, UNCONDITIONAL) // e is unconditional from now on
 */
export function setState(j: Journal, born: number, e: FactEntry, v: FactEntry["state"]): void {
  // the field by name, not through jfield: its `obj[field]` was a keyed access shared by every
  // caller's shape (a LoadIC / KeyedStoreIC builtin call per write; callgrind, join 100k update)
  if (e.id <= born) j.push(e, "state", e.state);
  e.state = v;
}

/**
 * Records that activation `a` supports `e`. Returns false, changing nothing, when it already did or
 * when `e` is unconditional (its supports no longer matter). Mutates `e` (journaled).
 * @example if (addSupport(j, born, e, a)) a.supports(e);
 */
export function addSupport(j: Journal, born: number, e: FactEntry, a: Activation): boolean {
  const by = e.state;
  if (by === a || typeof by === "number") return false;
  if (by === null) setState(j, born, e, a);
  else if (by instanceof Activation) setState(j, born, e, [by, a]);
  else if (by instanceof Set) {
    if (by.has(a)) return false;
    jadd(j, by, a);
  } else {
    if (by.includes(a)) return false;
    setState(j, born, e, by.length < SMALL_SUPPORTS ? [...by, a] : new Set([...by, a]));
  }
  return true;
}

/**
 * Removes activation `a` from the supports of `e` (nothing when it is not one). Mutates `e`
 * (journaled).
 * @example removeSupport(j, born, e, a); if (e.by === null) withdraw(e);
 */
export function removeSupport(j: Journal, born: number, e: FactEntry, a: Activation): void {
  const by = e.state;
  if (by === a) setState(j, born, e, null);
  else if (by instanceof Set) {
    jremove(j, by, a);
    if (by.size === 0) setState(j, born, e, null);
  } else if (Array.isArray(by)) {
    const arr = by as readonly Activation[];
    const i = arr.indexOf(a);
    if (i >= 0) setState(j, born, e, arr.length === 2 ? (arr[1 - i] as Activation) : arr.filter((x) => x !== a));
  }
}
