// The direct front end (src/store/direct.ts) runs input whose entities are all known without
// normalising it into ops. It must give exactly what the op pipeline gives: the same report (net
// delta and redundant adds in the same order, tempids), the same store, the same error. Both fronts
// run every generated transaction here and are compared; the op pipeline itself is held to
// DataScript by differential.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, kw } from "../../src/eav/index.js";
import { createStore, transact, transactFacts, transactOps, type Store, type StoreOptions } from "../../src/store/index.js";
import { runDirect } from "../../src/store/direct.js";
import { transactByOps } from "../../src/store/transact.js";
import { Renderer, arbScenario, newStores, type Pairing } from "./diff-harness.js";
import { FRONT_END_SCHEMA, attempt, keys, view } from "./outcome.js";

const RUNS = Number(process.env["STORE_PROP_RUNS"] ?? 200);

function selfPairing(s: Store): Pairing {
  const p: Pairing = { ours: new Map(), theirs: new Map(), handles: [] };
  for (const e of s.entities()) p.handles.push([e["eav/eid"], 0]);
  return p;
}

// ---- a schema and transactions shaped like a session's: identity upserts, resolved EAVs --------

const SCHEMA = FRONT_END_SCHEMA;

const ENTITIES = 6;

function seeded(options: StoreOptions = {}): Store {
  const maps = [];
  for (let i = 0; i < ENTITIES; i++) maps.push({ "x/id": `id${i}`, "x/n": i, "x/tags": ["t0"], "x/u": `u${i}`, ...(i > 0 ? { "x/ref": ["x/id", `id${i - 1}`] } : {}) });
  return transact(createStore({ schema: SCHEMA, ...options }), maps).after;
}

/** Mostly existing ids and eids, sometimes missing ones, so that both fronts get their share. */
const arbId = fc.oneof({ weight: 6, arbitrary: fc.nat(ENTITIES - 1).map((i) => `id${i}`) }, { weight: 2, arbitrary: fc.constantFrom("missing", "new1", "new2") });
/** A map's identity: an id, or none at all (a new entity). */
const arbMapId = fc.oneof({ weight: 6, arbitrary: arbId }, { weight: 1, arbitrary: fc.constant("none") });
const arbEid = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: ENTITIES }) }, { weight: 1, arbitrary: fc.constantFrom(99, -1, "tmp") });
/** Literal tempids for entity maps' `eav/eid` and ref values: backward, forward and self references. */
const arbTempid = fc.constantFrom("ta", "tb", -2, "tmp");
const arbRefValue = fc.oneof(
  { weight: 4, arbitrary: arbEid },
  { weight: 2, arbitrary: arbTempid },
  { weight: 3, arbitrary: arbId.map((id) => ["x/id", id]) },
  { weight: 1, arbitrary: fc.constant(["x/n", 1]) }, // not unique: an error
  { weight: 1, arbitrary: fc.constant({ "x/n": 5 }) }, // a nested map
);
const arbAttrValue: fc.Arbitrary<readonly [string, unknown]> = fc.oneof(
  fc.tuple(fc.constant("x/n"), fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant("not a number"))),
  fc.tuple(fc.constantFrom("x/ref", "x/refs", "x/part"), arbRefValue),
  fc.tuple(fc.constant("x/tags"), fc.oneof(fc.constantFrom("t0", "t1"), fc.constant(["t1", "t2"]))),
  fc.tuple(fc.constant("x/u"), fc.constantFrom("u0", "u1", "u9")),
  fc.tuple(fc.constant("x/other-id"), fc.constantFrom("o1", "o2")),
  fc.tuple(fc.constant("q/undeclared"), fc.constantFrom(1, "a")),
  fc.tuple(fc.constant("x/id"), arbId),
  fc.tuple(fc.constant("eav/transient"), fc.constant(true)),
);

const arbEntry = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(arbMapId, fc.uniqueArray(arbAttrValue, { maxLength: 3, selector: (x) => x[0] }), fc.boolean(), fc.option(arbTempid, { freq: 3 }))
      .map(([id, avs, idFirst, tempid]) => {
        const m: Record<string, unknown> = {};
        if (tempid !== null) m["eav/eid"] = tempid;
        if (idFirst && id !== "none") m["x/id"] = id;
        for (const [a, v] of avs) m[a] = v;
        if (!idFirst && !("x/id" in m) && id !== "none") m["x/id"] = id;
        return m;
      }),
  },
  { weight: 2, arbitrary: fc.tuple(arbEid, arbAttrValue).map(([e, [a, v]]) => eav(e as number, a, v as never)) },
  { weight: 2, arbitrary: fc.tuple(arbEid, arbAttrValue, fc.boolean()).map(([e, [a, v], keyword]) => [e, keyword ? kw(a) : a, v]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("db/add", "db/retract"), arbEid, arbAttrValue).map(([op, e, [a, v]]) => [op, e, a, v]) },
);

const arbTx = fc.array(arbEntry, { minLength: 1, maxLength: 6 });
const arbRedundantFor = fc.option(fc.subarray(["x/n", "x/tags", "x/ref", "x/refs", "x/id"]).map((a) => new Set(a)));

describe("direct front end", () => {
  it("gives what the op pipeline gives on session-shaped transactions", () => {
    let direct = 0;
    let total = 0;
    // transactions with an entity map under a literal tempid that the direct front end ran
    let tempidsDirect = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(arbTx, fc.constantFrom("tx", "add", "retract") as fc.Arbitrary<"tx" | "add" | "retract">, arbRedundantFor), { minLength: 1, maxLength: 4 }), (txs) => {
        let store = seeded();
        for (const [tx, mode, redundantFor] of txs) {
          const options = redundantFor === null ? {} : { redundantFor };
          total++;
          if (runDirect(store, { kind: "input", input: tx, mode }, redundantFor ?? undefined) !== undefined) {
            direct++;
            if (tx.some((x) => typeof x === "object" && x !== null && !Array.isArray(x) && "eav/eid" in x)) tempidsDirect++;
          }
          const fast = attempt(() => (mode === "tx" ? transact(store, tx, options) : transactFacts(store, tx, mode, options)));
          const slow = attempt(() => transactByOps(store, tx, mode, options));
          expect(view(fast)).toEqual(view(slow));
          if (slow.ok) store = slow.r.after;
        }
      }),
      { numRuns: RUNS },
    );
    // the generator must reach the direct front end, or this test compares the op pipeline with itself.
    // Over random seeds the shares measured 0.08-0.16 and 0.03-0.06 (20 runs, seventh session of
    // issue 7; a bound of 0.1 failed about one run in twenty): the bounds are far enough below to
    // hold for any seed, and a generator or front end that stopped reaching it gives about 0.
    expect(direct / total).toBeGreaterThan(0.05);
    expect(tempidsDirect / total).toBeGreaterThan(0.015);
  });

  it("gives what the op pipeline gives on the differential test's transactions", () => {
    fc.assert(
      fc.property(arbScenario, ({ schema, txs }) => {
        let store = newStores(schema).store;
        for (const tx of txs) {
          const input = new Renderer(schema, selfPairing(store), [store.maxEid, 0]).ours(tx);
          const fast = attempt(() => transact(store, input));
          const slow = attempt(() => transactByOps(store, input, "tx"));
          expect(view(fast)).toEqual(view(slow));
          if (slow.ok) store = slow.r.after;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("takes identity upserts of existing entities and resolved facts, and gives up on the rest", () => {
    const s = seeded();
    const takes = (input: unknown, mode: "tx" | "add" | "retract" = "add"): boolean => runDirect(s, { kind: "input", input, mode }, undefined) !== undefined;
    expect(takes([{ "x/id": "id1", "x/n": 7 }, { "x/id": "id1", "x/ref": ["x/id", "id0"] }])).toBe(true);
    expect(takes(eav(2, "x/tags", "t9"))).toBe(true);
    expect(takes([[2, kw("x/tags"), "t9"]])).toBe(true);
    expect(takes([2, "x/n", 3], "retract")).toBe(true);
    expect(takes([["db/add", 1, "x/n", 3], ["db/retract", 2, "x/tags", "t0"]], "tx")).toBe(true);
    expect(runDirect(s, { kind: "ops", ops: [{ kind: "retract", e: 2, a: "x/n", v: 1, path: "" }] }, undefined)).toBeDefined();
    expect(takes([{ "x/id": "new", "x/n": 1 }, { "x/n": 2 }, {}])).toBe(true);
    // a map under a literal tempid, and ref values naming it after it (a load's shape)
    expect(takes([{ "eav/eid": "t", "x/id": "new", "x/n": 1 }, { "x/ref": "t" }, { "eav/eid": -2, "x/refs": "t" }])).toBe(true);
    // a forward reference, a tempid's second map, a ref to an empty map's tempid, a tempid in an
    // EAV, an explicit eid above the store's, a nested map, a card-many array, an error: the op
    // pipeline's
    expect(takes([{ "x/ref": "t" }, { "eav/eid": "t", "x/n": 1 }])).toBe(false);
    expect(takes([{ "eav/eid": "t", "x/n": 1 }, { "eav/eid": "t", "x/u": "u7" }])).toBe(false);
    expect(takes([{ "eav/eid": "t" }, { "x/ref": "t" }])).toBe(false);
    expect(takes([["t", "x/n", 1]])).toBe(false);
    expect(takes([[99, "x/n", 1]])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/part": { "x/n": 1 } }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/tags": ["a", "b"] }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/u": "u2" }])).toBe(false);
    expect(takes([["db/retractEntity", 1]], "tx")).toBe(false);
  });

  it("gives what the op pipeline gives on wide entity maps and alternating identity attributes", () => {
    // wide maps: the working entity's card-one arrays past their literal sizes (work.ts `cells`);
    // two identity attributes in turn: the identity index's cache of its last two attributes (work.ts AvWork)
    const schema = [
      { ident: "a/id", cardinality: "one", unique: "identity" },
      { ident: "b/id", cardinality: "one", unique: "identity" },
      { ident: "a/ref", cardinality: "one", valueType: "ref" },
    ] as const;
    const wide = (id: string, n: number, base: number): Record<string, unknown> => {
      const m: Record<string, unknown> = { "a/id": id };
      for (let i = 0; i < n; i++) m[`w/f${i}`] = base + i;
      return m;
    };
    let store = createStore({ schema });
    const load = [wide("a0", 12, 0), wide("a1", 9, 0), wide("a2", 3, 0), { "b/id": "b0", "w/f0": 1 }, { "b/id": "b1", "w/f0": 2 }];
    store = transactFacts(store, load, "add").after;
    const txs: unknown[][] = [
      [wide("a0", 12, 100), { "b/id": "b0", "w/f0": 5 }, wide("a1", 10, 7), { "b/id": "b1", "a/ref": ["a/id", "a2"] }, { "a/id": "a2", "a/ref": ["b/id", "b0"] }],
      [{ "b/id": "b9", "w/f1": 1 }, wide("a9", 11, 3), { "a/id": "a0", "a/ref": ["b/id", "b9"] }, { "b/id": "b0", "a/ref": ["a/id", "a9"] }],
    ];
    for (const tx of txs) {
      expect(runDirect(store, { kind: "input", input: tx, mode: "add" }, undefined)).toBeDefined();
      const fast = attempt(() => transactFacts(store, tx, "add"));
      const slow = attempt(() => transactByOps(store, tx, "add"));
      expect(view(fast)).toEqual(view(slow));
      if (!slow.ok) throw new Error("the transaction failed");
      store = slow.r.after;
    }
    expect(store.entity(store.lookup("a/id", "a0")!)?.["w/f11"]).toBe(111);
    expect(store.entity(store.lookup("a/id", "a0")!)?.["a/ref"]).toBe(store.lookup("b/id", "b9"));
    expect(store.entity(store.lookup("b/id", "b0")!)?.["a/ref"]).toBe(store.lookup("a/id", "a9"));
  });

  it("leaves warnings and conflict checks to the op pipeline", () => {
    const warnings: unknown[] = [];
    const s = seeded({ typecheckMode: "warn", onWarning: (w) => warnings.push(w) });
    expect(runDirect(s, { kind: "input", input: [{ "x/id": "id1", "x/n": "seven" }], mode: "add" }, undefined)).toBeUndefined();
    const r = transactFacts(s, [{ "x/id": "id1", "x/n": "seven" }], "add");
    expect(r.added).toEqual([eav(2, "x/n", "seven")]);
    expect(warnings).toHaveLength(1);
    expect(String((warnings[0] as { message: string }).message)).toContain("[0]");
    const strict = seeded({ txConflictsMode: "enforce" });
    expect(runDirect(strict, { kind: "input", input: [{ "x/id": "id1", "x/n": 1 }], mode: "add" }, undefined)).toBeUndefined();
  });

  it("reports an error with the op pipeline's path, and changes nothing", () => {
    const s = seeded({ typecheckMode: "enforce" });
    const before = keys(s.datoms()).sort();
    const o = attempt(() => transactFacts(s, [{ "x/id": "id1", "x/n": 2 }, { "x/id": "id2", "x/n": "two" }], "add"));
    expect(o.ok).toBe(false);
    expect(o.ok ? "" : o.message).toContain("[1]");
    expect(keys(s.datoms()).sort()).toEqual(before);
    expect(transactOps(s, [{ kind: "add", e: 1, a: "x/n", v: 5, path: "" }]).added).toEqual([eav(1, "x/n", 5)]);
  });
});
