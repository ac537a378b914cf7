// A transaction attempt keeps the working copy of an entity that has a record in that record's
// `scratch` (src/store/record.ts, attempt.ts `work`), marked with the attempt's serial. These tests
// hold the two rules that keep that invisible: an attempt never uses a working copy another attempt
// left behind, and every attempt clears what it left when it ends, committed or failed.
import { describe, expect, it } from "vitest";
import { isEavError } from "../../src/errors.js";
import { createStore, transact, transactFacts, type Store } from "../../src/store/index.js";
import { runDirect } from "../../src/store/direct.js";

const schema = [
  { ident: "p/id", cardinality: "one", unique: "identity" },
  { ident: "p/email", cardinality: "one", unique: "value" },
  { ident: "p/friend", cardinality: "one", valueType: "ref" },
] as const;

function people(n: number): Store {
  const maps = [];
  for (let i = 1; i <= n; i++) maps.push({ "p/id": `p${i}`, "p/name": `name ${i}`, "p/age": i });
  return transactFacts(createStore({ schema }), maps, "add").after;
}

/** The eids whose record still carries a scratch working copy. */
function withScratch(store: Store): number[] {
  const out: number[] = [];
  for (let e = 1; e <= store.indexes.maxEid; e++) if (store.indexes.eav.get(e)?.scratch !== undefined) out.push(e);
  return out;
}

describe("the working copies in records' scratch", () => {
  it("are cleared when a transaction commits, on the store before and after", () => {
    const s0 = people(20);
    const r = transactFacts(s0, [{ "p/id": "p3", "p/age": 33 }, { "p/id": "p4", "p/name": "Dee" }, { "p/id": "p3", "p/name": "Cy" }], "add");
    expect(r.after.entity(3)).toMatchObject({ "p/age": 33, "p/name": "Cy" });
    expect(withScratch(s0)).toEqual([]);
    expect(withScratch(r.after)).toEqual([]);
    // the op pipeline (list forms) too
    const r2 = transact(s0, [["db/add", 5, "p/age", 55], ["db/retract", 6, "p/age", 6], { "eav/eid": "t", "p/friend": 5 }]);
    expect(r2.after.entity(5)).toMatchObject({ "p/age": 55 });
    expect(withScratch(s0)).toEqual([]);
    expect(withScratch(r2.after)).toEqual([]);
  });

  it("are cleared when a transaction fails, and the store is unchanged", () => {
    const s0 = transactFacts(people(10), [{ "p/id": "p1", "p/email": "a@x" }], "add").after;
    let code = "";
    try {
      // p2 is touched first, then p3 takes an email p1 holds
      transactFacts(s0, [{ "p/id": "p2", "p/age": 22 }, { "p/id": "p3", "p/email": "a@x" }], "add");
    } catch (e) {
      if (isEavError(e)) code = e.code;
    }
    expect(code).toBe("store/unique-conflict");
    expect(withScratch(s0)).toEqual([]);
    expect(s0.entity(2)).toMatchObject({ "p/age": 2 });
  });

  it("are cleared when the direct front end gives up after touching entities", () => {
    const s0 = people(10);
    // the first map runs directly, the nested map makes the direct front end give up
    const r = transactFacts(s0, [{ "p/id": "p2", "p/age": 22 }, { "p/id": "p3", "p/friend": { "p/id": "p11" } }], "add");
    expect(r.after.entity(2)).toMatchObject({ "p/age": 22 });
    expect(withScratch(s0)).toEqual([]);
    expect(withScratch(r.after)).toEqual([]);
  });

  it("left behind by an attempt never committed, are not used by the next one", () => {
    const s0 = people(10);
    // an attempt that changes p2 and p3 and is dropped without its commit: its copies stay behind
    const dropped = runDirect(s0, { kind: "input", input: [{ "p/id": "p2", "p/age": 99 }, { "p/id": "p3", "p/name": "X" }], mode: "add" }, undefined);
    expect(dropped).toBeDefined();
    expect(withScratch(s0)).toEqual([2, 3]);
    // the next transaction on the same store sees the store, not the dropped attempt's changes
    const r = transactFacts(s0, [{ "p/id": "p2", "p/name": "Bo" }, { "p/id": "p3", "p/age": 30 }], "add");
    expect(r.after.entity(2)).toEqual({ "eav/eid": 2, "p/id": "p2", "p/name": "Bo", "p/age": 2 });
    expect(r.after.entity(3)).toEqual({ "eav/eid": 3, "p/id": "p3", "p/name": "name 3", "p/age": 30 });
    expect(r.added.map((d) => [d.e, d.a, d.v])).toEqual([
      [2, "p/name", "Bo"],
      [3, "p/age", 30],
    ]);
    expect(withScratch(r.after)).toEqual([]);
  });
});
