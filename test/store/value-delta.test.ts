// The working state's card-many delta (src/store/work.ts, ValueDelta): one entry inline, a Map from
// the second. It must answer as a Map would (SameValueZero keys, insertion order) after any writes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EAV, type Value } from "../../src/eav/index.js";
import { ValueDelta } from "../../src/store/work.js";

const keyArb = fc.constantFrom<unknown>(0, -0, 1, NaN, "a", "b", "1");

describe("ValueDelta", () => {
  it("answers like a Map after any sequence of sets and deletes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), keyArb, fc.integer()), { maxLength: 40 }), (writes) => {
        const delta = new ValueDelta();
        const model = new Map<unknown, Value>();
        for (const [set, k, v] of writes) {
          if (set) {
            delta.setMut(k, v);
            model.set(k, v);
          } else {
            delta.deleteMut(k);
            model.delete(k);
          }
          expect(delta.size).toBe(model.size);
          for (const probe of [0, 1, NaN, "a", "b", "1"]) expect(delta.has(probe)).toBe(model.has(probe));
          const seen: Array<[unknown, Value]> = [];
          delta.forEach((value, key) => seen.push([key, value]));
          expect(seen).toEqual([...model.entries()]);
          if (model.size > 0) expect(delta.first()).toBe(model.values().next().value);
          const datoms: EAV[] = [];
          delta.pushDatoms(7, "a/b", datoms);
          expect(datoms).toEqual([...model.values()].map((value) => new EAV(7, "a/b", value)));
        }
      }),
      { numRuns: 300 },
    );
  });
});
