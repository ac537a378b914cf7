// EidMapEditor (src/store/eidmap.ts): one batch's changes to a persistent eid-keyed map, one at a
// time. Checked against a plain Map: reads see the changes so far (`get`, `getOwned`), `done` is
// the map with all of them, `replaceOwned` writes the value `getOwned` read, and the map the editor
// started from (and any map made with another token) never changes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kw, type Eid } from "../../src/eav/index.js";
import { EidMap, EidMapEditor } from "../../src/store/eidmap.js";

const RUNS = Number(process.env["STORE_PROP_RUNS"] ?? 200);

/** Trie keys (dense, on level boundaries, the last below 2^24) and the Map's (past 2^24, keywords). */
const arbEid: fc.Arbitrary<Eid> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom(63, 64, 4095, 4096, 262_143, 262_144, 2 ** 24 - 1) },
  { weight: 1, arbitrary: fc.constantFrom<Eid>(2 ** 24, 2 ** 32 + 1, kw("k1"), kw("k2")) },
);
type Step = { kind: "set"; e: Eid; v: string | undefined } | { kind: "replace"; e: Eid; v: string } | { kind: "get"; e: Eid };
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), e: arbEid, v: fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }) }),
  fc.record({ kind: fc.constant("replace" as const), e: arbEid, v: fc.constantFrom("x", "y") }),
  fc.record({ kind: fc.constant("get" as const), e: arbEid }),
);

function contents(m: EidMap<string>): Array<[Eid, string]> {
  return [...m.entries()];
}

function modelContents(model: ReadonlyMap<Eid, string>): Array<[Eid, string]> {
  const numbers = [...model].filter(([e]) => typeof e === "number").sort((x, y) => (x[0] as number) - (y[0] as number));
  return [...numbers, ...[...model].filter(([e]) => typeof e !== "number")];
}

describe("EidMapEditor", () => {
  it("reads and writes like a plain Map, and never changes the map it started from", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbEid, fc.constantFrom("p", "q")), { maxLength: 30 }), fc.array(fc.array(arbStep, { maxLength: 40 }), { minLength: 1, maxLength: 3 }), (initial, batches) => {
        const model = new Map<Eid, string>();
        let map = EidMap.empty<string>();
        for (const [e, v] of initial) model.set(e, v);
        map = map.withChanges(
          initial.map(([e]) => e),
          initial.map(([, v]) => v),
        );
        expect(contents(map)).toEqual(modelContents(model));
        for (const steps of batches) {
          const before = contents(map);
          const beforeModel = new Map(model);
          const ed = new EidMapEditor(map, {});
          for (const step of steps) {
            if (step.kind === "set") {
              ed.set(step.e, step.v);
              if (step.v === undefined) model.delete(step.e);
              else model.set(step.e, step.v);
            } else if (step.kind === "get") {
              expect(ed.get(step.e)).toBe(model.get(step.e));
            } else {
              // replaceOwned writes the value getOwned read (only when there was one)
              const old = ed.getOwned(step.e);
              expect(old).toBe(model.get(step.e));
              if (old !== undefined) {
                ed.replaceOwned(step.v);
                model.set(step.e, step.v);
              }
            }
          }
          const after = ed.done();
          expect(contents(after)).toEqual(modelContents(model));
          expect(after.size).toBe(model.size);
          // the map the editor started from is a value: unchanged
          expect(contents(map)).toEqual(before);
          expect(contents(map)).toEqual(modelContents(beforeModel));
          map = after;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("writes in place only the nodes carrying its own token", () => {
    const token = {};
    const base = EidMap.empty<string>().withChanges([1, 2, 100], ["a", "b", "c"]);
    const first = new EidMapEditor(base, token);
    first.set(1, "x");
    const mid = first.done();
    // a second editor with the same token writes mid's nodes in place (mid is spent), never base's
    const second = new EidMapEditor(mid, token);
    expect(second.getOwned(2)).toBe("b");
    second.replaceOwned("y");
    const end = second.done();
    expect(contents(end)).toEqual([
      [1, "x"],
      [2, "y"],
      [100, "c"],
    ]);
    expect(contents(base)).toEqual([
      [1, "a"],
      [2, "b"],
      [100, "c"],
    ]);
    // another token copies: mid as it was is kept
    const third = new EidMapEditor(end, {});
    third.set(100, "z");
    expect(third.done().get(100)).toBe("z");
    expect(end.get(100)).toBe("c");
    // nothing changed: the map itself
    expect(new EidMapEditor(end, {}).done()).toBe(end);
  });
});
