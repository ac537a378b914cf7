// The working state's eid-keyed table (src/store/work.ts, EidTable): fresh eids in an array by
// offset, the first few other eids in small arrays, the rest in a Map. Every key must live in one
// place whatever the order of writes; checked against a Map.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kw, type Eid } from "../../src/eav/index.js";
import { EidTable } from "../../src/store/work.js";

const eidArb = fc.oneof(
  fc.integer({ min: 1, max: 40 }), // around `first` (20): fresh and existing eids
  fc.integer({ min: 1, max: 5000 }), // past the fresh array's reach
  fc.constantFrom<Eid>(2 ** 31 + 7, 2 ** 40, kw("e/global"), kw("e/other")),
);

describe("EidTable", () => {
  it("answers like a Map after any sequence of writes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(eidArb, fc.integer()), { maxLength: 300 }), fc.array(eidArb, { maxLength: 50 }), (writes, probes) => {
        const table = new EidTable<number>(20);
        const model = new Map<Eid, number>();
        for (const [e, v] of writes) {
          table.setMut(e, v);
          model.set(e, v);
          expect(table.get(e)).toBe(v);
        }
        for (const [e] of writes) expect(table.get(e)).toBe(model.get(e));
        for (const e of probes) expect(table.get(e)).toBe(model.get(e));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps thousands of existing eids", () => {
    const table = new EidTable<string>(100_001);
    const eids: number[] = [];
    for (let i = 0; i < 5000; i++) eids.push(1 + ((i * 7919) % 100_000));
    for (const e of eids) table.setMut(e, `v${e}`);
    for (const e of eids) expect(table.get(e)).toBe(`v${e}`);
    expect(table.get(100_000 + 5)).toBeUndefined();
  });

  it("keeps a far eid where it went when the fresh array reaches it", () => {
    const table = new EidTable<number>(1);
    for (let e = 5000; e < 5020; e++) table.setMut(e, -e); // past the small arrays: the Map too
    for (let e = 1; e < 5030; e++) if (e < 5000 || e >= 5020) table.setMut(e, e);
    for (let e = 5000; e < 5020; e++) table.setMut(e, 2 * e); // within reach now, kept where they are
    for (let e = 1; e < 5030; e++) expect(table.get(e)).toBe(e >= 5000 && e < 5020 ? 2 * e : e);
  });
});
