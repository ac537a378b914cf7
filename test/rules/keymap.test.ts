// KeyMap (src/rules/runtime/keymap.ts): the journaled map behind working memory's entity index and
// the beta memories. Small non-negative integer keys live in fixed-size pages found through two
// directories growing away from the first key's page; everything else (and integer keys whose page
// was not worth allocating) lives in a Map. Whatever the mix and the order, it must behave as a Map,
// and undoing a journal must give back exactly the previous contents.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kw } from "../../src/eav/index.js";
import { Journal, undoJournal } from "../../src/rules/runtime/journal.js";
import { KeyMap, PAGE } from "../../src/rules/runtime/keymap.js";

const KEYS: readonly unknown[] = [
  ...Array.from({ length: 40 }, (_, i) => 5000 + i * 37), // a dense-ish run
  4999, 0, 1, PAGE - 1, PAGE, 3 * PAGE + 5, // below the first key's page, page edges
  1_000_000, 2 ** 31 - 1, 2 ** 31, 2 ** 40, // far: past the directory slack, past int32
  -1, -PAGE, 1.5, Number.NaN, // not page keys
  "5000", "k", kw("x"), kw("y"),
];

const opArb = fc.record({ drop: fc.boolean(), k: fc.constantFrom(...KEYS), v: fc.integer({ min: 0, max: 3 }) });

function contents(m: KeyMap<number>, model: ReadonlyMap<unknown, number>): Map<unknown, number | undefined> {
  const out = new Map<unknown, number | undefined>();
  for (const k of KEYS) out.set(k, m.get(k));
  expect([...m.values()].sort()).toEqual([...model.values()].sort());
  return out;
}

describe("KeyMap", () => {
  it("behaves as a Map for any mix of keys (put, putAbsent, drop), and undo restores each earlier state", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 30 }), { minLength: 1, maxLength: 8 }), (batches) => {
        const m = new KeyMap<number>();
        const model = new Map<unknown, number>();
        const states: Array<{ j: Journal; before: Map<unknown, number | undefined>; model: Map<unknown, number> }> = [];
        for (const batch of batches) {
          const j = new Journal();
          const before = contents(m, model);
          states.push({ j, before, model: new Map(model) });
          for (const op of batch) {
            if (op.drop) {
              m.drop(j, op.k);
              model.delete(op.k);
            } else {
              // putAbsent where the key is absent, as working memory's index calls it
              if (m.get(op.k) === undefined) m.putAbsent(j, op.k, op.v);
              else m.put(j, op.k, op.v);
              model.set(op.k, op.v);
            }
          }
          for (const k of KEYS) expect(m.get(k)).toBe(model.get(k));
          contents(m, model);
        }
        // undo every batch, newest first: each earlier state comes back exactly
        for (const st of states.reverse()) {
          undoJournal(st.j);
          expect(contents(m, st.model)).toEqual(st.before);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps integer keys arriving in random order in pages, not in the Map", () => {
    const m = new KeyMap<number>();
    const j = new Journal();
    // 10,000 ids from 1 in a shuffled order (a join keyed by customer, met through random orders)
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    let seed = 7;
    for (let i = ids.length - 1; i > 0; i--) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const r = seed % (i + 1);
      [ids[i], ids[r]] = [ids[r] as number, ids[i] as number];
    }
    for (const id of ids) m.put(j, id, id);
    const l = m.layout();
    expect(l.filled + l.sparse).toBe(10_000);
    // pages are allocated as the keys fill them: most keys are in pages, pages are dense
    expect(l.sparse).toBeLessThan(1_500);
    expect(l.pages).toBeLessThanOrEqual(Math.ceil(10_001 / PAGE) + 1);
    for (const id of ids) expect(m.get(id)).toBe(id);
  });

  it("keeps thinly spread integer keys in the Map instead of a page each", () => {
    const m = new KeyMap<number>();
    const j = new Journal();
    for (let i = 0; i < 200; i++) m.put(j, 1 + i * 10 * PAGE, i);
    const l = m.layout();
    // a few pages within the slack, the rest in the Map
    expect(l.pages).toBeLessThanOrEqual(5);
    expect(l.sparse).toBeGreaterThanOrEqual(195);
    for (let i = 0; i < 200; i++) expect(m.get(1 + i * 10 * PAGE)).toBe(i);
  });

  it("keeps keys on one id in twelve in pages (a derived attribute on some entities)", () => {
    const m = new KeyMap<number>();
    const j = new Journal();
    // the join workload's order/discount: ~7,500 of 90,000 order ids, derived in load order
    const ids = Array.from({ length: 7_500 }, (_, i) => 10_001 + i * 12);
    for (const id of ids) m.put(j, id, id);
    const l = m.layout();
    expect(l.filled + l.sparse).toBe(7_500);
    expect(l.sparse).toBeLessThan(750);
    expect(l.pages).toBeLessThanOrEqual(Math.ceil((7_500 * 12) / PAGE) + 2);
    for (const id of ids) expect(m.get(id)).toBe(id);
  });

  it("a key put in the Map before its page existed is still found, replaced and dropped", () => {
    const m = new KeyMap<string>();
    const j = new Journal();
    m.put(j, 10 * PAGE, "first"); // sets the base page
    m.put(j, 200 * PAGE, "far"); // past the directory slack: the Map
    for (let k = 11 * PAGE; k < 11 * PAGE + 400; k++) m.put(j, k, "fill"); // more cells in use
    m.put(j, 60 * PAGE, "late"); // within the slack now: a new page
    expect(m.layout().sparse).toBe(1);
    expect(m.get(200 * PAGE)).toBe("far");
    m.put(j, 200 * PAGE, "far2");
    expect(m.get(200 * PAGE)).toBe("far2");
    expect(m.layout().sparse).toBe(1);
    m.drop(j, 200 * PAGE);
    expect(m.get(200 * PAGE)).toBeUndefined();
    expect(m.get(60 * PAGE)).toBe("late");
  });
});
