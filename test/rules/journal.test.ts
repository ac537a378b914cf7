// The undo journal (runtime/journal.ts) records mutations in chunks that are filled, never copied,
// and undoes them last first whatever the chunk boundaries; the inverse it returns redoes them.
// NO_JOURNAL records nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ABSENT, jadd, jdelete, jfield, Journal, jremove, jset, NO_JOURNAL, undoJournal } from "../../src/rules/runtime/journal.js";

interface World {
  readonly obj: { x: number };
  readonly map: Map<number, number>;
  readonly set: Set<number>;
}

const opArb = fc.record({ kind: fc.constantFrom("field", "set", "delete", "add", "remove"), k: fc.integer({ min: 0, max: 5 }), v: fc.integer() });

function snapshot(w: World): unknown {
  return { x: w.obj.x, map: [...w.map].sort((a, b) => a[0] - b[0]), set: [...w.set].sort((a, b) => a - b) };
}

function applyOp(j: Journal, w: World, op: { kind: string; k: number; v: number }): void {
  if (op.kind === "field") jfield(j, w.obj, "x", op.v);
  else if (op.kind === "set") jset(j, w.map, op.k, op.v);
  else if (op.kind === "delete") jdelete(j, w.map, op.k);
  else if (op.kind === "add") jadd(j, w.set, op.k);
  else jremove(j, w.set, op.k);
}

describe("Journal", () => {
  it("undo restores the state before any number of mutations (across chunk boundaries), and its inverse redoes them", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const w: World = { obj: { x: 0 }, map: new Map([[1, 1]]), set: new Set([2]) };
        const before = snapshot(w);
        const j = new Journal();
        for (const op of ops) applyOp(j, w, op);
        const after = snapshot(w);
        const redo = undoJournal(j);
        expect(snapshot(w)).toEqual(before);
        undoJournal(redo);
        expect(snapshot(w)).toEqual(after);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every triple of a long journal, in order", () => {
    const j = new Journal();
    const box = { n: 0 };
    const n = 20_000; // several chunks, the last ones full size
    for (let i = 1; i <= n; i++) j.push(box, "n", i);
    expect(j.size).toBe(n);
    const seen: unknown[] = [];
    j.forEachBackwards((c, k, old) => {
      expect(c).toBe(box);
      expect(k).toBe("n");
      seen.push(old);
    });
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => n - i));
  });

  it("NO_JOURNAL records nothing", () => {
    const m = new Map<number, number>();
    jset(NO_JOURNAL, m, 1, 1);
    NO_JOURNAL.push(m, 2, ABSENT);
    expect(NO_JOURNAL.size).toBe(0);
    expect(m.get(1)).toBe(1);
  });
});
