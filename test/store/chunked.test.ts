// Big transactions run in chunks of entries (about 4096 ops each, src/store/transact.ts), so that a
// load's ops die young. A chunked run must give exactly what the one-chunk reference path gives
// (`transactOps` over the whole normalised input): the same datoms, eids, tempids and report,
// including across chunk boundaries (tempids defined in one chunk and used in another, retries,
// explicit new eids met after fresh eids were handed out) and on failure (nothing changes).
import { describe, expect, it } from "vitest";
import { normalizeTx, normalizeFacts, type EAV } from "../../src/eav/index.js";
import { createStore, transact, transactFacts, transactOps, type Store, type TxReport } from "../../src/store/index.js";
import { expectCode } from "./helpers.js";

const schema = [
  { ident: "person/email", cardinality: "one", unique: "identity" },
  { ident: "person/friend", cardinality: "one", valueType: "ref" },
  { ident: "person/tags", cardinality: "many" },
  { ident: "person/address", cardinality: "one", valueType: "ref", isComponent: true },
  { ident: "address/city", cardinality: "one" },
] as const;

/**
 * `n` people (about 6 ops each) whose friend is the next one (`forward`: a tempid used as a ref
 * value before its own map) or the previous one. Upserting forward references retries once per
 * person (DataScript's retry-with-tempid), so the upsert cases refer backwards.
 */
function people(n: number, from = 0, forward = true): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = from; i < from + n; i++) {
    const person: Record<string, unknown> = {
      "eav/eid": `p${i}`,
      "person/email": `p${i}@example.com`,
      "person/friend": forward ? `p${i + 1 === from + n ? from : i + 1}` : `p${i === from ? from : i - 1}`,
      "person/tags": [`t${i % 3}`, `t${i % 5}`],
    };
    // one in four without an address (nested maps shift the map numbers of what follows)
    if (i % 4 !== 1) person["person/address"] = { "address/city": `city ${i % 7}` };
    out.push(person);
  }
  return out;
}

const lines = (datoms: readonly EAV[]): string[] => datoms.map((d) => `${String(d.e)} ${d.a} ${JSON.stringify(d.v)}`).sort();

/** The parts of two reports that must agree. */
function expectSameReport(chunked: TxReport, whole: TxReport): void {
  expect(lines(chunked.after.datoms())).toEqual(lines(whole.after.datoms()));
  expect(lines(chunked.added)).toEqual(lines(whole.added));
  expect(lines(chunked.retracted)).toEqual(lines(whole.retracted));
  expect(lines(chunked.redundant)).toEqual(lines(whole.redundant));
  expect([...chunked.tempids].sort()).toEqual([...whole.tempids].sort());
  expect(chunked.after.maxEid).toBe(whole.after.maxEid);
}

function loaded(): Store {
  return transact(createStore({ schema }), people(1500, 0, false)).after;
}

describe("transactions run in chunks", () => {
  it("load: the same datoms, eids and tempids as the one-chunk path (tempids used across chunks)", () => {
    const input = people(1500); // about 10k ops: three chunks
    const empty = createStore({ schema });
    const chunked = transact(empty, input);
    expectSameReport(chunked, transactOps(empty, normalizeTx(input, empty.schemaView)));
    // per person: email, friend, one or two tags, and an address with its city (or not)
    const size = (i: number): number => 2 + (i % 3 === i % 5 ? 1 : 2) + (i % 4 !== 1 ? 2 : 0);
    expect(chunked.after.size).toBe(Array.from({ length: 1500 }, (_, i) => size(i)).reduce((x, y) => x + y, 0));
    // the last person's friend is the first one, defined two chunks earlier
    const last = chunked.tempids.get("p1499")!;
    expect(chunked.after.entity(last)!["person/friend"]).toBe(chunked.tempids.get("p0"));
  });

  it("upserts into existing entities: the same report, redundant adds included", () => {
    const store = loaded();
    const input = people(1500, 0, false).map((m, i) => (i % 2 === 0 ? { ...m, "person/tags": ["t9"] } : m));
    expectSameReport(transactFacts(store, input, "add"), transactOps(store, normalizeFacts(input, "add", store.schemaView)));
  });

  it("retractions in chunks: the same report (component entities cascade)", () => {
    const store = loaded();
    const input = [];
    for (let i = 0; i < 3000; i++) input.push(["db/retract", ["person/email", `p${i % 1500}@example.com`], "person/tags", `t${i % 3}`]);
    for (let i = 0; i < 1500; i += 3) input.push(["db/retractEntity", ["person/email", `p${i}@example.com`]]);
    expectSameReport(transact(store, input), transactOps(store, normalizeTx(input, store.schemaView)));
  });

  it("an explicit new eid met after fresh eids were handed out: restarts in one chunk, no eid shared", () => {
    const empty = createStore({ schema });
    const input: unknown[] = people(1200);
    // in the last chunk: an explicit eid inside the range the earlier chunks' tempids got
    input.push({ "eav/eid": 5, "person/email": "explicit@example.com" });
    const chunked = transact(empty, input);
    expectSameReport(chunked, transactOps(empty, normalizeTx(input, empty.schemaView)));
    const eids = [...chunked.tempids.values()];
    expect(eids.every((e) => typeof e === "number" && e > 5)).toBe(true);
    expect(chunked.after.entity(5)).toEqual({ "eav/eid": 5, "person/email": "explicit@example.com" });
  });

  it("a tempid upserted in a later chunk than the one that handed it an eid: the retry gives the one-chunk result", () => {
    const store = transact(createStore({ schema }), [{ "person/email": "old@example.com" }]).after;
    const input: unknown[] = [{ "eav/eid": "x", "person/tags": ["first"] }, ...people(1200)];
    // the last chunk says x is the existing person: x's datoms from the first chunk move there
    input.push({ "eav/eid": "x", "person/email": "old@example.com" });
    const chunked = transact(store, input);
    expectSameReport(chunked, transactOps(store, normalizeTx(input, store.schemaView)));
    const old = store.indexes.avIdentity.get("person/email")!.get("old@example.com")!;
    expect(chunked.tempids.get("x")).toBe(old);
    expect(chunked.after.entity(old)).toEqual({ "eav/eid": old, "person/email": "old@example.com", "person/tags": ["first"] });
  });

  it("a rejected entry in a later chunk: nothing changes", () => {
    const store = loaded();
    const input: unknown[] = people(1400, 2000, false);
    // a second person claiming an existing identity's entity through a lookup ref: a conflict
    input.push({ "eav/eid": ["person/email", "p1@example.com"], "person/email": "p2@example.com" });
    const before = lines(store.datoms());
    expectCode(() => transact(store, input), "store/unique-conflict");
    expect(lines(store.datoms())).toEqual(before);
  });

  it("errors come in document order: a rejected early entry before a malformed late one", () => {
    // the one-chunk path normalises everything first and reports the malformed entry; chunks run
    // as they come, so the conflict in the first chunk is reported (this also shows chunks are used)
    const store = loaded();
    const input: unknown[] = [{ "eav/eid": ["person/email", "p1@example.com"], "person/email": "p2@example.com" }, ...people(1400, 2000, false), ["db/add"]];
    expectCode(() => transact(store, input), "store/unique-conflict");
    expectCode(() => transactOps(store, normalizeTx(input, store.schemaView)), "eav/invalid-tx");
    const small: unknown[] = [{ "eav/eid": ["person/email", "p1@example.com"], "person/email": "p2@example.com" }, ["db/add"]];
    expectCode(() => transact(store, small), "eav/invalid-tx");
  });
});
