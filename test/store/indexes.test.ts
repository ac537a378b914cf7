// The unique-value indexes past their small sizes: the AV maps rebuild their base once the
// changes since the last build outgrow an eighth of it, which the differential test's small stores
// never reach. Lookups, upserts and retractions are checked against a plain model over hundreds of
// transactions, and every earlier store must keep answering as it did (stores are values).
import { describe, expect, it } from "vitest";
import { kw, type Keyword } from "../../src/eav/index.js";
import { createStore, transact, type Store } from "../../src/store/index.js";

const schema = [
  { ident: "item/code", cardinality: "one", unique: "identity" },
  { ident: "item/tag", cardinality: "one", unique: "value" },
  { ident: "item/n", cardinality: "one" },
] as const;

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
}

/** How a test writes its unique values: `code(i)`, `tag(i)` and a moved tag `moved(tx)`. */
interface Values {
  readonly code: (i: number) => string | number;
  readonly tag: (i: number) => string | number;
  readonly moved: (tx: number) => string | number;
}

// integer values in [0, 2^24) live in a trie by value, others in a Map with an overlay: both
// sides, and values that look like integers but are not held by the trie (negative, fractional,
// past 2^24), in one index
const mixed = (i: number): string | number => [`s${i}`, i, -i - 1, i + 0.5, 2 ** 24 + i, 2 ** 24 - 1 - i][i % 6]!;

describe("unique-value indexes under churn", () => {
  it.each<[string, Values]>([
    ["string values", { code: (i) => `c${i}`, tag: (i) => `t${i}`, moved: (tx) => `u${tx}` }],
    ["integer values (the trie)", { code: (i) => i * 3, tag: (i) => 1_000_000 + i, moved: (tx) => 5_000_000 + tx }],
    ["mixed values", { code: mixed, tag: (i) => mixed(i + 100_000), moved: (tx) => mixed(tx + 200_000) }],
  ])("%s: lookups answer like a plain model through rebuilds, and earlier stores keep their answers", (_, val) => {
    const next = rng(7);
    let store: Store = createStore({ schema });
    // model: code -> eid and tag -> eid; eid -> [code, tag]
    const byCode = new Map<string | number, number>();
    const byTag = new Map<string | number, number>();
    const ofEid = new Map<number, { code: string | number; tag: string | number }>();
    const snapshots: Array<{ store: Store; codes: ReadonlyArray<readonly [string | number, number | undefined]> }> = [];
    let fresh = 0;
    for (let tx = 0; tx < 300; tx++) {
      const r = next() % 10;
      if (r < 4 || ofEid.size < 20) {
        // a batch of new items (crosses the rebuild threshold early on)
        const maps = [];
        for (let i = 0; i < 1 + (next() % 40); i++) {
          fresh++;
          maps.push({ "item/code": val.code(fresh), "item/tag": val.tag(fresh), "item/n": fresh });
        }
        const report = transact(store, maps);
        store = report.after;
        for (const m of maps) {
          const eid = store.lookup("item/code", m["item/code"]) as number;
          byCode.set(m["item/code"], eid);
          byTag.set(m["item/tag"], eid);
          ofEid.set(eid, { code: m["item/code"], tag: m["item/tag"] });
        }
      } else if (r < 7) {
        // retract a few entities: their unique values are freed
        const eids = [...ofEid.keys()];
        const victims = new Set<number>();
        for (let i = 0; i < 1 + (next() % 8); i++) victims.add(eids[next() % eids.length]!);
        store = transact(store, [...victims].map((e) => ["db/retractEntity", e])).after;
        for (const e of victims) {
          const { code, tag } = ofEid.get(e)!;
          byCode.delete(code);
          byTag.delete(tag);
          ofEid.delete(e);
        }
      } else {
        // upsert by identity, moving the unique tag to a new value
        const eids = [...ofEid.keys()];
        const e = eids[next() % eids.length]!;
        const { code, tag } = ofEid.get(e)!;
        const newTag = val.moved(tx);
        store = transact(store, [{ "item/code": code, "item/tag": newTag }]).after;
        expect(store.lookup("item/code", code)).toBe(e);
        byTag.delete(tag);
        byTag.set(newTag, e);
        ofEid.set(e, { code, tag: newTag });
      }
      if (tx % 25 === 0) snapshots.push({ store, codes: [...[...byCode].slice(0, 50), [val.code(0), undefined] as const] });
    }
    expect(byCode.size).toBeGreaterThan(200);
    for (const [code, eid] of byCode) expect(store.lookup("item/code", code)).toBe(eid);
    for (const [tag, eid] of byTag) expect(store.lookup("item/tag", tag)).toBe(eid);
    for (let i = 1; i <= fresh; i++) {
      if (!byCode.has(val.code(i))) expect(store.lookup("item/code", val.code(i))).toBeUndefined();
      if (!byTag.has(val.tag(i))) expect(store.lookup("item/tag", val.tag(i))).toBeUndefined();
    }
    for (const { store: s, codes } of snapshots) for (const [code, eid] of codes) expect(s.lookup("item/code", code)).toBe(eid);
    // a freed identity value is free again: a new entity may take it
    const freed = [...Array(fresh).keys()].map((i) => val.code(i + 1)).find((c) => !byCode.has(c))!;
    const report = transact(store, [{ "eav/eid": "x", "item/code": freed }]);
    expect(report.after.lookup("item/code", freed)).toBe(report.tempids.get("x"));
  });
});

describe("the entity index under churn", () => {
  // the EAV and VAE indexes are persistent 64-way tries over numeric eids below 2^24 (a batch
  // writes in place only the nodes it made) and a Map for the other eids: hundreds of small and a
  // few large transactions, with keyword entities beside the numeric ones, and eids on the
  // trie's level boundaries and past its limit
  const dense = [...Array(400).keys()].map((i) => i + 1);
  const edges = [1, 63, 64, 65, 4095, 4096, 4097, 262_143, 262_144, 2 ** 24 - 1, 2 ** 24, 2 ** 24 + 5, 2 ** 40];
  it.each([
    ["dense eids", dense, 11],
    ["dense eids and level boundaries", [...dense.slice(0, 100), ...edges], 12],
    ["boundaries only (the trie grows from one leaf)", edges, 13],
  ])("%s: answers like a plain model, and earlier stores keep their datoms", (_, eids, seed) => {
    const next = rng(seed);
    const sch = [
      { ident: "e/n", cardinality: "one" },
      { ident: "e/tags", cardinality: "many" },
    ] as const;
    let store: Store = createStore({ schema: sch });
    const model = new Map<string, string>(); // "e|a|v" keys
    const key = (e: unknown, a: string, v: unknown): string => `${String(e)}|${a}|${String(v)}`;
    const snapshots: Array<{ store: Store; datoms: string[] }> = [];
    const pool: Array<number | Keyword> = [...eids, kw("k1"), kw("k2"), kw("k3")];
    for (let tx = 0; tx < 400; tx++) {
      const size = next() % 20 === 0 ? 150 + (next() % 200) : 1 + (next() % 4);
      const ops: unknown[] = [];
      const touched = new Set<string>();
      for (let i = 0; i < size; i++) {
        const e = pool[next() % pool.length]!;
        const r = next() % 10;
        if (r < 4) {
          const v = next() % 5;
          if (touched.has(key(e, "e/n", ""))) continue;
          touched.add(key(e, "e/n", ""));
          ops.push(["db/add", e, "e/n", v]);
          for (const k of [...model.keys()]) if (k.startsWith(`${String(e)}|e/n|`)) model.delete(k);
          model.set(key(e, "e/n", v), "");
        } else if (r < 7) {
          const v = `t${next() % 4}`;
          if (touched.has(key(e, "e/tags", v))) continue;
          touched.add(key(e, "e/tags", v));
          ops.push(["db/add", e, "e/tags", v]);
          model.set(key(e, "e/tags", v), "");
        } else if (r < 9) {
          const v = `t${next() % 4}`;
          if (touched.has(key(e, "e/tags", v))) continue;
          touched.add(key(e, "e/tags", v));
          ops.push(["db/retract", e, "e/tags", v]);
          model.delete(key(e, "e/tags", v));
        } else {
          if (touched.has(`${String(e)}|*`) || touched.size > 0) continue;
          touched.add(`${String(e)}|*`);
          ops.push(["db/retractEntity", e]);
          for (const k of [...model.keys()]) if (k.startsWith(`${String(e)}|`)) model.delete(k);
        }
      }
      if (ops.length === 0) continue;
      store = transact(store, ops).after;
      const actual = [...store.datoms()].map((d) => key(d.e, d.a, d.v)).sort();
      expect(actual).toEqual([...model.keys()].sort());
      if (tx % 40 === 0) snapshots.push({ store, datoms: actual });
    }
    for (const s of snapshots) expect([...s.store.datoms()].map((d) => key(d.e, d.a, d.v)).sort()).toEqual(s.datoms);
    // numeric entities come out in ascending order, keywords after them
    const order = [...store.entities()].map((m) => m["eav/eid"]);
    const numbers = order.filter((e): e is number => typeof e === "number");
    expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
    expect(order.slice(numbers.length).every((e) => typeof e !== "number")).toBe(true);
  });
});
