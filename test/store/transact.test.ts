// Table-driven tests of the store's transaction semantics, one table row per rule of
// /work/shared/reference/store-semantics.md (case ids R01-R25 in the row names).
import { describe, expect, it } from "vitest";
import { kw, normalizeTx } from "../../src/eav/index.js";
import { createStore, transact, transactFacts, transactOps } from "../../src/store/index.js";
import { SCHEMA, expectCode, lines, state, storeWith, tempids } from "./helpers.js";

const ANN = { "eav/eid": "ann", "person/email": "ann@x", "person/name": "Ann" };
const BOB = { "eav/eid": "bob", "person/email": "bob@x", "person/name": "Bob" };

interface Row {
  readonly setup: readonly unknown[];
  readonly tx: unknown;
  readonly added?: readonly string[];
  readonly retracted?: readonly string[];
  readonly redundant?: readonly string[];
  readonly state?: readonly string[];
  readonly tempids?: Readonly<Record<string, unknown>>;
}

const rows: ReadonlyArray<readonly [string, Row]> = [
  ["R01 card-one add replaces the old value", {
    setup: [[ANN]], tx: [["db/add", 1, "person/name", "Annie"]],
    added: ['1 person/name "Annie"'], retracted: ['1 person/name "Ann"'],
    state: ['1 person/email "ann@x"', '1 person/name "Annie"'],
  }],
  ["R01 card-one ref replaced: the old target is untouched", {
    setup: [[ANN, BOB, ["db/add", 1, "person/friend", 2]]], tx: [["db/add", 1, "person/friend", 1]],
    added: ["1 person/friend 1"], retracted: ["1 person/friend 2"],
  }],
  ["R01 card-one component replaced: no cascade, the old component stays", {
    setup: [[{ ...ANN, "person/address": { "address/city": "Oslo" } }]], tx: [{ "eav/eid": 1, "person/address": { "address/city": "Rome" } }],
    added: ['1 person/address 3', '3 address/city "Rome"'], retracted: ["1 person/address 2"],
    state: ['1 person/address 3', '1 person/email "ann@x"', '1 person/name "Ann"', '2 address/city "Oslo"', '3 address/city "Rome"'],
  }],
  ["R02 two card-one values in one tx: the last wins, net delta only", {
    setup: [[ANN]], tx: [["db/add", 1, "person/name", "A1"], ["db/add", 1, "person/name", "A2"]],
    added: ['1 person/name "A2"'], retracted: ['1 person/name "Ann"'],
  }],
  ["R02 back to the original value within one tx: nothing changes", {
    setup: [[ANN]], tx: [["db/add", 1, "person/name", "A1"], ["db/add", 1, "person/name", "Ann"]],
    added: [], retracted: [],
  }],
  ["R03 card-many: an array adds several values, a scalar one", {
    setup: [[ANN]], tx: [{ "eav/eid": 1, "person/tags": ["a", "b"] }, ["db/add", 1, "person/tags", "c"]],
    added: ['1 person/tags "a"', '1 person/tags "b"', '1 person/tags "c"'], retracted: [],
  }],
  ["R03 card-many: adding never replaces, retract removes one value", {
    setup: [[{ ...ANN, "person/tags": ["a", "b"] }]], tx: [["db/add", 1, "person/tags", "c"], ["db/retract", 1, "person/tags", "a"]],
    added: ['1 person/tags "c"'], retracted: ['1 person/tags "a"'],
  }],
  ["R04 re-adding an identical datom is redundant", {
    setup: [[{ ...ANN, "person/tags": ["a"] }]], tx: [["db/add", 1, "person/name", "Ann"], ["db/add", 1, "person/tags", "a"]],
    added: [], retracted: [], redundant: ['1 person/name "Ann"', '1 person/tags "a"'],
  }],
  ["R05 retracting an absent datom, a wrong card-one value or a missing entity is a no-op", {
    setup: [[ANN]],
    tx: [["db/retract", 1, "person/name", "Bob"], ["db/retract", 1, "person/tags", "x"], ["db/retractEntity", 99], ["db/retract", ["person/email", "nobody"], "person/name", "x"], ["db/retractEntity", ["person/email", "nobody"]]],
    added: [], retracted: [], state: ['1 person/email "ann@x"', '1 person/name "Ann"'],
  }],
  ["R07 identity upsert through an entity map without eav/eid", {
    setup: [[ANN]], tx: [{ "person/email": "ann@x", "person/age": 40 }],
    added: ["1 person/age 40"], retracted: [], redundant: ['1 person/email "ann@x"'], tempids: {},
  }],
  ["R07 identity upsert of a tempid, identity written after another attribute (order-independent)", {
    setup: [[ANN]], tx: [["db/add", -1, "person/age", 40], ["db/add", -1, "person/email", "ann@x"]],
    added: ["1 person/age 40"], tempids: { "-1": 1 },
  }],
  ["R07 upsert through a card-many identity attribute", {
    setup: [[{ ...ANN, "person/aliases": ["annie", "a"] }]], tx: [{ "eav/eid": "t", "person/aliases": "annie", "person/age": 3 }],
    added: ["1 person/age 3"], tempids: { t: 1 },
  }],
  ["R08 two tempids with one identity value merge; the last card-one value wins", {
    setup: [], tx: [["db/add", -1, "person/email", "c@x"], ["db/add", -1, "person/name", "C1"], ["db/add", "c", "person/email", "c@x"], ["db/add", "c", "person/name", "C2"]],
    state: ['1 person/email "c@x"', '1 person/name "C2"'], tempids: { "-1": 1, c: 1 },
  }],
  ["R10 re-asserting one's own unique value is redundant", {
    setup: [[{ ...ANN, "person/handle": "@ann" }]], tx: [["db/add", 1, "person/handle", "@ann"]],
    added: [], redundant: ['1 person/handle "@ann"'],
  }],
  ["R10 a unique value can move when it is retracted first", {
    setup: [[{ ...ANN, "person/handle": "@a" }, BOB]], tx: [["db/retract", 1, "person/handle", "@a"], ["db/add", 2, "person/handle", "@a"]],
    added: ['2 person/handle "@a"'], retracted: ['1 person/handle "@a"'],
  }],
  ["R11 a ref tempid resolves forward to an entity defined later", {
    setup: [], tx: [["db/add", "a", "person/friend", "b"], ["db/add", "a", "person/name", "A"], ["db/add", "b", "person/name", "B"]],
    // as in DataScript, the ref value's tempid is resolved before the entity's: b gets 1, a 2
    state: ['2 person/name "A"', '1 person/name "B"', "2 person/friend 1"], tempids: { a: 2, b: 1 },
  }],
  ["R11 card-many refs with tempids in an entity map", {
    setup: [], tx: [{ "eav/eid": "a", "person/friends": ["b", "c"] }, { "eav/eid": "b", "person/name": "B" }, { "eav/eid": "c", "person/name": "C" }],
    // an entity map without identity attributes gets its eid when the map starts
    state: ['1 person/friends 2', '1 person/friends 3', '2 person/name "B"', '3 person/name "C"'], tempids: { a: 1, b: 2, c: 3 },
  }],
  ["R11 a dangling ref to a fixed eid is accepted", {
    setup: [], tx: [["db/add", 1, "person/friend", 999]], state: ["1 person/friend 999"],
  }],
  ["R13 a ref tempid seen before its entity upserts ends at the existing entity", {
    setup: [[ANN]], tx: [{ "person/name": "Zed", "person/friend": "a" }, { "eav/eid": "a", "person/email": "ann@x" }],
    added: ["2 person/friend 1", '2 person/name "Zed"'], tempids: { a: 1 },
  }],
  ["R14 nested maps become entities (card-one and card-many, non-component too)", {
    setup: [], tx: [{ "eav/eid": "a", "person/name": "A", "person/friend": { "person/name": "F" }, "person/pets": [{ "pet/name": "Rex" }, { "pet/name": "Tom" }] }],
    state: ['1 person/friend 2', '1 person/name "A"', '1 person/pets 3', '1 person/pets 4', '2 person/name "F"', '3 pet/name "Rex"', '4 pet/name "Tom"'],
    tempids: { a: 1 },
  }],
  ["R14 a nested map with an identity attribute upserts", {
    setup: [[BOB]], tx: [{ "eav/eid": "a", "person/name": "A", "person/friend": { "person/email": "bob@x", "person/age": 5 } }],
    added: ['2 person/friend 1', '2 person/name "A"', "1 person/age 5"].sort(), tempids: { a: 2 },
  }],
  ["R15 lookup refs in e, in eav/eid and in ref values", {
    setup: [[ANN, BOB]],
    tx: [["db/add", ["person/email", "ann@x"], "person/age", 1], { "eav/eid": ["person/email", "bob@x"], "person/friend": ["person/email", "ann@x"] }],
    added: ["1 person/age 1", "2 person/friend 1"],
  }],
  ["R15 a lookup ref through a unique-value attribute", {
    setup: [[{ ...ANN, "person/handle": "@a" }]], tx: [["db/add", ["person/handle", "@a"], "person/age", 2]], added: ["1 person/age 2"],
  }],
  ["R16 retractEntity removes the entity, refs to it, and its components recursively", {
    setup: [[{ ...ANN, "person/address": { "address/city": "Oslo", "address/geo": { "geo/lat": 59 } }, "person/pets": [{ "pet/name": "Rex" }] }, { ...BOB, "person/friend": "ann", "person/friends": ["ann"] }]],
    tx: [["db/retractEntity", 1]],
    state: ['5 person/email "bob@x"', '5 person/name "Bob"'],
  }],
  ["R16 retracting a component child only removes the parent's ref", {
    setup: [[{ ...ANN, "person/address": { "address/city": "Oslo" } }]], tx: [["db/retractEntity", 2]],
    state: ['1 person/email "ann@x"', '1 person/name "Ann"'], retracted: ['1 person/address 2', '2 address/city "Oslo"'],
  }],
  ["R16 retracting a component ref datom does not cascade", {
    setup: [[{ ...ANN, "person/address": { "address/city": "Oslo" } }]], tx: [["db/retract", 1, "person/address", 2]],
    retracted: ["1 person/address 2"], state: ['1 person/email "ann@x"', '1 person/name "Ann"', '2 address/city "Oslo"'],
  }],
  ["R17 retract of an attribute: every value, components cascade", {
    setup: [[{ ...ANN, "person/tags": ["a", "b"], "person/pets": [{ "pet/name": "Rex" }, { "pet/name": "Tom" }] }]],
    tx: [["db/retract", 1, "person/tags"], ["db.fn/retractAttribute", 1, "person/pets"]],
    state: ['1 person/email "ann@x"', '1 person/name "Ann"'],
  }],
  ["R18 a new eid never collides with an explicit eid written later in the tx", {
    setup: [], tx: [["db/add", "t", "person/name", "T"], ["db/add", 1, "person/name", "One"], ["db/add", 2, "person/name", "Two"]],
    state: ['1 person/name "One"', '2 person/name "Two"', '3 person/name "T"'], tempids: { t: 3 },
  }],
  ["R18 a new eid never reuses an eid of the store, even a retracted one", {
    setup: [[ANN], [["db/retractEntity", 1]]], tx: [{ "eav/eid": -1, "person/name": "New" }],
    state: ['2 person/name "New"'], tempids: { "-1": 2 },
  }],
  ["R18 a dangling ref target counts as used", {
    setup: [[["db/add", 1, "person/friend", 7]]], tx: [{ "eav/eid": -1, "person/name": "New" }], tempids: { "-1": 8 },
  }],
  ["R19 every literal tempid is reported: new, upserted, merged, string and negative", {
    setup: [[ANN]], tx: [["db/add", -1, "person/email", "ann@x"], ["db/add", "x", "person/email", "ann@x"], { "eav/eid": -2, "person/name": "N" }, { "person/name": "generated" }],
    tempids: { "-1": 1, x: 1, "-2": 2 },
  }],
  ["R21 add then retract of one datom: absent; retract then add: present", {
    setup: [[ANN]], tx: [["db/add", 1, "person/tags", "t"], ["db/retract", 1, "person/tags", "t"], ["db/retract", 1, "person/name", "Ann"], ["db/add", 1, "person/name", "Ann"]],
    added: [], retracted: [],
  }],
  ["R20 retractEntity then add: the entity keeps only the new datom", {
    setup: [[ANN]], tx: [["db/retractEntity", 1], ["db/add", 1, "person/age", 3]],
    state: ["1 person/age 3"],
  }],
];

describe("transact: DataScript semantics, rule by rule", () => {
  it.each(rows)("%s", (_name, row) => {
    const before = storeWith(row.setup);
    const r = transact(before, row.tx);
    expect(r.before).toBe(before);
    if (row.added !== undefined) expect(lines(r.added)).toEqual([...row.added].sort());
    if (row.retracted !== undefined) expect(lines(r.retracted)).toEqual([...row.retracted].sort());
    if (row.redundant !== undefined) expect(lines(r.redundant)).toEqual([...row.redundant].sort());
    if (row.state !== undefined) expect(state(r.after)).toEqual([...row.state].sort());
    if (row.tempids !== undefined) expect(tempids(r)).toEqual(row.tempids);
    expect(r.after.size).toBe(r.after.datoms().length);
  });
});

const errorRows: ReadonlyArray<readonly [string, readonly unknown[], unknown, string, Readonly<Record<string, unknown>>]> = [
  ["R06 tempid in db/retract", [[ANN]], [["db/retract", -1, "person/name", "Ann"]], "store/tempid-in-retract", { tempid: -1, path: "[0]" }],
  ["R06 tempid in retract of an attribute", [], [["db/retract", "t", "person/name"]], "store/tempid-in-retract", { tempid: "t" }],
  ["R06 tempid in retractEntity", [], [["db/add", 1, "x/y", 1], ["db/retractEntity", "t"]], "store/tempid-in-retract", { tempid: "t", path: "[1]" }],
  ["R09 a map whose identity values name two entities", [[ANN, { ...BOB, "person/aliases": ["b"] }]], [{ "person/email": "ann@x", "person/aliases": "b" }], "store/unique-conflict", {}],
  ["R09 two identity values of two entities through one tempid", [[ANN, BOB]], [["db/add", -1, "person/email", "ann@x"], ["db/add", -1, "person/email", "bob@x"]], "store/unique-conflict", { tempid: -1, eids: [2, 1] }],
  ["R09 an explicit eid taking another entity's identity value", [[ANN, BOB]], [["db/add", 2, "person/email", "ann@x"]], "store/unique-conflict", { attribute: "person/email", value: "ann@x", eids: [2, 1] }],
  ["R09 an entity map with eav/eid whose identity value belongs to another entity", [[ANN, BOB]], [{ "eav/eid": 2, "person/email": "ann@x" }], "store/unique-conflict", { eids: [2, 1] }],
  ["R10 a unique value held by another entity", [[{ ...ANN, "person/handle": "@a" }]], [{ "person/name": "Z", "person/handle": "@a" }], "store/unique-conflict", { attribute: "person/handle", value: "@a" }],
  ["R10 a unique value asserted twice in one tx", [], [{ "person/handle": "@h" }, { "person/handle": "@h" }], "store/unique-conflict", { attribute: "person/handle", path: '[1]["person/handle"]' }],
  ["R10 a swap of unique values fails (order decides)", [[{ ...ANN, "person/handle": "@a" }, { ...BOB, "person/handle": "@b" }]], [["db/add", 1, "person/handle", "@b"], ["db/add", 2, "person/handle", "@a"]], "store/unique-conflict", {}],
  ["R12 a tempid used only as a ref value", [], [["db/add", 1, "person/friend", "ghost"]], "store/tempid-only-as-value", { tempids: ["ghost"] }],
  ["R12 an empty nested map defines no entity", [], [{ "person/name": "A", "person/friend": {} }], "store/tempid-only-as-value", {}],
  ["R15 a lookup ref on an attribute that is not unique", [[ANN]], [["db/add", ["person/name", "Ann"], "person/age", 1]], "store/lookup-ref-attr-not-unique", { attribute: "person/name" }],
  ["R15 an unresolved lookup ref in an add", [], [["db/add", ["person/email", "nobody"], "person/age", 1]], "store/entity-not-found", { attribute: "person/email", value: "nobody" }],
  ["R15 an unresolved lookup ref as a ref value", [[ANN]], [["db/add", 1, "person/friend", ["person/email", "nobody"]]], "store/entity-not-found", {}],
  ["R15 an unresolved lookup ref as a ref value in a retraction", [[ANN]], [["db/retract", 1, "person/friend", ["person/email", "nobody"]]], "store/entity-not-found", {}],
  ["a ref value that is no entity id", [], [["db/add", 1, "person/friend", 1.5]], "store/invalid-eid", { attribute: "person/friend", value: 1.5 }],
];

describe("transact: rejected transactions", () => {
  it.each(errorRows)("%s", (_name, setup, tx, code, data) => {
    const before = storeWith(setup);
    const snapshot = state(before);
    const maxEid = before.maxEid;
    const e = expectCode(() => transact(before, tx), code);
    expect(e.data).toMatchObject(data);
    // R23: nothing changed, the eid counter included
    expect(state(before)).toEqual(snapshot);
    expect(before.maxEid).toBe(maxEid);
  });

  it("names the offending values in the message", () => {
    const s = storeWith([[ANN, BOB]]);
    const e = expectCode(() => transact(s, [["db/add", 2, "person/email", "ann@x"]]), "store/unique-conflict");
    expect(e.message).toContain("ann@x");
    expect(e.message).toContain("person/email");
    expect(e.message).toContain("[0]");
  });

  it("R23 a failed tx does not advance the eid counter", () => {
    const s = storeWith([[ANN]]);
    expectCode(() => transact(s, [{ "eav/eid": "n", "person/name": "N" }, ["db/add", 1, "person/friend", "ghost"]]), "store/tempid-only-as-value");
    expect(tempids(transact(s, [{ "eav/eid": "n", "person/name": "N" }]))).toEqual({ n: 2 });
  });

  it.each([
    [{ kind: "upsert", e: 1, a: "a/b", v: 1, path: "[0]" }],
    [{ kind: "add", e: 0, a: "a/b", v: 1, path: "[0]" }],
    [{ kind: "add", e: 1, a: "eav/eid", v: 1, path: "[0]" }],
    [{ kind: "retractEntity", e: 1.5, path: "[3]" }],
  ])("transactOps rejects a hand-built op %j with store/invalid-tx", (op) => {
    const e = expectCode(() => transactOps(createStore(), [op as never]), "store/invalid-tx");
    expect(e.data).toMatchObject({ path: op.path });
  });

  it("transactOps applies normalised ops", () => {
    const r = transactOps(createStore(), [{ kind: "add", e: "t", a: "a/b", v: 1, path: "[0]" }, { kind: "add", e: 9, a: "a/c", v: 2, path: "[1]" }]);
    expect(state(r.after)).toEqual(["10 a/b 1", "9 a/c 2"]);
  });

  it("transactOps keeps the entity maps of separately normalised batches apart", () => {
    const s = storeWith([]);
    const a = normalizeTx([{ "eav/eid": "x", "person/name": "X", "person/friend": { "person/name": "FX" } }], s.schemaView);
    const b = normalizeTx([{ "eav/eid": "y", "person/name": "Y", "person/friend": { "person/name": "FY" } }, { "person/name": "Z" }], s.schemaView);
    const r = transactOps(s, [...a, ...b]);
    const friendName = (t: string) => r.after.entity(r.after.values(r.tempids.get(t)!, "person/friend")[0] as number)?.["person/name"];
    expect([friendName("x"), friendName("y")]).toEqual(["FX", "FY"]);
    expect(r.after.entities()).toHaveLength(5);
  });

  it("malformed input fails in normalisation with its path", () => {
    expectCode(() => transact(createStore(), [["db/add", 1, "person/name"]]), "eav/invalid-tx");
  });
});

describe("transient facts (R22)", () => {
  it("are reported with tempids resolved and never stored", () => {
    const s = storeWith([[ANN]]);
    const r = transact(s, [["db/add", "t", "eav/transient", "ping"], ["db/add", "t", "person/name", "T"], ["db/add", 1, "eav/transient", "pong"]]);
    expect(lines(r.transients)).toEqual(['1 eav/transient "pong"', '2 eav/transient "ping"']);
    expect(tempids(r)).toEqual({ t: 2 });
    expect(state(r.after)).toEqual(['1 person/email "ann@x"', '1 person/name "Ann"', '2 person/name "T"']);
    expect(lines(r.added)).toEqual(['2 person/name "T"']);
  });

  it("a tempid used only in transients still gets an eid", () => {
    const r = transact(storeWith([]), [["db/add", -7, "eav/transient", true]]);
    expect(tempids(r)).toEqual({ "-7": 1 });
    expect(r.after.size).toBe(0);
  });
});

describe("keyword eids (named entities)", () => {
  const global = kw("global");
  it("work in list forms, entity maps, ref values, lookups and retractions", () => {
    let s = storeWith([]);
    s = transact(s, [["db/add", global, "person/name", "G"], { "eav/eid": global, "person/tags": ["x", "y"], "person/email": "g@x" }]).after;
    s = transact(s, [{ "eav/eid": "a", "person/name": "A", "person/friend": global, "person/friends": [global] }]).after;
    expect(s.entity(global)).toEqual({ "eav/eid": global, "person/name": "G", "person/tags": ["x", "y"], "person/email": "g@x" });
    expect(s.lookup("person/email", "g@x")).toBe(global);
    expect(s.referrers(global)).toEqual([["person/friend", 1], ["person/friends", 1]]);
    // a keyword eid does not move the numeric counter
    expect(s.maxEid).toBe(1);
    const r = transact(s, [["db/retractEntity", ["person/email", "g@x"]]]);
    expect(state(r.after)).toEqual(['1 person/name "A"']);
  });

  it("a tempid upserts to a keyword entity; nested maps and retractAttribute work on it", () => {
    let s = storeWith([[{ "eav/eid": global, "person/email": "g@x" }]]);
    const r = transact(s, [["db/add", "t", "person/email", "g@x"], ["db/add", "t", "person/address", { "address/city": "X" }]]);
    expect(tempids(r)).toEqual({ t: ":global" });
    s = r.after;
    expect(s.entity(global)).toEqual({ "eav/eid": global, "person/email": "g@x", "person/address": 1 });
    s = transact(s, [["db/retract", global, "person/address"]]).after;
    expect(state(s)).toEqual([':global person/email "g@x"']);
  });
});

describe("TxOptions.redundantFor", () => {
  it("reports redundant adds of the listed attributes only, and changes nothing else", () => {
    const s0 = transact(createStore({ schema: SCHEMA }), [{ "eav/eid": 1, "person/name": "Ann", "person/age": 30 }]).after;
    const input = [{ "eav/eid": 1, "person/name": "Ann", "person/age": 30 }];
    const all = transactFacts(s0, input, "add");
    const some = transactFacts(s0, input, "add", { redundantFor: new Set(["person/age"]) });
    const none = transact(s0, input, { redundantFor: new Set() });
    expect(lines(all.redundant)).toEqual(["1 person/age 30", "1 person/name \"Ann\""]);
    expect(lines(some.redundant)).toEqual(["1 person/age 30"]);
    expect(none.redundant).toEqual([]);
    for (const r of [all, some, none]) {
      expect(r.after).toBe(s0);
      expect(r.added).toEqual([]);
    }
  });
});
