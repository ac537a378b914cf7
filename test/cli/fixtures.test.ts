import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kw } from "../../src/eav/index.js";
import { isEavError, type EavError } from "../../src/errors.js";
import fc from "fast-check";
import { loadFixture, loadSchema, parseFixture, parseSchema, readDocument, type Raw } from "../../src/fixtures/index.js";

function failure(f: () => unknown): EavError {
  try {
    f();
  } catch (e) {
    if (isEavError(e)) return e;
    throw e;
  }
  throw new Error("expected an EavError");
}

describe("EDN fixtures", () => {
  it.each([
    ["keywords, strings, numbers, nil", '[{:a/k :open :a/s "x" :a/n 1.5 :a/i -3 :a/z nil :a/b true}]', [{ "a/k": kw("open"), "a/s": "x", "a/n": 1.5, "a/i": -3, "a/z": null, "a/b": true }]],
    [":db/id and :eav/eid become eav/eid", '[{:db/id -1 :a/x 1} {:eav/eid "t" :a/x 2}]', [{ "eav/eid": -1, "a/x": 1 }, { "eav/eid": "t", "a/x": 2 }]],
    ["#inst is a Date", '[{:a/at #inst "2024-05-01T10:00:00Z"}]', [{ "a/at": new Date("2024-05-01T10:00:00Z") }]],
    ["N is a bigint", "[{:a/big 123456789012345678901N}]", [{ "a/big": 123456789012345678901n }]],
    ["sets and lists are arrays", "[{:a/tags #{:x} :a/l (1 2)}]", [{ "a/tags": [kw("x")], "a/l": [1, 2] }]],
    ["list forms keep keywords for ops and attributes", '[[:db/add -1 :a/x 1] [:db/retractEntity [:a/id "k"]]]', [[kw("db/add"), -1, kw("a/x"), 1], [kw("db/retractEntity"), [kw("a/id"), "k"]]]],
    ["nested entity maps", '[{:o/id "A" :o/lines [{:l/sku "s" :l/qty 2}]}]', [{ "o/id": "A", "o/lines": [{ "l/sku": "s", "l/qty": 2 }] }]],
    ["comments, commas and #_ discards", "; header\n[{:a/x 1, #_ :a/y #_ 2 :a/z 3}] ; trailing", [{ "a/x": 1, "a/z": 3 }]],
    ["#uuid is its string", '[{:a/u #uuid "6f1c1e0a-1111-2222-3333-444455556666"}]', [{ "a/u": "6f1c1e0a-1111-2222-3333-444455556666" }]],
    ["characters are one-character strings", "[{:a/c \\x}]", [{ "a/c": "x" }]],
    ["one entity map is one entry", "{:a/x 1}", [{ "a/x": 1 }]],
  ])("%s", (_name, text, expected) => {
    expect(parseFixture(text, "edn")).toEqual(expected);
  });

  it("interns keywords", () => {
    const [m] = parseFixture("[{:a/k :open}]") as [Record<string, unknown>];
    expect(m["a/k"]).toBe(kw("open"));
  });

  it.each([
    ["unclosed vector", "[{:a/x 1}", "f.edn:1:1: unclosed '[' (end of text reached)"],
    ["unclosed map inside", "[\n  {:a/x 1\n]", "f.edn:3:1: expected '}' to close '{' opened at line 2, column 3, found ']'"],
    ["stray closer", "[1]]", "f.edn:1:4: unexpected ']' with nothing open"],
    ["odd map", "[{:a/x}]", "f.edn:1:7: the map opened at line 1, column 2 has a key without a value"],
    ["two top-level forms", "[1]\n[2]", "f.edn:2:1: expected one top-level form, found another (wrap several in a vector)"],
    ["unterminated string", '[{:a/x "abc}]', "f.edn:1:8: unterminated string"],
    ["empty text", "  ; nothing\n", "f.edn:2:1: no EDN form found (the text is empty)"],
    ["huge integer", "[{:a/x 12345678901234567890}]", "f.edn:1:8: the integer 12345678901234567890 is too large for a number; write 12345678901234567890N for a bigint"],
    ["dangling tag", "[#inst]", "f.edn:1:7: a tag or #_ has no form after it"],
  ])("syntax error: %s", (_name, text, message) => {
    const e = failure(() => parseFixture(text, "edn", "f.edn"));
    expect(e.code).toBe("cli/invalid-fixture");
    expect(e.message).toBe(message);
    expect(e.data["file"]).toBe("f.edn");
  });

  it.each([
    ["a symbol", "[{:a/x open}]", 'f.edn:1:8: at $[0][:a/x]: the symbol open is not a value here: write :open for a keyword or "open" for a string'],
    ["an unknown tag", "[{:a/x #money 12}]", "f.edn:1:8: at $[0][:a/x]: unknown tag #money (known here: #inst, #uuid)"],
    ["a bad #inst", '[{:a/x #inst "yesterday"}]', 'f.edn: at $[0][:a/x]: #inst needs an RFC 3339 date such as "2024-05-01T10:00:00Z"'],
    ["a duplicate key", "[{:db/id 1 :eav/eid 2}]", "f.edn:1:12: at $[0]: the key :eav/eid appears twice in one map"],
    ["a number key", "[{1 2}]", "f.edn:1:3: at $[0]: a map key must be a keyword or a string, not number 1"],
    ["a scalar entry", "[1]", "f.edn:1:2: at $[0]: a transaction entry must be an entity map or a vector such as [:db/add e :a/b v], not number 1"],
    ["a position after #inst, #_ and comments", '; c\n[{:a/t #inst "2024-01-01T00:00:00Z" #_ {:x [1 #{2}]} :a/c \\x\n  :a/x open}]', 'f.edn:3:8: at $[0][:a/x]: the symbol open is not a value here: write :open for a keyword or "open" for a string'],
    ["a scalar document", ":a", "f.edn:1:1: at $: transaction data must be a vector of entity maps and list forms, not the keyword :a"],
  ])("content error: %s", (_name, text, message) => {
    const e = failure(() => parseFixture(text, "edn", "f.edn"));
    expect(e.code).toBe("cli/invalid-fixture");
    expect(e.message).toBe(message);
  });
});

describe("JSON fixtures", () => {
  it.each([
    ["':kw' strings are keywords, keys with or without ':'", '[{":a/k": ":open", "a/s": "x"}]', [{ "a/k": kw("open"), "a/s": "x" }]],
    ["'::' escapes a literal colon string", '[{"a/s": "::not-a-kw"}]', [{ "a/s": ":not-a-kw" }]],
    ["db/id is eav/eid; string tempids stay strings", '[{"db/id": "o1", "a/x": 1}]', [{ "eav/eid": "o1", "a/x": 1 }]],
    ["#inst, #bigint, #set, #kw, #str", '[{"a/d": {"#inst": "2024-05-01T10:00:00Z"}, "a/b": {"#bigint": "12345678901234567890"}, "a/s": {"#set": [1]}, "a/k": {"#kw": "x/y"}, "a/t": {"#str": ":raw"}}]', [{ "a/d": new Date("2024-05-01T10:00:00Z"), "a/b": 12345678901234567890n, "a/s": [1], "a/k": kw("x/y"), "a/t": ":raw" }]],
    ["list forms", '[[":db/add", -1, ":a/x", 1]]', [[kw("db/add"), -1, kw("a/x"), 1]]],
  ])("%s", (_name, text, expected) => {
    expect(parseFixture(text, "json")).toEqual(expected);
  });

  it.each([
    ["malformed JSON gives a line and column", '[{"a/x": 1,}\n]', "cli/invalid-fixture", /^f\.json: malformed JSON: /],
    ["a bad #inst", '[{"a/x": {"#inst": 5}}]', "cli/invalid-fixture", /^f\.json: at \$\[0\]\["a\/x"\]\["#inst"\]: \{"#inst": \.\.\.\} needs an RFC 3339 date/],
    ["an unknown tag", '[{"a/x": {"#money": 5}}]', "cli/invalid-fixture", /unknown tag #money/],
  ])("%s", (_name, text, code, message) => {
    const e = failure(() => parseFixture(text, "json", "f.json"));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it("malformed JSON reports the position", () => {
    const e = failure(() => parseFixture('[{"a/x": 1,}\n]', "json", "f.json"));
    expect(e.data["line"]).toBe(1);
    expect(e.data["column"]).toBe(12);
  });
});

describe("schema files", () => {
  it.each([
    [
      "Datomic style",
      `[{:db/ident :o/id :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity :db/doc "order id"}
        {:db/ident :o/lines :db/valueType :db.type/ref :db/cardinality :db.cardinality/many :db/isComponent true}
        {:db/ident :o/qty :db/valueType :db.type/long}]`,
      [
        { ident: "o/id", cardinality: "one", valueType: "string", unique: "identity", doc: "order id" },
        { ident: "o/lines", cardinality: "many", valueType: "ref", isComponent: true },
        { ident: "o/qty", cardinality: "one", valueType: "integer" },
      ],
    ],
    ["bare keys", "[{:ident :o/code :cardinality :many :unique :value :valueType :keyword}]", [{ ident: "o/code", cardinality: "many", unique: "value", valueType: "keyword" }]],
    ["DataScript map", "{:o/id {:db/unique :db.unique/identity} :o/tags {:db/cardinality :db.cardinality/many}}", [{ ident: "o/id", cardinality: "one", unique: "identity" }, { ident: "o/tags", cardinality: "many" }]],
  ])("%s", (_name, text, expected) => {
    expect(parseSchema(text)).toEqual(expected);
  });

  it("reads JSON schemas", () => {
    expect(parseSchema('[{"db/ident": ":o/id", "db/unique": ":db.unique/identity", "db/valueType": ":db.type/double"}]', "json")).toEqual([
      { ident: "o/id", cardinality: "one", unique: "identity", valueType: "number" },
    ]);
  });

  it.each([
    ["unknown key", "[{:db/ident :o/id :db/index true}]", "s.edn:1:19: at $[0][:db/index]: unknown schema key :db/index (known: :db/ident, :db/cardinality, :db/valueType, :db/unique, :db/isComponent, :db/doc)"],
    ["no ident", "[{:db/cardinality :db.cardinality/one}]", "s.edn:1:2: at $[0]: a schema entry needs :db/ident"],
    ["bad cardinality", "[{:db/ident :o/id :db/cardinality :db.cardinality/few}]", "s.edn:1:35: at $[0][:cardinality]: cardinality must be :db.cardinality/one or :db.cardinality/many, not few"],
    ["bad unique", "[{:db/ident :o/id :db/unique :db.unique/yes}]", "s.edn:1:30: at $[0][:unique]: unique must be :db.unique/identity or :db.unique/value, not yes"],
    ["bad type", "[{:db/ident :o/id :db/valueType :db.type/money}]", /^s\.edn:1:33: at \$\[0\]\[:valueType\]: unknown value type money \(known: :db\.type\/string, /],
    ["not a map", "[:o/id]", "s.edn:1:2: at $[0]: a schema entry must be a map such as {:db/ident :order/id :db/cardinality :db.cardinality/one}, not the keyword :o/id"],
    ["ident differs from key", "{:o/id {:db/ident :o/other}}", "s.edn:1:8: at $[:o/id]: :db/ident :o/other differs from its key :o/id"],
  ])("schema error: %s", (_name, text, message) => {
    const e = failure(() => parseSchema(text, "edn", "s.edn"));
    expect(e.code).toBe("cli/invalid-fixture");
    if (typeof message === "string") expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });
});

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "fixtures-"));
  it("loads by extension", () => {
    writeFileSync(join(dir, "a.edn"), "[{:a/x :y}]");
    writeFileSync(join(dir, "a.json"), '[{"a/x": ":y"}]');
    writeFileSync(join(dir, "s.json"), '{"a/x": {"db/cardinality": ":db.cardinality/many"}}');
    expect(loadFixture(join(dir, "a.edn"))).toEqual([{ "a/x": kw("y") }]);
    expect(loadFixture(join(dir, "a.json"))).toEqual([{ "a/x": kw("y") }]);
    expect(loadSchema(join(dir, "s.json"))).toEqual([{ ident: "a/x", cardinality: "many" }]);
  });

  it("a missing file is cli/file-not-found", () => {
    const e = failure(() => loadFixture(join(dir, "nope.edn")));
    expect(e.code).toBe("cli/file-not-found");
    expect(e.message).toBe(`${join(dir, "nope.edn")}: no such file`);
  });
});

describe("EDN positions (property)", () => {
  // Generated EDN: every value is printed with random spacing, comments and #_ discards between
  // forms; every node the reader returns must carry the line and column where its text starts.
  type Gen = { text: string; kids: Gen[] };
  const leaf = fc.oneof(
    fc.constantFrom(":k", ":a/b", "nil", "true", "false", "12", "-3", "1.5", "7N", "\\x", '"s"', '"a \\"q\\" b"', '#inst "2024-01-01T00:00:00Z"', "sym"),
    fc.string({ unit: fc.constantFrom("a", " ", "\n", "é", "]", ";") }).map((s) => JSON.stringify(s)),
  ).map((text): Gen => ({ text, kids: [] }));
  const sep = fc.constantFrom(" ", "\n", ", ", " ; note\n", " #_ [1 {:x 2}] ", "\n\t", " #_#_ 1 2 ");
  const tree = fc.letrec<{ node: Gen }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      leaf,
      fc.tuple(fc.constantFrom("[", "(", "#{"), fc.array(tie("node"), { maxLength: 4 }), fc.array(sep, { minLength: 5, maxLength: 5 })).map(([open, kids, seps]): Gen => ({
        text: `${open}${kids.map((k, i) => `${seps[i % 5] ?? " "}${k.text}`).join("")}${open === "(" ? ")" : open === "[" ? "]" : "}"}`,
        kids,
      })),
      fc.tuple(fc.array(fc.tuple(leaf, tie("node")), { maxLength: 3 }), sep).map(([pairs, s]): Gen => ({
        text: `{${pairs.map(([k, v]) => `${s}${k.text} ${v.text}`).join("")}}`,
        kids: pairs.flatMap(([k, v]) => [k, v]),
      })),
      tie("node").map((inner): Gen => ({ text: `#uuid ${inner.text}`, kids: [inner] })),
    ),
  }));

  it("every value read from EDN points at its own text", () => {
    fc.assert(
      fc.property(tree.node, sep, (g, lead) => {
        const text = `${lead}${g.text}`;
        const root = readDocument(text, "edn").root;
        const lines = text.split("\n");
        const check = (r: Raw, gen: Gen): void => {
          expect(r.pos).toBeDefined();
          const at = r.pos as { line: number; column: number };
          const rest = [(lines[at.line - 1] ?? "").slice(at.column - 1), ...lines.slice(at.line)].join("\n");
          expect(rest.startsWith(gen.text)).toBe(true);
          const kids = r.kind === "vector" || r.kind === "set" ? r.items : r.kind === "map" ? r.entries.flatMap(([k, v]) => [k, v]) : r.kind === "tagged" ? [r.value] : [];
          expect(kids.length).toBe(gen.kids.length);
          kids.forEach((k, i) => check(k, gen.kids[i] as Gen));
        };
        check(root, g);
      }),
      { numRuns: 300 },
    );
  });
});
