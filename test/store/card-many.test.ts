// Card-many slots (src/store/record.ts): one value is stored as itself, two or more as a value
// set. Every reader (entity, values, has, datoms, referrers, redundant adds, retractions of the
// attribute and of the entity) must see the same datoms through the 0 -> 1 -> 2 -> 1 -> 0
// transitions, in plain transactions and in a batch, and earlier stores must keep theirs.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { TxBatch, createStore, transact, transactFacts, transactOps, type Store } from "../../src/store/index.js";

const schema = [
  { ident: "o/tag", cardinality: "many" },
  { ident: "o/ref", cardinality: "many", valueType: "ref" },
  { ident: "o/part", cardinality: "many", valueType: "ref", isComponent: true },
  { ident: "o/n", cardinality: "one" },
] as const;

function base(): Store {
  return transact(createStore({ schema: [...schema] }), [
    { "eav/eid": 1, "o/n": 1 },
    { "eav/eid": 2, "o/n": 2 },
    { "eav/eid": 3, "o/n": 3 },
  ]).after;
}

describe("card-many slots of one value and of several", () => {
  it("read the same through 0 -> 1 -> 2 -> 1 -> 0 values", () => {
    const s0 = base();
    const s1 = transact(s0, [["db/add", 1, "o/tag", [1, 2]]]).after; // a structured lone value
    expect(s1.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1, "o/tag": [[1, 2]] });
    expect(s1.values(1, "o/tag")).toEqual([[1, 2]]);
    expect(s1.has(eav(1, "o/tag", [1, 2]))).toBe(true);
    expect(s1.has(eav(1, "o/tag", [1]))).toBe(false);
    const r2 = transact(s1, [["db/add", 1, "o/tag", "x"], ["db/add", 1, "o/tag", [1, 2]]]);
    expect(r2.added).toEqual([eav(1, "o/tag", "x")]);
    const s2 = r2.after;
    expect(new Set(s2.values(1, "o/tag"))).toEqual(new Set([[1, 2], "x"]));
    const r3 = transact(s2, [["db/retract", 1, "o/tag", [1, 2]]]);
    expect(r3.retracted).toEqual([eav(1, "o/tag", [1, 2])]);
    const s3 = r3.after;
    expect(s3.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1, "o/tag": ["x"] });
    const r4 = transact(s3, [["db/retract", 1, "o/tag", "x"], ["db/retract", 1, "o/tag", "absent"]]);
    expect(r4.retracted).toEqual([eav(1, "o/tag", "x")]);
    expect(r4.after.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1 });
    expect(r4.after.size).toBe(3);
    // earlier stores keep their datoms
    expect(s1.values(1, "o/tag")).toEqual([[1, 2]]);
    expect(s2.size).toBe(5);
    expect(s3.datoms()).toContainEqual(eav(1, "o/tag", "x"));
  });

  it("report a redundant add of a lone value and keep it", () => {
    const s1 = transact(base(), [["db/add", 1, "o/tag", "x"]]).after;
    const r = transactFacts(s1, [eav(1, "o/tag", "x")], "add");
    expect(r.redundant).toEqual([eav(1, "o/tag", "x")]);
    expect(r.after).toBe(s1);
    // removed and added back in one transaction: present before and after
    const r2 = transact(s1, [["db/retract", 1, "o/tag", "x"], ["db/add", 1, "o/tag", "x"]]);
    expect(r2.added).toEqual([]);
    expect(r2.retracted).toEqual([]);
    expect(r2.after.values(1, "o/tag")).toEqual(["x"]);
  });

  it("retract a lone value with its attribute, its entity and its ref target", () => {
    const s1 = transact(base(), [["db/add", 1, "o/ref", 2], ["db/add", 1, "o/tag", "x"], ["db/add", 1, "o/part", 3]]).after;
    expect(s1.referrers(2)).toEqual([["o/ref", 1]]);
    const byAttr = transact(s1, [["db/retract", 1, "o/tag"]]);
    expect(byAttr.retracted).toEqual([eav(1, "o/tag", "x")]);
    const byTarget = transact(s1, [["db/retractEntity", 2]]);
    expect(byTarget.retracted).toContainEqual(eav(1, "o/ref", 2));
    expect(byTarget.after.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1, "o/tag": ["x"], "o/part": [3] });
    const byEntity = transact(s1, [["db/retractEntity", 1]]);
    expect(byEntity.after.entity(3)).toBeUndefined(); // its component went with it
    expect(byEntity.after.referrers(2)).toEqual([]);
    expect(byEntity.after.size).toBe(1);
  });

  it("flip between one value and none in a batch, as a fire's transactions do", () => {
    const s0 = base();
    const batch = new TxBatch();
    let s = s0;
    for (let i = 0; i < 3; i++) {
      s = batch.transactFacts(s, [eav(1, "o/ref", 2)], "add").after;
      expect(s.values(1, "o/ref")).toEqual([2]);
      s = batch.transactFacts(s, [eav(1, "o/ref", 3)], "add").after;
      expect(new Set(s.values(1, "o/ref"))).toEqual(new Set([2, 3]));
      s = batch.transactOps(s, [{ kind: "retract", e: 1, a: "o/ref", v: 2, path: "" }]).after;
      expect(s.values(1, "o/ref")).toEqual([3]);
      s = batch.transactOps(s, [{ kind: "retract", e: 1, a: "o/ref", v: 3, path: "" }]).after;
      expect(s.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1 });
      expect(s.referrers(3)).toEqual([]);
    }
    expect(s0.size).toBe(3);
    expect(transactOps(s, [{ kind: "add", e: 1, a: "o/ref", v: 3, path: "" }]).after.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1, "o/ref": [3] });
  });

  it("add and remove a card-many attribute in the middle of an entity's attributes, keeping the order of the others", () => {
    let s = transact(base(), [{ "eav/eid": 4, "o/tag": "a", "o/n": 4 }]).after;
    s = transactOps(s, [{ kind: "add", e: 4, a: "o/ref", v: 1, path: "" }]).after;
    expect(Object.keys(s.entity(4)!)).toEqual(["eav/eid", "o/n", "o/tag", "o/ref"]);
    for (let i = 0; i < 3; i++) {
      // entity 4 loses a middle attribute, gains it back at the end, loses another middle one; entity 1 gains and loses one
      const t = transactOps(s, [{ kind: "retract", e: 4, a: "o/tag", v: "a", path: "" }]).after;
      expect(t.entity(4)).toEqual({ "eav/eid": 4, "o/n": 4, "o/ref": [1] });
      expect(Object.keys(t.entity(4)!)).toEqual(["eav/eid", "o/n", "o/ref"]);
      const u = transactOps(t, [{ kind: "add", e: 4, a: "o/tag", v: "b", path: "" }]).after;
      expect(Object.keys(u.entity(4)!)).toEqual(["eav/eid", "o/n", "o/ref", "o/tag"]);
      const w = transactOps(u, [{ kind: "retract", e: 4, a: "o/ref", v: 1, path: "" }]).after;
      expect(w.entity(4)).toEqual({ "eav/eid": 4, "o/n": 4, "o/tag": ["b"] });
      const x = transactOps(w, [{ kind: "add", e: 1, a: "o/tag", v: "c", path: "" }]).after;
      expect(x.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1, "o/tag": ["c"] });
      expect(transactOps(x, [{ kind: "retract", e: 1, a: "o/tag", v: "c", path: "" }]).after.entity(1)).toEqual({ "eav/eid": 1, "o/n": 1 });
    }
  });

  it("keep a target's referrers through one-change transactions past the flat list's size and back", () => {
    const batch = new TxBatch();
    const s0 = base();
    let s = s0;
    const sources: number[] = [];
    for (let i = 0; i < 40; i++) sources.push(10 + i);
    for (const src of sources) s = batch.transactFacts(s, [eav(src, "o/ref", 2)], "add").after;
    expect(s.referrers(2).length).toBe(40);
    expect(new Set(s.referrers(2).map(([, src]) => src))).toEqual(new Set(sources));
    for (const src of sources.slice(0, 30)) s = batch.transactOps(s, [{ kind: "retract", e: src, a: "o/ref", v: 2, path: "" }]).after;
    expect(s.referrers(2)).toEqual(sources.slice(30).map((src) => ["o/ref", src]));
    s = transactOps(s, [{ kind: "retract", e: 45, a: "o/ref", v: 2, path: "" }]).after;
    expect(s.referrers(2).map(([, src]) => src)).toEqual([40, 41, 42, 43, 44, 46, 47, 48, 49]);
    expect(s0.referrers(2)).toEqual([]);
  });
});
