// Properties of the store over generated schemas and transaction sequences (the differential
// test's generator, run on our store alone): card-one keeps at most one value, `after` equals
// `before` plus the net delta, the indexes agree with the datoms, a failed transaction leaves the
// store identical, and a repeated identity upsert is a no-op.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eavKey, type EAV } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { transact, type Store } from "../../src/store/index.js";
import { ATTRS, Renderer, arbPlain, arbScenario, newStores, type AttrSpec, type Pairing } from "./diff-harness.js";

const RUNS = Number(process.env["STORE_PROP_RUNS"] ?? 200);

function keys(ds: readonly EAV[]): Set<string> {
  return new Set(ds.map(eavKey));
}

/** Checks the invariants of one store against its schema. */
function checkStore(s: Store, schema: readonly AttrSpec[]): void {
  const datoms = s.datoms();
  expect(s.size).toBe(datoms.length);
  const perEA = new Map<string, number>();
  let refDatoms = 0;
  for (const d of datoms) {
    const i = (ATTRS as readonly string[]).indexOf(d.a);
    const spec = schema[i];
    if (spec === undefined || !spec.many) {
      const k = `${String(d.e)} ${d.a}`;
      perEA.set(k, (perEA.get(k) ?? 0) + 1);
    }
    if (spec?.kind === "plain" && spec.unique !== "none") expect(s.lookup(d.a, d.v)).toBe(d.e);
    if (spec?.kind === "ref") {
      refDatoms++;
      expect(s.referrers(d.v as number)).toContainEqual([d.a, d.e]);
    }
    if (typeof d.e === "number") expect(d.e).toBeLessThanOrEqual(s.maxEid);
  }
  // card-one: at most one value per entity and attribute
  for (const n of perEA.values()) expect(n).toBe(1);
  // the VAE index holds exactly the ref datoms
  const targets = new Set(datoms.filter((d) => schema[(ATTRS as readonly string[]).indexOf(d.a)]?.kind === "ref").map((d) => d.v as number));
  expect([...targets].reduce((n, t) => n + s.referrers(t).length, 0)).toBe(refDatoms);
}

function selfPairing(s: Store): Pairing {
  const p: Pairing = { ours: new Map(), theirs: new Map(), handles: [] };
  for (const e of s.entities()) p.handles.push([e["eav/eid"], 0]);
  return p;
}

describe("store properties", () => {
  it("card-one, net delta, index agreement, and atomic failure hold after every transaction", () => {
    fc.assert(
      fc.property(arbScenario, ({ schema, txs }) => {
        let store = newStores(schema).store;
        for (const tx of txs) {
          const input = new Renderer(schema, selfPairing(store), [store.maxEid, 0]).ours(tx);
          const before = store;
          const snapshot = before.datoms().map(eavKey).sort();
          const maxEid = before.maxEid;
          let r;
          try {
            r = transact(before, input);
          } catch (e) {
            if (!isEavError(e) || !/^(store|eav)\//.test(e.code)) throw e;
            // a failed transaction leaves the store identical, its eid counter included
            expect(before.datoms().map(eavKey).sort()).toEqual(snapshot);
            expect(before.maxEid).toBe(maxEid);
            continue;
          }
          // after = before - retracted + added, with a NET delta
          const b = keys(before.datoms());
          const a = keys(r.after.datoms());
          const added = keys(r.added);
          const retracted = keys(r.retracted);
          expect(added.size).toBe(r.added.length);
          expect(retracted.size).toBe(r.retracted.length);
          for (const k of added) expect(b.has(k)).toBe(false);
          for (const k of retracted) expect(b.has(k)).toBe(true);
          const expected = new Set([...b].filter((k) => !retracted.has(k)));
          for (const k of added) expected.add(k);
          expect([...a].sort()).toEqual([...expected].sort());
          for (const f of r.redundant) expect(b.has(eavKey(f)) && a.has(eavKey(f))).toBe(true);
          expect(keys(r.redundant).size).toBe(r.redundant.length); // each redundant datom once
          expect(r.after.maxEid).toBeGreaterThanOrEqual(before.maxEid);
          checkStore(r.after, schema);
          store = r.after;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("a repeated identity upsert is a no-op", () => {
    fc.assert(
      fc.property(arbScenario, arbPlain, fc.nat(), ({ schema, txs }, v, pick) => {
        const identity = schema.flatMap((s, i) => (s.kind === "plain" && s.unique === "identity" ? [ATTRS[i]!] : []));
        const other = schema.flatMap((s, i) => (s.kind === "plain" && s.unique === "none" ? [ATTRS[i]!] : []));
        fc.pre(identity.length > 0);
        let store = newStores(schema).store;
        for (const tx of txs) {
          try {
            store = transact(store, new Renderer(schema, selfPairing(store), [store.maxEid, 0]).ours(tx)).after;
          } catch {
            // rejected transactions are covered by the other property
          }
        }
        const upsert: Record<string, unknown> = { [identity[pick % identity.length]!]: v };
        if (other.length > 0) upsert[other[pick % other.length]!] = v;
        let first;
        try {
          first = transact(store, [upsert]);
        } catch (e) {
          if (isEavError(e, "store/unique-conflict")) return; // the value is held through a unique-value attribute
          throw e;
        }
        const second = transact(first.after, [upsert]);
        expect(second.added).toEqual([]);
        expect(second.retracted).toEqual([]);
        expect(second.after).toBe(first.after);
      }),
      { numRuns: RUNS },
    );
  });
});
