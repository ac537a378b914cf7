import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { kw } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { createDsl } from "../../src/dsl/index.js";
import { parseFixture, parseSchema } from "../../src/fixtures/index.js";
import { any, assertSpec, formatReport, junitXml, ref, runSpec, set, tempid, v, type CaseInput, type SpecInput } from "../../src/testing.js";
import { TODO_FACTS, TODO_RULES, TODO_SCHEMA, project } from "./support.js";

const dir = project({ "todos.rules": TODO_RULES, "schema.edn": TODO_SCHEMA, "facts.edn": TODO_FACTS });
const schema = parseSchema(TODO_SCHEMA);
const facts = parseFixture(TODO_FACTS);

function spec(cases: readonly CaseInput[], extra: Partial<SpecInput> = {}): SpecInput {
  return { name: "todos", rules: ["todos.rules"], schema, background: [facts], cases, baseDir: dir, ...extra };
}

async function failuresOf(c: CaseInput, extra: Partial<SpecInput> = {}): Promise<readonly string[]> {
  const r = await runSpec(spec([c], extra));
  expect(r.cases).toHaveLength(1);
  return r.cases[0]?.failures ?? [];
}

describe("runSpec: passing expectations", () => {
  it.each<[string, CaseInput]>([
    ["exact rows with placeholders", { name: "c", expect: { queries: [{ query: "overdue-todos", rows: [{ t: v("w"), title: "write" }] }] } }],
    ["shorthand map of query -> rows", { name: "c", expect: { queries: { "open-todos": [{ t: any, title: "read" }, { t: any, title: "write" }] } } }],
    ["contains mode", { name: "c", expect: { queries: [{ query: "open-todos", mode: "contains", rows: [{ t: any, title: "read" }] }] } }],
    ["params and #ref", { name: "c", expect: { queries: [{ query: "by-title", params: { title: "read" }, rows: [{ t: ref("todo/title", "read"), title: "read" }] }] } }],
    ["entities contain, card-many compared as sets", { name: "c", expect: { entities: [{ "todo/title": "write", "todo/tags": [kw("work")], "todo/overdue": true }] } }],
    ["a placeholder shared by a query and an entity", { name: "c", expect: { queries: { "overdue-todos": [{ t: v("w"), title: "write" }] }, entities: [{ "eav/eid": v("w"), "todo/due": 5 }] } }],
    ["tempids of steps", { name: "c", given: [[{ "eav/eid": "n", "todo/title": "new", "todo/due": 1 }]], expect: { entities: [{ "eav/eid": tempid("n"), "todo/overdue": true }] } }],
    ["a single value for a card-many attribute", { name: "c", expect: { entities: [{ "todo/title": "write", "todo/tags": kw("work") }] } }],
    [
      "entities exact: every entity, every attribute",
      {
        name: "c",
        expect: {
          entitiesMode: "exact",
          entities: [
            { "eav/eid": kw("clock"), "clock/today": 10 },
            { "eav/eid": any, "todo/title": "write", "todo/due": 5, "todo/tags": [kw("work")], "todo/overdue": true },
            { "eav/eid": any, "todo/title": "read", "todo/due": 20 },
            { "eav/eid": any, "todo/title": "ship", "todo/due": 3, "todo/done": true },
          ],
        },
      },
    ],
    ["named entities", { name: "c", expect: { entities: [{ "eav/eid": kw("clock"), "clock/today": 10 }] } }],
    ["firing counts", { name: "c", given: [[{ "todo/title": "late", "todo/due": 2 }]], expect: { fired: { overdue: 2 } } }],
    ["an expected error code", { name: "c", given: [[{ "todo/title": "x", "todo/due": "soon" }]], expect: { error: "store/type-violation" } }],
    ["an expected error code and message", { name: "c", given: [[{ "todo/title": "x", "todo/due": "soon" }]], expect: { error: { code: "store/type-violation", message: "todo/due" } } }],
    ["upsert and retract steps", { name: "c", given: [{ retract: [[["todo/title", "write"], "todo/due", 5]] }, { upsert: [{ "todo/title": "read", "todo/done": true }] }], expect: { queries: { "overdue-todos": [], "open-todos": [{ t: any, title: "write" }] } } }],
    ["unordered sets in expectations", { name: "c", expect: { queries: [{ query: "open-todos", rows: [{ t: any, title: "write" }, { t: any, title: "read" }] }], entities: [{ "todo/tags": set([kw("work")]) }] } }],
  ])("%s", async (_name, c) => {
    expect(await failuresOf(c, { store: { preset: "datomic" } })).toEqual([]);
  });

  it("skipped cases are reported as skipped", async () => {
    const r = await runSpec(spec([{ name: "s", skip: true, expect: { fired: { overdue: 99 } } }]));
    expect(r.cases.map((c) => c.status)).toEqual(["skipped"]);
    expect([r.passed, r.failed, r.skipped]).toEqual([0, 0, 1]);
  });

  it("results do not depend on eid numbering or on the order facts arrive in", async () => {
    // the same case passes whatever the order of the fixture's entities and however many unrelated
    // entities were created first (which shifts every eid)
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), fc.nat({ max: 5 }), async (order, padding) => {
        const background = [Array.from({ length: padding }, (_, i) => ({ "pad/n": i })), order.map((i) => facts[i])];
        const r = await runSpec(
          spec(
            [{ name: "c", expect: { queries: { "overdue-todos": [{ t: v("w"), title: "write" }], "open-todos": [{ t: v("w"), title: "write" }, { t: v("r"), title: "read" }] } } }],
            { background },
          ),
        );
        return r.failed === 0;
      }),
      { numRuns: 15 },
    );
  });
});

describe("runSpec: failures are explained", () => {
  it.each<[string, CaseInput, readonly string[]]>([
    [
      "a wrong value: missing, unexpected and the nearest row",
      { name: "c", expect: { queries: [{ query: "by-title", params: { title: "read" }, rows: [{ t: any, title: "reed" }] }] } },
      ['query by-title {:title "read"} (exact): expected 1 rows, got 1\n  - missing    {:t _, :title "reed"}\n  + unexpected {:t 2, :title "read"}\n    nearest to {:t _, :title "reed"}: :title expected "reed", got "read"'],
    ],
    [
      "a missing row in exact mode",
      { name: "c", expect: { queries: { "open-todos": [{ t: any, title: "read" }] } } },
      ['query open-todos (exact): expected 1 rows, got 2\n  + unexpected {:t 1, :title "write"}'],
    ],
    [
      "an extra key",
      { name: "c", expect: { queries: { "overdue-todos": [{ title: "write" }] } } },
      ['query overdue-todos (exact): expected 1 rows, got 1\n  - missing    {:title "write"}\n  + unexpected {:t 1, :title "write"}\n    nearest to {:title "write"}: unexpected key(s) :t'],
    ],
    [
      "two placeholders cannot name one entity",
      { name: "c", expect: { queries: { "overdue-todos": [{ t: v("a"), title: "write" }] }, entities: [{ "eav/eid": v("b"), "todo/title": "write" }] } },
      ["each expectation holds on its own, but no single assignment of the placeholders satisfies all of them (query overdue-todos (exact); entities (contains)): a placeholder names different entities in different places"],
    ],
    [
      "a contains-entity with a wrong attribute",
      { name: "c", expect: { entities: [{ "todo/title": "read", "todo/due": 20, "todo/overdue": true }] } },
      ['entities (contains): expected at least 1 entities, got 4\n  - missing    {:todo/title "read", :todo/due 20, :todo/overdue true}\n    nearest to {:todo/title "read", :todo/due 20, :todo/overdue true}: :todo/overdue expected true, got nothing'],
    ],
    [
      "entities exact: an entity too many",
      { name: "c", expect: { entitiesMode: "exact", entities: [{ "eav/eid": kw("clock"), "clock/today": 10 }] } },
      ['entities (exact): expected 1 entities, got 4\n  + unexpected {:eav/eid 1, :todo/title "write", :todo/due 5, :todo/tags [:work], :todo/overdue true}\n  + unexpected {:eav/eid 2, :todo/title "read", :todo/due 20}\n  + unexpected {:eav/eid 3, :todo/title "ship", :todo/due 3, :todo/done true}'],
    ],
    ["a firing count", { name: "c", expect: { fired: { overdue: 3 } } }, ["fired: overdue fired 1 time(s), expected 3"]],
    ["an unknown rule", { name: "c", expect: { fired: { nope: 0 } } }, ["fired: there is no rule named nope"]],
    ["an unknown query", { name: "c", expect: { queries: { nope: [] } } }, ["query nope (exact): rules/unknown-query: no query named nope in this network"]],
    ["an unresolvable #ref", { name: "c", expect: { entities: [{ "eav/eid": ref("todo/title", "zzz") }] } }, ['entities (contains): #ref [:todo/title "zzz"]: no entity has :todo/title "zzz"']],
    ["an unknown tempid", { name: "c", expect: { entities: [{ "eav/eid": tempid("q") }] } }, ['entities (contains): #tempid "q": no step used the tempid "q"']],
    ["an error that did not happen", { name: "c", expect: { error: "store/unique-conflict" } }, ["expected error store/unique-conflict, but every step succeeded"]],
  ])("%s", async (_name, c, expected) => {
    const failures = await failuresOf(c);
    expect(failures).toEqual(expected);
  });

  it("a step that fails unexpectedly names the step and the error", async () => {
    const failures = await failuresOf({ name: "c", given: [[], [{ "todo/title": "x", "todo/due": "soon" }]], expect: { queries: { "overdue-todos": [] } } }, { store: { preset: "datomic" } });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^step 2 of :given failed: store\/type-violation: /);
  });

  it("a different error code is a failure", async () => {
    const failures = await failuresOf({ name: "c", given: [[{ "todo/title": "x", "todo/due": "soon" }]], expect: { error: "store/unique-conflict" } }, { store: { preset: "datomic" } });
    expect(failures[0]).toMatch(/^expected error store\/unique-conflict, but step 1 of :given failed with store\/type-violation: /);
  });
});

describe("runSpec with rule data", () => {
  it("takes rules from the tagged template and host functions", async () => {
    const shout = (s: unknown): string => String(s).toUpperCase();
    const { rules } = createDsl({ functions: { shout } });
    const productions = rules`
      (defrule loud [?t :todo/title ?x] => (upsert! [?t :todo/loud (shout ?x)]))
      (defquery loud-titles [] [?t :todo/loud ?l])`;
    const r = await runSpec(
      { rules: productions, cases: [{ name: "loud", given: [[{ "todo/title": "a" }, { "todo/title": "b" }]], expect: { queries: { "loud-titles": [{ t: any, l: "A" }, { t: any, l: "B" }] } } }] },
      { functions: { shout } },
    );
    expect(r.cases.map((c) => [c.status, c.failures])).toEqual([["passed", []]]);
  });

  it("gives up on a hopeless search instead of hanging, and says so", async () => {
    // 9 interchangeable rows against 9 expected rows, one of which can never match: every
    // permutation is a candidate, far more than the search budget allows
    const given = [Array.from({ length: 9 }, (_, i) => ({ "todo/title": `t${i}`, "todo/due": 1 }))];
    const rows = [...Array.from({ length: 8 }, (_, i) => ({ t: v(`t${i}`), title: any })), { t: any, title: "nope" }];
    const r = await runSpec(spec([{ name: "c", given, expect: { queries: { "open-todos": rows } } }], { background: [] }));
    expect(r.cases[0]?.failures).toEqual(["the expectations could not be checked: too many interchangeable rows (the search gave up); use fewer placeholders or more distinguishing values"]);
  });
});

describe("spec files", () => {
  const files = project({
    "todos.rules": TODO_RULES,
    "schema.edn": TODO_SCHEMA,
    "facts.edn": TODO_FACTS,
    "ok.spec.edn": `{:name "todos" :rules ["todos.rules"] :schema "schema.edn" :background [{:facts "facts.edn"}]
      :cases [{:name "overdue" :expect {:queries {overdue-todos [{:t ?w :title "write"}]}
                                        :entities [{:db/id ?w :todo/tags #{:work}}]}}
              {:name "by title" :expect {:queries [{:query by-title :params {?title "read"} :rows [{:t #ref [:todo/title "read"] :title "read"}]}]}}]}`,
    "bad.spec.edn": `{:rules ["todos.rules"] :cases [{:name "x" :expect {:querys {}}}]}`,
    "symbol.spec.edn": `{:rules ["todos.rules"] :cases [{:name "x" :given [[{:todo/title open}]] :expect {}}]}`,
  });

  it("runs an EDN spec file with paths relative to it", async () => {
    const r = await assertSpec(join(files, "ok.spec.edn"));
    expect([r.name, r.passed, r.failed]).toEqual(["todos", 2, 0]);
  });

  it.each([
    ["bad.spec.edn", "cli/invalid-spec", "1:53: at $[:cases][0][:expect][:querys]: unknown key :querys in :expect (known: :queries :entities :entities-mode :entitiesMode :fired :error)"],
    ["symbol.spec.edn", "cli/invalid-fixture", '1:66: at $[:cases][0][:given][0][0][:todo/title]: the symbol open is not a value here: write :open for a keyword or "open" for a string'],
  ])("%s is rejected with its position and path", async (file, code, message) => {
    const e = await runSpec(join(files, file)).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isEavError(e) && e.code).toBe(code);
    expect((e as Error).message).toBe(`${join(files, file)}:${message}`);
  });

  it("a schema the store rejects fails the spec, not each case", async () => {
    const e = await runSpec({ schema: [{ ident: "a/b", cardinality: "one", isComponent: true }], cases: [{ name: "x", expect: {} }] }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isEavError(e, "store/invalid-schema")).toBe(true);
  });

  it("assertSpec throws the report of the failing cases", async () => {
    const e = await assertSpec(spec([{ name: "wrong count", expect: { fired: { overdue: 7 } } }, { name: "fine", expect: {} }])).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(isEavError(e, "cli/spec-failed")).toBe(true);
    expect((e as Error).message).toBe("FAIL todos › wrong count (0 ms)\n     fired: overdue fired 1 time(s), expected 7\n1 passed, 1 failed".replace("(0 ms)", (e as Error).message.match(/\(\d+ ms\)/)?.[0] ?? ""));
  });
});

describe("reports", () => {
  it("text: a line per case, diffs indented, the summary line last", async () => {
    const r = await runSpec(spec([{ name: "a", expect: {} }, { name: "b", expect: { fired: { overdue: 2 } } }]));
    const lines = formatReport([{ kind: "result", ...r }, { kind: "load-failure", file: "x.spec.edn", message: "x.spec.edn: no such file" }]).map((l) => l.replace(/\(\d+ ms\)/, "(T)"));
    expect(lines).toEqual([
      "PASS todos › a (T)",
      "FAIL todos › b (T)",
      "     fired: overdue fired 1 time(s), expected 2",
      "FAIL x.spec.edn: the spec could not run",
      "     x.spec.edn: no such file",
      "1 passed, 2 failed",
    ]);
  });

  it("JUnit XML: suites, cases, failures (escaped), load failures", async () => {
    const r = await runSpec(spec([{ name: "a <1>", expect: {} }, { name: "b", expect: { fired: { overdue: 2 } } }, { name: "c", skip: true, expect: {} }]));
    const x = junitXml([{ kind: "result", ...r }, { kind: "load-failure", file: "x.spec.edn", message: "bad & broken" }]).replace(/time="[\d.]+"/g, 'time="T"');
    expect(x).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="clara-eav" tests="4" failures="2" skipped="1">',
        '  <testsuite name="todos" tests="3" failures="1" skipped="1" time="T">',
        '    <testcase classname="todos" name="a &lt;1&gt;" time="T"/>',
        '    <testcase classname="todos" name="b" time="T">',
        '      <failure message="fired: overdue fired 1 time(s), expected 2">fired: overdue fired 1 time(s), expected 2</failure>',
        "    </testcase>",
        '    <testcase classname="todos" name="c" time="T">',
        "      <skipped/>",
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="x.spec.edn" tests="1" failures="1" skipped="0">',
        '    <testcase classname="x.spec.edn" name="load">',
        '      <failure message="the spec could not run">bad &amp; broken</failure>',
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  });
});
