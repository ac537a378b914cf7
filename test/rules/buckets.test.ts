// Buckets (src/rules/runtime/memory.ts): a beta memory's items under one join key, held as one
// item, a small array replaced whole on change, or a Set. Removing an item from anywhere in a small
// array keeps the others in creation order (firing order depends on it), never changes the array an
// older version holds, and an undo gives that array back.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Journal, undoJournal } from "../../src/rules/runtime/journal.js";
import { KeyMap } from "../../src/rules/runtime/keymap.js";
import { bucketAdd, bucketItems, bucketRemove, bucketSingle, bucketSize, type Bucket } from "../../src/rules/runtime/memory.js";

interface Item {
  readonly id: number;
}
const items: readonly Item[] = Array.from({ length: 12 }, (_, id) => ({ id }));
const many: readonly Item[] = Array.from({ length: 40 }, (_, id) => ({ id }));

describe("buckets", () => {
  it.each([3, 5, 8])("removing any one of %i items keeps the rest in order, and undo restores them", (n) => {
    for (let at = 0; at < n; at++) {
      const m = new KeyMap<Bucket<Item>>();
      const setup = new Journal();
      for (let i = 0; i < n; i++) bucketAdd(setup, m, 7, items[i] as Item);
      const before = m.get(7);
      const beforeItems = [...bucketItems(before)];
      const j = new Journal();
      bucketRemove(j, m, 7, items[at] as Item);
      expect(bucketItems(m.get(7)).map((x) => x.id)).toEqual(beforeItems.filter((x) => x.id !== at).map((x) => x.id));
      expect([...bucketItems(before)]).toEqual(beforeItems);
      undoJournal(j);
      expect(bucketItems(m.get(7))).toEqual(beforeItems);
    }
  });

  it("any sequence of adds and removes matches a list model", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ add: fc.boolean(), i: fc.integer({ min: 0, max: items.length - 1 }) }), { maxLength: 60 }), (ops) => {
        const m = new KeyMap<Bucket<Item>>();
        const j = new Journal();
        let model: Item[] = [];
        for (const op of ops) {
          const it = items[op.i] as Item;
          if (op.add) {
            if (model.includes(it)) continue; // an item is added to a memory once
            bucketAdd(j, m, 1, it);
            model = [...model, it];
          } else {
            bucketRemove(j, m, 1, it);
            model = model.filter((x) => x !== it);
          }
          expect(bucketItems(m.get(1)).map((x) => x.id)).toEqual(model.map((x) => x.id));
        }
      }),
    );
  });

  // A large bucket (more than 8 items) is a Set wrapped in an array of one, told from a small array
  // by its length: every form must give its items, its size and no lone item, through growth past
  // the limit, removal down to one item (still a large bucket) and an undo of all of it.
  it("grows past the small limit, shrinks to one item and back through undo", () => {
    const m = new KeyMap<Bucket<Item>>();
    const j = new Journal();
    for (let n = 1; n <= many.length; n++) {
      bucketAdd(j, m, 3, many[n - 1] as Item);
      const b = m.get(3) as Bucket<Item>;
      expect(bucketSize(b)).toBe(n);
      expect(bucketSingle(b)).toBe(n === 1 ? many[0] : null);
      expect(bucketItems(b).map((x) => x.id)).toEqual(many.slice(0, n).map((x) => x.id));
    }
    const full = [...bucketItems(m.get(3))];
    const j2 = new Journal();
    for (let n = many.length - 1; n >= 1; n--) {
      bucketRemove(j2, m, 3, many[n] as Item);
      const b = m.get(3) as Bucket<Item>;
      expect(bucketSize(b)).toBe(n);
      // a large bucket stays one down to its last item (no lone item to hand out)
      expect(bucketSingle(b)).toBeNull();
      expect(bucketItems(b).map((x) => x.id)).toEqual(many.slice(0, n).map((x) => x.id));
    }
    bucketRemove(j2, m, 3, many[0] as Item);
    expect(m.get(3)).toBeUndefined();
    undoJournal(j2);
    expect(bucketItems(m.get(3))).toEqual(full);
    // removing an item that is not there changes nothing, whatever the form
    const j3 = new Journal();
    bucketRemove(j3, m, 3, items[11] as Item);
    expect(j3.size).toBe(0);
    expect(bucketSize(m.get(3))).toBe(many.length);
  });
});
