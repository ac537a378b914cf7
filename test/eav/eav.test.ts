import { describe, expect, it } from "vitest";
import {
  type TxOp,
  EAV,
  GeneratedTempid,
  NO_SCHEMA,
  canonicalText,
  eav,
  eavKey,
  formatValue,
  isAttribute,
  isEid,
  isLookupRef,
  isTempid,
  kw,
  normalizeFacts,
  normalizeTx,
  valueEquals,
  valueKey,
  type SchemaView,
} from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";

describe("Keyword", () => {
  it("interns: one object per name, colon optional", () => {
    expect(kw("todo/done")).toBe(kw(":todo/done"));
    expect(kw("todo/done").toString()).toBe(":todo/done");
    expect(kw("todo/done").namespace).toBe("todo");
    expect(kw("global").namespace).toBeUndefined();
    expect(kw("global").local).toBe("global");
  });
});

describe("value equality and keys", () => {
  it.each<[string, unknown, unknown, boolean]>([
    ["same string", "a", "a", true],
    ["different strings", "a", "b", false],
    ["0 and -0", 0, -0, true],
    ["NaN and NaN", NaN, NaN, true],
    ["bigint vs number", 1n, 1, false],
    ["bigints", 10n, 10n, true],
    ["dates by time", new Date(5), new Date(5), true],
    ["dates differ", new Date(5), new Date(6), false],
    ["keywords", kw("a"), kw("a"), true],
    ["keyword vs string", kw("a"), ":a", false],
    ["null", null, null, true],
    ["arrays deep", [1, [kw("x"), "y"]], [1, [kw("x"), "y"]], true],
    ["arrays differ in length", [1], [1, 2], false],
    ["objects by value, key order ignored", { a: 1, b: [2] }, { b: [2], a: 1 }, true],
    ["objects with different keys", { a: 1 }, { b: 1 }, false],
    ["array vs object", [], {}, false],
  ])("%s", (_label, a, b, equal) => {
    expect(valueEquals(a, b)).toBe(equal);
    expect(valueKey(a) === valueKey(b) || (Number.isNaN(valueKey(a)) && Number.isNaN(valueKey(b)))).toBe(equal);
    expect(canonicalText(a) === canonicalText(b)).toBe(equal);
  });

  it("keys of equal structured values work in a Map", () => {
    const m = new Map<unknown, string>();
    m.set(valueKey({ x: [1, 2] }), "found");
    expect(m.get(valueKey({ x: [1, 2] }))).toBe("found");
    expect(m.get(valueKey({ x: [1, 3] }))).toBeUndefined();
  });

  it("a string never shares a key with a structured value", () => {
    expect(valueKey("[1 2]")).not.toBe(valueKey([1, 2]));
    expect(eavKey(eav(1, "a/b", "[1 2]"))).not.toBe(eavKey(eav(1, "a/b", [1, 2])));
  });

  it("eavKey is equal exactly for equal facts", () => {
    expect(eavKey(eav(1, "a/b", new Date(3)))).toBe(eavKey(eav(1, "a/b", new Date(3))));
    expect(eavKey(eav(kw("g"), "a/b", kw("x")))).toBe(eavKey(eav(kw("g"), "a/b", kw("x"))));
    expect(eavKey(eav(1, "a/b", 1))).not.toBe(eavKey(eav(1, "a/b", "1")));
    expect(eavKey(eav(1, "a/b", true))).not.toBe(eavKey(eav(1, "a/b", "T")));
  });

  it("formats values as EDN", () => {
    expect(formatValue([kw("a"), "b", null, 3n, { "x/y": true }])).toBe('[:a "b" nil 3N {:x/y true}]');
    expect(eav(1, "todo/done", false).toString()).toBe("[1 :todo/done false]");
  });
});

describe("id predicates", () => {
  it.each<[unknown, boolean, boolean, boolean]>([
    // value, isEid, isTempid, isLookupRef
    [1, true, false, false],
    [0, false, false, false],
    [-1, false, true, false],
    [1.5, false, false, false],
    ["x", false, true, false],
    [kw("global"), true, false, false],
    [["person/email", "a@b"], false, false, true],
    [new GeneratedTempid(1), false, true, false],
    [null, false, false, false],
  ])("%s", (x, eid, tempid, lookup) => {
    expect(isEid(x)).toBe(eid);
    expect(isTempid(x)).toBe(tempid);
    expect(isLookupRef(x)).toBe(lookup);
  });
});

const schema: SchemaView = {
  isMany: (a) => a === "order/items" || a === "person/tags",
  isRef: (a) => a === "order/items" || a === "order/customer",
  isUnique: (a) => a === "customer/id",
};

describe("normalizeTx", () => {
  it("expands entity maps, triples, EAVs and list forms in document order", () => {
    const ops = normalizeTx(
      [
        { "eav/eid": 5, "person/name": "Ann", "person/tags": ["a", "b"] },
        [6, "person/name", "Bob"],
        new EAV(7, "person/name", "Cy"),
        ["db/add", "t", "person/name", "Dee"],
        ["db/retract", 5, "person/name", "Ann"],
        ["db/retract", 5, "person/tags"],
        ["db/retractEntity", 6],
        ["db.fn/retractAttribute", 7, "person/name"],
      ],
      schema,
    );
    expect(ops.map((o) => [o.kind, "e" in o ? o.e : undefined, "a" in o ? o.a : undefined, "v" in o ? o.v : undefined, o.path])).toEqual([
      ["add", 5, "person/name", "Ann", '[0]["person/name"]'],
      ["add", 5, "person/tags", "a", '[0]["person/tags"][0]'],
      ["add", 5, "person/tags", "b", '[0]["person/tags"][1]'],
      ["add", 6, "person/name", "Bob", "[1]"],
      ["add", 7, "person/name", "Cy", "[2]"],
      ["add", "t", "person/name", "Dee", "[3]"],
      ["retract", 5, "person/name", "Ann", "[4]"],
      ["retractAttribute", 5, "person/tags", undefined, "[5]"],
      ["retractEntity", 6, undefined, undefined, "[6]"],
      ["retractAttribute", 7, "person/name", undefined, "[7]"],
    ]);
  });

  it("a card-one array value is one structured value", () => {
    const ops = normalizeTx([{ "eav/eid": 1, "point/xy": [1, 2] }], schema);
    expect(ops.map(opFields)).toEqual([{ kind: "add", e: 1, a: "point/xy", v: [1, 2], path: '[0]["point/xy"]', map: 0 }]);
  });

  it("nested maps under ref attributes become entities with generated tempids", () => {
    const ops = normalizeTx({ "eav/eid": "o", "order/items": [{ "item/sku": "A" }, { "item/sku": "B" }], "order/customer": { "customer/id": 9 } }, schema);
    const items = ops.filter((o) => o.kind === "add" && o.a === "order/items");
    expect(items).toHaveLength(2);
    for (const op of items) expect(op.kind === "add" && op.v instanceof GeneratedTempid).toBe(true);
    const skus = ops.filter((o) => o.kind === "add" && o.a === "item/sku");
    expect(skus.map((o) => o.kind === "add" && o.e)).toEqual(items.map((o) => o.kind === "add" && o.v));
    expect(ops.find((o) => o.kind === "add" && o.a === "customer/id")).toMatchObject({ v: 9 });
  });

  it("an entity map without eav/eid gets a fresh generated tempid each", () => {
    const ops = normalizeTx([{ "person/name": "A" }, { "person/name": "A" }], schema);
    expect(ops[0]?.e).toBeInstanceOf(GeneratedTempid);
    expect(ops[0]?.e).not.toBe(ops[1]?.e);
  });

  it("a lone lookup ref on a card-many ref attribute is one value", () => {
    const s: SchemaView = { ...schema, isMany: () => true, isRef: (a) => a === "order/customer" };
    const ops = normalizeTx([{ "eav/eid": 1, "order/customer": ["customer/id", 3] }], s);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ v: ["customer/id", 3] });
  });

  it.each<[string, unknown, string]>([
    ["a number", [42], "[0]"],
    ["bad eid in entity map", [{ "eav/eid": 1.5, "a/b": 1 }], '[0]["eav/eid"]'],
    ["bad attribute", [[1, "", 2]], "[0]"],
    ["reserved attribute", [[1, "eav/all", 2]], "[0]"],
    ["undefined value", [{ "eav/eid": 1, "a/b": undefined }], '[0]["a/b"]'],
    ["function value", [["db/add", 1, "a/b", () => 1]], "[0]"],
    ["wrong arity", [["db/add", 1, "a/b"]], "[0]"],
    ["unknown op", [["db/frobnicate", 1]], "[0]"],
    ["second entry wrong", [{ "a/b": 1 }, "oops"], "[1]"],
  ])("rejects %s with its position", (_label, input, path) => {
    let err: unknown;
    try {
      normalizeTx(input, schema);
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "eav/invalid-tx")).toBe(true);
    if (isEavError(err)) {
      expect(err.data.path).toBe(path);
      expect(err.message).toContain(`at ${path}`);
    }
  });
});

describe("normalizeFacts", () => {
  it("accepts EAVs, triples, entity maps and nested arrays of them", () => {
    const ops = normalizeFacts([[1, "a/b", 1], [new EAV(2, "a/b", 2), [{ "eav/eid": 3, "a/b": 3 }]]], "add", NO_SCHEMA);
    expect(ops.map((o) => (o.kind === "add" ? [o.e, o.v] : null))).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it("a single triple is one fact, not three", () => {
    expect(normalizeFacts([kw("global"), "layout/page", kw("todos")], "add", NO_SCHEMA)).toEqual([
      { kind: "add", e: kw("global"), a: "layout/page", v: kw("todos"), path: "" },
    ]);
  });

  it("retracts each listed value of an entity map", () => {
    const ops = normalizeFacts({ "eav/eid": 4, "person/tags": ["a", "b"], "person/name": "X" }, "retract", schema);
    expect(ops.map((o) => o.kind === "retract" && [o.a, o.v])).toEqual([
      ["person/tags", "a"],
      ["person/tags", "b"],
      ["person/name", "X"],
    ]);
  });

  it("refuses to retract an entity map without eav/eid", () => {
    expect(() => normalizeFacts({ "person/name": "X" }, "retract", schema)).toThrow(/must name its entity/);
  });
});

describe("keywords where attributes are expected (EDN input)", () => {
  it("reads keyword attributes, op names and lookup-ref attributes as strings", () => {
    const ops = normalizeTx(
      [
        [1, kw("person/name"), "Ann"],
        [kw("db/add"), [kw("customer/id"), 3], kw("person/name"), "Bo"],
        [kw("db/retractEntity"), 4],
        { "eav/eid": 2, "order/customer": [kw("customer/id"), 7] },
      ],
      schema,
    );
    expect(ops.map(opFields)).toEqual([
      { kind: "add", e: 1, a: "person/name", v: "Ann", path: "[0]" },
      { kind: "add", e: ["customer/id", 3], a: "person/name", v: "Bo", path: "[1]" },
      { kind: "retractEntity", e: 4, path: "[2]" },
      { kind: "add", e: 2, a: "order/customer", v: ["customer/id", 7], path: '[3]["order/customer"]', map: 0 },
    ]);
  });

  it("a keyword-attribute triple given alone is one fact", () => {
    expect(normalizeFacts([kw("global"), kw("layout/page"), kw("todos")], "add", NO_SCHEMA)).toHaveLength(1);
  });
});

/** An op's public fields as a plain object (an entity map's add computes its path when read). */
function opFields(op: TxOp): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: op.kind, e: op.e, path: op.path };
  if ("a" in op) out.a = op.a;
  if ("v" in op) out.v = op.v;
  if (op.kind === "add" && op.map !== undefined) out.map = op.map;
  return out;
}

describe("isAttribute", () => {
  it("rejects exactly what contains white space as /\\s/ defines it, starts with a colon or is empty", () => {
    const reference = (x: string): boolean => x.length > 0 && !/\s/.test(x) && !x.startsWith(":");
    const wrong: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const s = `a/${String.fromCharCode(c)}b`;
      if (isAttribute(s) !== reference(s)) wrong.push(c.toString(16));
    }
    expect(wrong).toEqual([]);
    for (const s of ["", ":a", ":", "a", "order/id", "a b", "\ta", "a\u3000", "a:b"]) expect(isAttribute(s)).toBe(reference(s));
    expect(isAttribute(5)).toBe(false);
  });
});
