// Schema validation, value types, options and presets (schemaMode / typecheckMode /
// txConflictsMode with ignore | warn | enforce), and the Store's read API.
import { describe, expect, it } from "vitest";
import { eav, kw, type Value } from "../../src/eav/index.js";
import { createStore, transact, type StoreWarning, type ValueTypeName } from "../../src/store/index.js";
import { Schema } from "../../src/store/schema.js";
import { SCHEMA, expectCode, state, storeWith } from "./helpers.js";

describe("schema validation", () => {
  it.each<[string, unknown, string, string]>([
    ["unknown key", [{ ident: "a/b", cardinality: "one", index: true }], "a/b", "index"],
    ["isComponent without a ref type", [{ ident: "a/b", cardinality: "one", isComponent: true }], "a/b", "isComponent"],
    ["isComponent not a boolean", [{ ident: "a/b", cardinality: "one", valueType: "ref", isComponent: "yes" }], "a/b", "isComponent"],
    ["unknown cardinality", [{ ident: "a/b", cardinality: "several" }], "a/b", "cardinality"],
    ["missing cardinality", [{ ident: "a/b" }], "a/b", "cardinality"],
    ["unknown unique", [{ ident: "a/b", cardinality: "one", unique: "yes" }], "a/b", "unique"],
    ["unknown valueType", [{ ident: "a/b", cardinality: "one", valueType: "long" }], "a/b", "valueType"],
    ["doc not a string", [{ ident: "a/b", cardinality: "one", doc: 1 }], "a/b", "doc"],
    ["ident not an attribute", [{ ident: "a b", cardinality: "one" }], "entry 0", "ident"],
    ["reserved ident", [{ ident: "eav/eid", cardinality: "one" }], "eav/eid", "ident"],
    ["duplicate ident", [{ ident: "a/b", cardinality: "one" }, { ident: "a/b", cardinality: "many" }], "a/b", "ident"],
    ["record key and ident differ", { "a/b": { ident: "a/c", cardinality: "one" } }, "a/b", "ident"],
    ["entry not an object", ["a/b"], "entry 0", "entry"],
  ])("%s -> store/invalid-schema naming the attribute and the key", (_name, schema, attribute, key) => {
    const e = expectCode(() => createStore({ schema: schema as never }), "store/invalid-schema");
    expect(e.data).toMatchObject({ attribute, key });
    expect(e.message).toContain(attribute);
  });

  it("accepts a record keyed by attribute, with or without ident", () => {
    const s = createStore({ schema: { "todo/tags": { cardinality: "many" }, "todo/id": { ident: "todo/id", cardinality: "one", unique: "identity" } } });
    expect(s.schema.entries).toEqual([
      { ident: "todo/tags", cardinality: "many" },
      { ident: "todo/id", cardinality: "one", unique: "identity" },
    ]);
    expect([s.schemaView.isMany("todo/tags"), s.schemaView.isUnique("todo/id"), s.schemaView.isRef("todo/id")]).toEqual([true, true, false]);
  });

  it("an undeclared attribute is card-one, untyped, not unique", () => {
    const s = transact(createStore(), [["db/add", 1, "x/y", 1], ["db/add", 1, "x/y", 2]]).after;
    expect(s.values(1, "x/y")).toEqual([2]);
  });

  it("recentPlainInfo answers as plainInfo, for names sharing a cache cell and across schemas", () => {
    // "a/bx" and "a/cw" hash to one of the 16 cells (last + middle character + length)
    const names = ["a/bx", "a/cw", "a/bx", "eav/eid", "a/many", "bad name", "a/cw", "a/many"];
    const one = new Schema([{ ident: "a/many", cardinality: "many" }]);
    const other = new Schema([{ ident: "a/bx", cardinality: "many", unique: "identity" }]);
    for (const a of names) {
      expect(one.recentPlainInfo(a)).toBe(one.plainInfo(a));
      expect(other.recentPlainInfo(a)).toBe(other.plainInfo(a));
    }
    expect(one.recentPlainInfo("a/many")?.many).toBe(true);
    expect(other.recentPlainInfo("a/bx")?.identity).toBe(true);
    expect(one.recentPlainInfo("a/bx")?.identity).toBe(false);
    expect(one.recentPlainInfo("eav/eid")).toBeUndefined();
  });
});

describe("value types (typecheckMode enforce)", () => {
  const cases: Array<[ValueTypeName, Value, Value]> = [
    ["string", "s", 1],
    ["number", 1.5, "1.5"],
    ["integer", 2, 2.5],
    ["boolean", false, 0],
    ["keyword", kw("open"), "open"],
    ["instant", new Date(0), "1970-01-01"],
    ["bigint", 10n, 10],
    ["any", { a: [1] }, { a: [1] }],
  ];
  it.each(cases)("%s accepts %s and rejects %s", (type, good, bad) => {
    const s = createStore({ schema: [{ ident: "a/v", cardinality: "one", valueType: type }], typecheckMode: "enforce" });
    expect(transact(s, [["db/add", 1, "a/v", good]]).after.values(1, "a/v")).toEqual([good]);
    if (type === "any") return;
    const e = expectCode(() => transact(s, [["db/add", 1, "a/v", bad]]), "store/type-violation");
    expect(e.data).toMatchObject({ attribute: "a/v", value: bad, valueType: type, path: "[0]" });
  });

  it("accepts a predicate as a value type", () => {
    const even = (v: Value) => typeof v === "number" && v % 2 === 0;
    const s = createStore({ schema: [{ ident: "a/even", cardinality: "one", valueType: even }], typecheckMode: "enforce" });
    expect(transact(s, [["db/add", 1, "a/even", 4]]).added).toHaveLength(1);
    expectCode(() => transact(s, [["db/add", 1, "a/even", 3]]), "store/type-violation");
  });

  it("ignores value types by default (the datascript preset)", () => {
    const s = createStore({ schema: [{ ident: "a/n", cardinality: "one", valueType: "integer" }] });
    expect(transact(s, [["db/add", 1, "a/n", "not a number"]]).added).toHaveLength(1);
  });
});

describe("options and presets", () => {
  it.each([
    ["datascript", { schemaMode: "ignore", typecheckMode: "ignore", txConflictsMode: "ignore" }],
    ["datomic", { schemaMode: "enforce", typecheckMode: "enforce", txConflictsMode: "enforce" }],
  ] as const)("preset %s", (preset, modes) => {
    expect(createStore({ preset }).options).toMatchObject({ preset, ...modes });
  });

  it("explicit modes override the preset", () => {
    expect(createStore({ preset: "datomic", typecheckMode: "warn" }).options).toMatchObject({ schemaMode: "enforce", typecheckMode: "warn" });
  });

  it.each([
    [{ preset: "sql" }, "preset"],
    [{ schemaMode: "strict" }, "schemaMode"],
    [{ onWarning: 1 }, "onWarning"],
  ])("rejects %j", (options, key) => {
    expect(expectCode(() => createStore(options as never), "store/invalid-options").data).toMatchObject({ key });
  });

  it("schemaMode enforce rejects undeclared attributes; transients are exempt", () => {
    const s = createStore({ schema: SCHEMA, schemaMode: "enforce" });
    expect(expectCode(() => transact(s, [{ "person/name": "A", "person/nick": "a" }]), "store/schema-violation").data).toMatchObject({ attribute: "person/nick", path: '[0]["person/nick"]' });
    expect(transact(s, [["db/add", 1, "eav/transient", "x"]]).transients).toHaveLength(1);
  });

  it("warn modes report to the sink after success and change nothing else", () => {
    const warnings: StoreWarning[] = [];
    const s = createStore({ schema: SCHEMA, schemaMode: "warn", typecheckMode: "warn", txConflictsMode: "warn", onWarning: (w) => warnings.push(w) });
    const r = transact(s, [["db/add", 1, "person/nick", "a"], ["db/add", 1, "person/age", "old"], ["db/add", 1, "person/name", "A"], ["db/add", 1, "person/name", "B"]]);
    expect(state(r.after)).toEqual(['1 person/age "old"', '1 person/name "B"', '1 person/nick "a"']);
    expect(warnings.map((w) => w.code)).toEqual(["store/schema-violation", "store/type-violation", "store/datoms-conflict"]);
    expect(warnings[1]!.data).toMatchObject({ attribute: "person/age", value: "old", path: "[1]" });
  });

  it("a failed transaction emits no warnings", () => {
    const warnings: StoreWarning[] = [];
    const s = createStore({ schema: SCHEMA, schemaMode: "warn", onWarning: (w) => warnings.push(w) });
    expectCode(() => transact(s, [["db/add", 1, "person/nick", "a"], ["db/add", 1, "person/friend", "ghost"]]), "store/tempid-only-as-value");
    expect(warnings).toEqual([]);
  });
});

describe("txConflictsMode enforce (Datomic: a transaction is a set of datoms)", () => {
  const base = [[{ "eav/eid": "ann", "person/email": "ann@x", "person/name": "Ann" }]];
  it.each<[string, unknown, string]>([
    ["R02 two values for one card-one attribute", [["db/add", 1, "person/name", "A1"], ["db/add", 1, "person/name", "A2"]], "store/datoms-conflict"],
    ["R08 merged tempids with conflicting card-one values", [["db/add", -1, "person/email", "c@x"], ["db/add", -1, "person/name", "C1"], ["db/add", -2, "person/email", "c@x"], ["db/add", -2, "person/name", "C2"]], "store/datoms-conflict"],
    ["R21 add and retract of one datom", [["db/add", 1, "person/tags", "t"], ["db/retract", 1, "person/tags", "t"]], "store/datoms-conflict"],
    ["R21 retract then add of one datom", [["db/retract", 1, "person/name", "Ann"], ["db/add", 1, "person/name", "Ann"]], "store/datoms-conflict"],
    ["R14 a nested map neither component nor unique", [{ "eav/eid": 1, "person/friend": { "person/name": "F" } }], "store/invalid-nested-entity"],
  ])("%s", (_name, tx, code) => {
    const s = storeWith(base, { txConflictsMode: "enforce" });
    expectCode(() => transact(s, tx), code);
  });

  it("identical repeats, component and unique nested maps pass", () => {
    const s = storeWith(base, { txConflictsMode: "enforce" });
    const r = transact(s, [
      ["db/add", 1, "person/name", "Ann2"],
      ["db/add", 1, "person/name", "Ann2"],
      { "eav/eid": 1, "person/address": { "address/city": "Oslo" }, "person/friend": { "person/email": "f@x" } },
    ]);
    expect(r.added).toHaveLength(5);
  });
});

describe("the Store value", () => {
  const s = storeWith([[
    { "eav/eid": "ann", "person/email": "ann@x", "person/name": "Ann", "person/tags": ["a", "b"], "person/handle": "@ann" },
    { "eav/eid": "bob", "person/email": "bob@x", "person/friend": "ann" },
  ]]);

  it("reads: entity, entities, datoms, has, values, lookup, referrers, size, maxEid", () => {
    expect(s.entity(1)).toEqual({ "eav/eid": 1, "person/email": "ann@x", "person/name": "Ann", "person/tags": ["a", "b"], "person/handle": "@ann" });
    expect(s.entity(3)).toBeUndefined();
    expect(s.entities().map((e) => e["eav/eid"])).toEqual([1, 2]);
    expect(s.datoms()).toHaveLength(7);
    expect(s.size).toBe(7);
    expect(s.maxEid).toBe(2);
    expect([s.has(eav(1, "person/tags", "a")), s.has(eav(1, "person/tags", "z")), s.has(eav(1, "person/name", "Ann"))]).toEqual([true, false, true]);
    expect(s.values(1, "person/tags")).toEqual(["a", "b"]);
    expect(s.values(1, "person/age")).toEqual([]);
    expect([s.lookup("person/email", "bob@x"), s.lookup("person/handle", "@ann"), s.lookup("person/name", "Ann")]).toEqual([2, 1, undefined]);
    expect(s.referrers(1)).toEqual([["person/friend", 2]]);
  });

  it("is a value: a transaction leaves the store it ran on unchanged", () => {
    const before = state(s);
    const r = transact(s, [["db/retractEntity", 1], ["db/add", 2, "person/name", "Bob"]]);
    expect(state(s)).toEqual(before);
    expect(s.referrers(1)).toEqual([["person/friend", 2]]);
    expect(state(r.after)).toEqual(['2 person/email "bob@x"', '2 person/name "Bob"']);
    expect(r.after.lookup("person/email", "ann@x")).toBeUndefined();
    expect(r.after.referrers(1)).toEqual([]);
  });

  it("a transaction that changes nothing returns the same store", () => {
    const r = transact(s, [["db/add", 1, "person/name", "Ann"]]);
    expect(r.after).toBe(s);
  });

  it("structured values are compared by value", () => {
    const t = transact(createStore(), [["db/add", 1, "a/v", { x: [1, 2] }]]).after;
    expect(t.has(eav(1, "a/v", { x: [1, 2] }))).toBe(true);
    expect(transact(t, [["db/add", 1, "a/v", { x: [1, 2] }]]).added).toEqual([]);
  });

  it("far-away explicit eids, keyword eids and dense eids live side by side", () => {
    let t = transact(createStore({ schema: SCHEMA }), [["db/add", 5_000_000, "person/name", "far"], ["db/add", kw("k"), "person/friend", 5_000_000]]).after;
    t = transact(t, [{ "eav/eid": "n", "person/name": "near", "person/friend": 5_000_000 }, ["db/add", 3, "person/name", "three"]]).after;
    expect(t.entities().map((e) => String(e["eav/eid"])).sort()).toEqual(["3", "5000000", "5000001", ":k"].sort());
    expect(t.entity(5_000_000)).toEqual({ "eav/eid": 5_000_000, "person/name": "far" });
    expect(t.referrers(5_000_000)).toEqual([["person/friend", kw("k")], ["person/friend", 5_000_001]]);
    t = transact(t, [["db/retractEntity", 5_000_000], ["db/retractEntity", 3]]).after;
    expect(state(t)).toEqual(['5000001 person/name "near"']);
    expect(t.size).toBe(1);
  });

  it("a hub entity with many referrers keeps them all (small list then map)", () => {
    let h = storeWith([[["db/add", kw("hub"), "person/name", "Hub"]]]);
    for (let i = 0; i < 40; i++) h = transact(h, [{ "person/name": `p${i}`, "person/friend": kw("hub") }]).after;
    expect(h.referrers(kw("hub"))).toHaveLength(40);
    h = transact(h, [["db/retract", 5, "person/friend", kw("hub")]]).after;
    expect(h.referrers(kw("hub"))).toHaveLength(39);
    const r = transact(h, [["db/retractEntity", kw("hub")]]);
    expect(r.retracted).toHaveLength(40);
    expect(r.after.referrers(kw("hub"))).toEqual([]);
  });
});
