// The one-datom front end (src/store/single.ts) runs a transaction of one add or retraction on an
// existing entity straight from its record. It must give exactly what the op pipeline gives: the
// same report, the same store (datoms and referrers), the same error; and inside a TxBatch, where
// it writes the batch's own index nodes in place, it must never change a store made before.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, kw, type Eid, type TxOp } from "../../src/eav/index.js";
import { TxBatch, createStore, transact, transactFacts, transactOps, type Store, type StoreOptions, type TxReport } from "../../src/store/index.js";
import { runSingle } from "../../src/store/single.js";
import { transactByOps } from "../../src/store/transact.js";
import { FRONT_END_SCHEMA, attempt, keys, sameStep, view, type Outcome } from "./outcome.js";

const RUNS = Number(process.env["STORE_PROP_RUNS"] ?? 200);

const SCHEMA = FRONT_END_SCHEMA;

const ENTITIES = 5;

function seeded(options: StoreOptions = {}): Store {
  const maps = [];
  for (let i = 0; i < ENTITIES; i++) {
    maps.push({ "x/id": `id${i}`, "x/n": i, "x/tags": i % 2 === 0 ? ["t0"] : ["t0", "t1"], "x/u": `u${i}`, ...(i > 0 ? { "x/ref": ["x/id", `id${i - 1}`], "x/refs": [["x/id", `id${i - 1}`]] } : {}) });
  }
  // an entity with one datom: retracting it empties the entity
  maps.push({ "x/tags": "lone" });
  return transact(createStore({ schema: SCHEMA, ...options }), maps).after;
}

/** Every entity's referrers, sorted: the VAE index, which `view` does not show. */
function referrers(s: Store): unknown {
  const out: unknown[] = [];
  for (let e = 1; e <= s.maxEid + 1; e++) out.push([e, s.referrers(e).map(([a, src]) => `${a} ${String(src)}`).sort()]);
  return out;
}

function fullView(o: Outcome): unknown {
  // entity maps too: they show a card-many attribute's values in the store's order
  return o.ok ? { view: view(o), referrers: referrers(o.r.after), entities: o.r.after.entities(), size: o.r.after.size } : view(o);
}

const arbEid = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: ENTITIES + 1 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(99, 0, -1, 1.5, "tmp", ["x/id", "id1"]) });
const arbValue = (a: string): fc.Arbitrary<unknown> => {
  switch (a) {
    case "x/n":
      return fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant("NaN?"));
    case "x/ref":
    case "x/refs":
    case "x/part":
      return fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: ENTITIES + 1 }) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(99, ["x/id", "id2"], "tmp", "s") });
    case "x/tags":
      return fc.constantFrom("t0", "t1", "t2", "lone");
    case "x/u":
      return fc.constantFrom("u0", "u1", "u9");
    case "x/id":
      return fc.constantFrom("id0", "id3", "id9");
    default:
      return fc.constantFrom<unknown>(1, "a", undefined);
  }
};
const arbDatom = fc.constantFrom("x/n", "x/ref", "x/refs", "x/tags", "x/u", "x/id", "x/part", "q/undeclared", "eav/transient").chain((a) => fc.tuple(arbEid, fc.constant(a), arbValue(a)));
const arbMode = fc.constantFrom("add", "retract") as fc.Arbitrary<"add" | "retract">;
/** How the one datom is written: an EAV, a triple, either in a one-entry array, an op, a keyword attribute. */
const arbShape = fc.constantFrom("eav", "[eav]", "triple", "[triple]", "op", "keyword");

function input(shape: string, e: unknown, a: string, v: unknown): unknown {
  switch (shape) {
    case "eav":
      return eav(e as Eid, a, v as never);
    case "[eav]":
      return [eav(e as Eid, a, v as never)];
    case "triple":
      return [e, a, v];
    case "keyword":
      return [[e, kw(a), v]];
    default:
      return [[e, a, v]];
  }
}

function op(mode: "add" | "retract", e: unknown, a: string, v: unknown): TxOp {
  return { kind: mode, e, a, v, path: "[0]" } as TxOp;
}

const arbOptions = fc.constantFrom<StoreOptions>({}, { typecheckMode: "enforce" }, { schemaMode: "enforce" }, { typecheckMode: "ignore" });
const arbRedundantFor = fc.option(fc.subarray(["x/n", "x/tags", "x/refs", "x/ref"]).map((a) => new Set(a)));

describe("one-datom front end", () => {
  it("gives what the op pipeline gives", () => {
    let single = 0;
    let total = 0;
    fc.assert(
      fc.property(arbOptions, fc.array(fc.tuple(arbDatom, arbMode, arbShape, arbRedundantFor), { minLength: 1, maxLength: 6 }), (options, txs) => {
        let store = seeded(options);
        for (const [[e, a, v], mode, shape, redundantFor] of txs) {
          // an op's value is not checked as a fact's is (transactOps takes ops as built): not compared
          if (shape === "op" && v === undefined) continue;
          total++;
          if (runSingle(store, e, a, v, mode, redundantFor ?? undefined, undefined) !== undefined) single++;
          const opts = redundantFor === null ? {} : { redundantFor };
          const fast = attempt(() => (shape === "op" ? transactOps(store, [op(mode, e, a, v)]) : transactFacts(store, input(shape, e, a, v), mode, opts)));
          // an op's counterpart through the op pipeline is its triple: both rejected or the same
          // outcome (an op's error has a code of its own: the op was checked, not normalised)
          const slow = attempt(() => transactByOps(store, shape === "op" ? [[e, a, v]] : input(shape, e, a, v), mode, shape === "op" ? {} : opts));
          if (shape === "op" && !fast.ok) expect(slow.ok).toBe(false);
          else expect(fullView(fast)).toEqual(fullView(slow));
          if (slow.ok) store = slow.r.after;
        }
      }),
      { numRuns: RUNS },
    );
    // the generator must reach the front end, or this compares the op pipeline with itself
    expect(single / total).toBeGreaterThan(0.2);
  });

  it("writes a batch's own nodes in place and never a store made before the batch", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbDatom, arbMode), { minLength: 1, maxLength: 12 }), (txs) => {
        const s0 = seeded();
        const before = { datoms: keys(s0.datoms()).sort(), referrers: referrers(s0) };
        const batch = new TxBatch();
        let batched = s0;
        let plain = s0;
        for (const [[e, a, v], mode] of txs) {
          const b = attempt(() => batch.transactFacts(batched, [eav(e as Eid, a, v as never)], mode));
          const p = attempt(() => transactByOps(plain, [[e, a, v]], mode));
          [batched, plain] = sameStep(b, p, [batched, plain]);
        }
        expect({ datoms: keys(batched.datoms()).sort(), referrers: referrers(batched) }).toEqual({ datoms: keys(plain.datoms()).sort(), referrers: referrers(plain) });
        expect({ datoms: keys(s0.datoms()).sort(), referrers: referrers(s0) }).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });

  it("takes plain datoms of existing entities and gives up on the rest", () => {
    const s = seeded({ typecheckMode: "enforce", schemaMode: "enforce" });
    const takes = (e: unknown, a: unknown, v: unknown, mode: "add" | "retract" = "add"): TxReport | undefined => runSingle(s, e, a, v, mode, undefined, undefined);
    // a card-many ref added and a card-one value replaced: the report's delta and the referrers
    const added = takes(2, "x/refs", 4);
    expect(keys(added!.added)).toEqual(keys([eav(2, "x/refs", 4)]));
    expect(added!.after.referrers(4)).toContainEqual(["x/refs", 2]);
    const replaced = takes(3, "x/ref", 5);
    expect(keys(replaced!.retracted)).toEqual(keys([eav(3, "x/ref", 2)]));
    expect(replaced!.after.referrers(2)).not.toContainEqual(["x/ref", 3]);
    expect(replaced!.after.referrers(5)).toContainEqual(["x/ref", 3]);
    // the last datom of an entity retracted: the entity is gone
    const emptied = takes(6, "x/tags", "lone", "retract");
    expect(emptied!.after.entity(6)).toBeUndefined();
    expect(emptied!.after.size).toBe(s.size - 1);
    // a redundant add and the retraction of an absent datom change nothing
    expect(takes(1, "x/n", 0)!.after).toBe(s);
    expect(takes(1, "x/tags", "t9", "retract")!.after).toBe(s);
    // the rest is the other front ends': unique, component, unknown eid, lookup ref, tempid,
    // undeclared, failing its type, a transaction's mode
    expect(takes(1, "x/u", "u7")).toBeUndefined();
    expect(takes(1, "x/part", 2)).toBeUndefined();
    expect(takes(99, "x/n", 1)).toBeUndefined();
    expect(takes(["x/id", "id1"], "x/n", 1)).toBeUndefined();
    expect(takes(1, "x/ref", ["x/id", "id2"])).toBeUndefined();
    expect(takes(1, "x/ref", 99)).toBeUndefined();
    expect(takes("t", "x/n", 1)).toBeUndefined();
    expect(takes(1, "q/undeclared", 1)).toBeUndefined();
    expect(takes(1, "x/n", "one")).toBeUndefined();
    // a keyword attribute means its name, as for the other front ends
    expect(keys(takes(1, kw("x/n"), 3)!.added)).toEqual(keys([eav(1, "x/n", 3)]));
    expect(runSingle(s, 1, "x/n", 1, "tx", undefined, undefined)).toBeUndefined();
    expect(runSingle(seeded({ txConflictsMode: "enforce" }), 1, "x/n", 1, "add", undefined, undefined)).toBeUndefined();
  });
});
