// clara-eav's own behaviour (test/clara_eav/rules_test.cljc and its README), re-expressed.
import { describe, expect, it } from "vitest";
import { EAV, kw } from "../../src/eav/index.js";
import { createSession, type Session } from "../../src/session/index.js";
import { acc, pat, query, rule, storeEqualsMemory } from "./support.js";

const flakes = { "todo/text": "Buy flakes", "todo/done": false };
const cookieA = { "todo/text": "Buy cookie a", "todo/done": false };
const cookieB = { "todo/text": "Buy cookie b", "todo/done": false };

const rules = [
  rule("milk-and-flakes-r", [pat("_", "todo/text", "Buy milk")], (ctx) => ctx.upsertUnconditional(flakes)),
  rule("milk2-and-cookies-r", [pat("_", "todo/text", "Buy milk2")], (ctx) => ctx.upsert([cookieA, cookieB])),
  rule("remove-r", [pat(kw("remove"), "eav/transient", "?e"), pat("?e", "?a", "?v", "?eav")], (ctx) => ctx.retract(ctx.bindings.eav)),
  query("todo-q", ["?e"], [acc("?todo", "entity", pat("?e"))]),
  query("todos-q", [], [pat("?e", "todo/text"), acc("?todos", "entities", pat("?e"))]),
  query("transients-q", [], [pat("_", "eav/transient", "_", "?transient")]),
];

const fresh = () => createSession({ rules });
const upsert = (s: Session, tx: unknown) => s.upsert(tx).fire();
const retract = (s: Session, tx: unknown) => s.retract(tx).fire();
const todo = (s: Session, e: unknown) => s.query("todo-q", { e })[0]?.todo;
const todos = (s: Session) => s.query("todos-q").flatMap((r) => r.todos as unknown[]);
const byEid = (xs: unknown[]) => [...xs].sort((a, b) => String((a as Record<string, unknown>)["eav/eid"]).localeCompare(String((b as Record<string, unknown>)["eav/eid"])));

describe("clara-eav rules_test, step by step", () => {
  const NEW = kw("new");
  const new1 = { "eav/eid": NEW, "todo/text": "...", "todo/done": false };
  const milk1 = { "todo/text": "Buy milk", "todo/done": false };
  const eggs1 = { "todo/text": "Buy eggs", "todo/done": true };

  const s1 = upsert(fresh(), [new1, milk1, eggs1]);
  const new2 = { ...new1, "todo/text": "!!!" };
  const milk2 = { "eav/eid": 1, "todo/text": "Buy milk2", "todo/done": false };
  const ham2 = { "todo/text": "Buy ham", "todo/done": false };
  const s2 = upsert(s1, [new2, milk2, ham2]);
  const eggs3 = { ...eggs1, "eav/eid": 2 };
  const s3 = retract(s2, [new2, eggs3]);
  const s4 = upsert(s3, [
    [kw("remove"), "eav/transient", 5],
    [kw("remove"), "eav/transient", 6],
  ]);
  const toast5 = { "eav/eid": "toast-tempid", "todo/text": "Buy toast", "todo/done": true };
  const jam5 = { "eav/eid": -7, "todo/text": "Buy jam", "todo/done": true };
  const s5 = upsert(s4, [toast5, jam5]);

  it("1: upsert from the caller; upsert-unconditional! from a rule; entity and entities accumulators", () => {
    expect(todo(s1, NEW)).toEqual(new1);
    expect(byEid(todos(s1))).toEqual(
      byEid([new1, { ...milk1, "eav/eid": 1 }, { ...eggs1, "eav/eid": 2 }, { ...flakes, "eav/eid": 3 }]),
    );
    expect(s1.store.maxEid).toBe(3);
  });

  it("2: card-one replace from the caller; upsert! from a rule; unconditional facts survive", () => {
    expect(todo(s2, NEW)).toEqual(new2);
    expect(byEid(todos(s2))).toEqual(
      byEid([
        { ...eggs1, "eav/eid": 2 },
        { ...flakes, "eav/eid": 3 },
        new2,
        milk2,
        { ...ham2, "eav/eid": 4 },
        { ...cookieA, "eav/eid": 5 },
        { ...cookieB, "eav/eid": 6 },
      ]),
    );
    expect(s2.store.maxEid).toBe(6);
  });

  it("3: retract from the caller", () => {
    expect(todo(s3, NEW)).toBeUndefined();
    expect(byEid(todos(s3))).toEqual(
      byEid([{ ...flakes, "eav/eid": 3 }, milk2, { ...ham2, "eav/eid": 4 }, { ...cookieA, "eav/eid": 5 }, { ...cookieB, "eav/eid": 6 }]),
    );
  });

  it("4: transient commands run through the rules, retract entities, and are gone after fire", () => {
    expect(byEid(todos(s4))).toEqual(byEid([{ ...flakes, "eav/eid": 3 }, milk2, { ...ham2, "eav/eid": 4 }]));
    expect(s4.query("transients-q")).toEqual([]);
    expect(s4.entity(5)).toBeUndefined();
    expect(s4.entity(6)).toBeUndefined();
  });

  it("5: string and negative-integer tempids resolve, and the map says how", () => {
    expect(new Map(s5.tempids)).toEqual(
      new Map<string | number, number>([
        ["toast-tempid", 7],
        [-7, 8],
      ]),
    );
    expect(todo(s5, 7)).toEqual({ ...toast5, "eav/eid": 7 });
    expect(todo(s5, 8)).toEqual({ ...jam5, "eav/eid": 8 });
    expect(s5.query("transients-q")).toEqual([]);
  });

  it("every step left the store equal to working memory", () => {
    for (const s of [s1, s2, s3, s4, s5]) expect(storeEqualsMemory(s)).toBe(true);
  });
});

describe("nil values", () => {
  it.each<[string, unknown]>([
    ["entity map", { "eav/eid": 1, "todo/text": null }],
    ["EAV", new EAV(1, "todo/text", null)],
    ["triple", [1, "todo/text", null]],
  ])("upserting a nil value as %s", (_label, tx) => {
    expect(todo(upsert(fresh(), tx), 1)).toEqual({ "eav/eid": 1, "todo/text": null });
  });

  it("a pattern can match nil", () => {
    const q = query("nil-text", [], [pat("?e", "todo/text", null)]);
    const s = createSession({ rules: [q] }).upsert([[1, "todo/text", null], [2, "todo/text", "x"]]).fire();
    expect(s.query("nil-text")).toEqual([{ e: 1 }]);
  });
});

describe("the README sample", () => {
  it("upserts an entity map under a keyword eid and reads it back with the entity accumulator", () => {
    const s = createSession({ rules: [query("todo-q", ["?e"], [acc("?todo", "entity", pat("?e"))])] })
      .upsert({ "eav/eid": kw("new"), "todo/text": "...", "todo/done": false })
      .fire();
    expect(s.query("todo-q", { "?e": kw("new") })).toEqual([{ e: kw("new"), todo: { "eav/eid": kw("new"), "todo/text": "...", "todo/done": false } }]);
  });
});

