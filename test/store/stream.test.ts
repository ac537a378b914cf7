// The streaming front end (src/store/stream.ts) runs a transaction of card-one changes to existing
// entities entity by entity, building records, index nodes and the delta as it goes. It must give
// exactly what the op pipeline gives (report in order, store, referrers, entity maps, error), also
// when an entity is touched again later in the transaction (its net delta is computed at the end),
// and it must never change the store it started from, even when it gives up half-way.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, kw, type Eid } from "../../src/eav/index.js";
import { TxBatch, createStore, transact, transactFacts, type Store, type StoreOptions } from "../../src/store/index.js";
import { runStream } from "../../src/store/stream.js";
import { transactByOps } from "../../src/store/transact.js";
import { FRONT_END_SCHEMA, attempt, keys, sameStep, view, type Outcome } from "./outcome.js";

const RUNS = Number(process.env["STORE_PROP_RUNS"] ?? 200);

const SCHEMA = [...FRONT_END_SCHEMA, { ident: "x/s", cardinality: "one", valueType: "string" }] as const;

const ENTITIES = 5;

function seeded(options: StoreOptions = {}): Store {
  const maps = [];
  for (let i = 0; i < ENTITIES; i++) {
    maps.push({ "x/id": `id${i}`, "x/n": i, "x/tags": ["t0"], "x/u": `u${i}`, ...(i % 2 === 0 ? { "x/s": `s${i}` } : {}), ...(i > 0 ? { "x/ref": ["x/id", `id${i - 1}`] } : {}) });
  }
  maps.push({ "x/tags": "lone" });
  return transact(createStore({ schema: SCHEMA, ...options }), maps).after;
}

/** Every entity's referrers in the index's order (the order is part of what a caller sees). */
function referrers(s: Store): unknown {
  const out: unknown[] = [];
  for (let e = 1; e <= s.maxEid + 1; e++) out.push([e, s.referrers(e).map(([a, src]) => `${a} ${String(src)}`)]);
  return out;
}

function fullView(o: Outcome): unknown {
  return o.ok ? { view: view(o), referrers: referrers(o.r.after), entities: o.r.after.entities(), size: o.r.after.size } : view(o);
}

/** The attributes the front end takes, and (`rare` times in 100) one it gives up on. */
const arbAttr = (rare: number): fc.Arbitrary<string> =>
  fc.oneof({ weight: 100 - rare, arbitrary: fc.constantFrom("x/n", "x/ref", "x/s", "q/plain") }, { weight: rare, arbitrary: fc.constantFrom("x/tags", "x/u", "x/part", "x/other-id", "eav/transient") });
const arbValue = (a: string, rare: number): fc.Arbitrary<unknown> => {
  switch (a) {
    case "x/n":
      return fc.oneof({ weight: 100 - rare, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: rare, arbitrary: fc.constant("three") });
    case "x/ref":
    case "x/part":
      return fc.oneof(
        { weight: 2 * (100 - rare), arbitrary: fc.integer({ min: 1, max: ENTITIES + 1 }) },
        { weight: 100 - rare, arbitrary: fc.constantFrom<unknown>(["x/id", "id2"], ["x/id", "id0"]) },
        { weight: rare, arbitrary: fc.constantFrom<unknown>(99, ["x/id", "id9"], ["x/u", "u1"], ["x/n", 1], "tmp") },
      );
    case "x/s":
      return fc.constantFrom("s0", "s1", "s2");
    case "x/tags":
      return fc.constantFrom("t0", "t1");
    case "x/u":
      return fc.constantFrom("u0", "u7");
    case "x/other-id":
      return fc.constantFrom("o1");
    default:
      return fc.constantFrom<unknown>(1, "a", [1, 2]);
  }
};
const arbPair = (rare: number): fc.Arbitrary<[string, unknown]> => arbAttr(rare).chain((a) => fc.tuple(fc.constant(a), arbValue(a, rare)));
/** An entity map upserting by its identity (mostly one that exists), with none to three more attributes. */
const arbMap = (rare: number): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.oneof({ weight: 100 - rare, arbitrary: fc.integer({ min: 0, max: ENTITIES - 1 }).map((i) => `id${i}`) }, { weight: rare, arbitrary: fc.constant("id9") }),
      fc.array(arbPair(rare), { minLength: 0, maxLength: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.oneof({ weight: 100 - rare, arbitrary: fc.constant("plain") }, { weight: rare, arbitrary: fc.constantFrom("eid", "keyword-key", "no-identity") }),
    )
    .map(([id, pairs, at, how]) => {
      const entries: Array<[string, unknown]> = [...pairs];
      if (how !== "no-identity") entries.splice(Math.min(at, entries.length), 0, ["x/id", id]);
      if (how === "eid") entries.push(["eav/eid", "t"]);
      const map: Record<string, unknown> = {};
      for (const [a, v] of entries) map[how === "keyword-key" ? `:${a}` : a] = v;
      return map;
    });
/** An EAV or a triple on an entity (mostly an existing one). */
const arbFact = (rare: number): fc.Arbitrary<unknown> =>
  fc
    .tuple(fc.oneof({ weight: 100 - rare, arbitrary: fc.integer({ min: 1, max: ENTITIES + 1 }) }, { weight: rare, arbitrary: fc.constantFrom<unknown>(99, ["x/id", "id1"]) }), arbPair(rare), fc.constantFrom("eav", "triple", "keyword"))
    .map(([e, [a, v], shape]) => (shape === "eav" ? eav(e as Eid, a, v as never) : shape === "triple" ? [e, a, v] : [e, kw(a), v]));
const arbEntry = (rare: number): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: arbMap(rare) }, { weight: 1, arbitrary: arbFact(rare) });
const arbEntries = fc.oneof(
  { weight: 3, arbitrary: fc.array(arbEntry(8), { minLength: 1, maxLength: 8 }) },
  // past 32 entries the touched entities are kept in a bitset
  { weight: 1, arbitrary: fc.array(arbEntry(1), { minLength: 32, maxLength: 40 }) },
);
const arbOptions = fc.constantFrom<StoreOptions>({}, { typecheckMode: "enforce" }, { schemaMode: "enforce" });
const arbRedundantFor = fc.option(fc.subarray(["x/n", "x/ref", "x/id", "x/s"]).map((a) => new Set(a)));

describe("streaming front end", () => {
  it("gives what the op pipeline gives", () => {
    let streamed = 0;
    let retouched = 0;
    let total = 0;
    fc.assert(
      fc.property(arbOptions, fc.array(fc.tuple(arbEntries, arbRedundantFor, fc.constantFrom("add", "tx")), { minLength: 1, maxLength: 4 }), (options, txs) => {
        let store = seeded(options);
        for (const [entries, redundantFor, mode] of txs) {
          total++;
          const opts = redundantFor === null ? {} : { redundantFor };
          if (runStream(store, entries, mode as "add" | "tx", redundantFor ?? undefined) !== undefined) {
            streamed++;
            if (touchesTwice(store, entries)) retouched++;
          }
          const fast = attempt(() => (mode === "tx" ? transact(store, entries, opts) : transactFacts(store, entries, "add", opts)));
          const slow = attempt(() => transactByOps(store, entries, mode as "add" | "tx", opts));
          expect(fullView(fast)).toEqual(fullView(slow));
          if (slow.ok) store = slow.r.after;
        }
      }),
      { numRuns: RUNS },
    );
    // the generator must reach the front end, and its re-touch path, or this compares the op
    // pipeline with itself. Over random seeds the shares measured 0.24-0.31 and 0.12-0.16 (tenth
    // session of issue 7): the bounds are below them, and a front end no longer reached gives 0.
    expect(streamed / total).toBeGreaterThan(0.15);
    expect(retouched / total).toBeGreaterThan(0.05);
  });

  it("never changes the store it started from, inside a batch or not, when it gives up half-way too", () => {
    fc.assert(
      fc.property(fc.array(arbEntries, { minLength: 1, maxLength: 4 }), (txs) => {
        const s0 = seeded();
        const before = { datoms: keys(s0.datoms()).sort(), referrers: referrers(s0) };
        const batch = new TxBatch();
        let batched = s0;
        let plain = s0;
        for (const entries of txs) {
          const b = attempt(() => batch.transactFacts(batched, entries, "add"));
          const p = attempt(() => transactByOps(plain, entries, "add"));
          [batched, plain] = sameStep(b, p, [batched, plain]);
          // a store the stream started from reads as before after every transaction
          expect({ datoms: keys(s0.datoms()).sort(), referrers: referrers(s0) }).toEqual(before);
        }
        expect({ datoms: keys(batched.datoms()).sort(), referrers: referrers(batched) }).toEqual({ datoms: keys(plain.datoms()).sort(), referrers: referrers(plain) });
      }),
      { numRuns: RUNS },
    );
  });

  it("reports a re-touched entity's net change at its first touch", () => {
    const s = seeded();
    const r = runStream(s, [{ "x/id": "id1", "x/n": 7 }, { "x/id": "id2", "x/s": "s9" }, { "x/id": "id1", "x/n": 8, "x/s": "s8" }, { "x/id": "id3", "x/n": 3 }], "add", undefined)!;
    expect(r).toBeDefined();
    // id1 is entity 2: its amount 1 -> 7 -> 8 nets to 1 -> 8, before entity 3's change; id3's add is redundant
    expect(keys(r.retracted)).toEqual(keys([eav(2, "x/n", 1), eav(3, "x/s", "s2")]));
    expect(keys(r.added)).toEqual(keys([eav(2, "x/n", 8), eav(2, "x/s", "s8"), eav(3, "x/s", "s9")]));
    expect(keys(r.redundant)).toEqual(keys([eav(2, "x/id", "id1"), eav(3, "x/id", "id2"), eav(2, "x/id", "id1"), eav(4, "x/id", "id3"), eav(4, "x/n", 3)]).filter((k, i) => i !== 2));
    // a value changed and changed back: nothing, and the store is the one before
    const back = runStream(s, [{ "x/id": "id1", "x/n": 7 }, { "x/id": "id1", "x/n": 1 }], "add", new Set())!;
    expect(back.after).toBe(s);
    expect(back.added).toEqual([]);
  });

  it("keeps big eids apart (explicit eids go past 32 bits)", () => {
    const big = 2 ** 32 + 1;
    const s = transact(createStore({ schema: SCHEMA }), [
      // eids 1 and 2^32 + 1 have the same low 32 bits
      { "eav/eid": 1, "x/id": "a", "x/n": 0 },
      { "eav/eid": big, "x/id": "b", "x/n": 0 },
    ]).after;
    const entries = Array.from({ length: 40 }, (_, i) => ({ "x/id": i % 2 === 0 ? "a" : "b", "x/n": i }));
    const fast = attempt(() => transactFacts(s, entries, "add"));
    expect(runStream(s, entries, "add", undefined)).toBeDefined();
    // (not fullView: its referrers walk every eid up to maxEid)
    const slow = attempt(() => transactByOps(s, entries, "add"));
    expect(view(fast)).toEqual(view(slow));
    expect(fast.ok && fast.r.after.entities()).toEqual(slow.ok && slow.r.after.entities());
    expect(fast.ok && fast.r.after.entity(big)?.["x/n"]).toBe(39);
  });

  it("gives up on what it does not take", () => {
    const s = seeded({ typecheckMode: "enforce", schemaMode: "enforce" });
    const takes = (entries: unknown): boolean => runStream(s, entries, "add", undefined) !== undefined;
    expect(takes([{ "x/id": "id1", "x/n": 2 }])).toBe(true);
    expect(takes({ "x/id": "id1", "x/ref": ["x/id", "id3"] })).toBe(true);
    expect(takes([[2, "x/n", 3], eav(3, "x/s", "s5")])).toBe(true);
    // a new entity, a tempid, a second identity, unique values, card-many, components, lookup refs
    // that find nothing, unknown eids, failing checks, undeclared attributes in enforce mode
    expect(takes([{ "x/id": "id1", "x/n": 2 }, { "x/id": "new", "x/n": 2 }])).toBe(false);
    expect(takes([{ "eav/eid": "t", "x/id": "id1" }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/other-id": "o" }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/u": "u9" }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/tags": "t9" }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/part": 3 }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/ref": ["x/id", "nobody"] }])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/ref": 99 }])).toBe(false);
    expect(takes([[99, "x/n", 1]])).toBe(false);
    expect(takes([{ "x/id": "id1", "x/n": "two" }])).toBe(false);
    expect(takes([{ "x/id": "id1", "q/undeclared": 1 }])).toBe(false);
    expect(takes([{ "x/n": 1 }])).toBe(false);
    expect(runStream(s, [[2, "x/n", 1]], "retract", undefined)).toBeUndefined();
    expect(runStream(seeded({ txConflictsMode: "enforce" }), [{ "x/id": "id1", "x/n": 2 }], "add", undefined)).toBeUndefined();
  });
});

/** True when two entries of `entries` name one entity (maps by their identity value, facts by eid). */
function touchesTwice(s: Store, entries: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  for (const x of entries) {
    let e: unknown;
    if (Array.isArray(x)) e = x[0];
    else if (x !== null && typeof x === "object" && "e" in x) e = (x as { e: unknown }).e;
    else e = s.lookup("x/id", (x as Record<string, unknown>)["x/id"] as string);
    if (seen.has(e)) return true;
    seen.add(e);
  }
  return false;
}
