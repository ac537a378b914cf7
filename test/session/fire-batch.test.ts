// A fire runs its actions' store transactions as one batch (store/transact.ts TxBatch): each
// transaction writes in place the entity-index nodes earlier ones of the fire made. Nothing of
// that may show: the session before the fire, a store an action read through `ctx.store`, and the
// stores of a report `ctx.transact` returned all stay values, and a failed fire changes nothing.
import { describe, expect, it } from "vitest";
import type { EAV } from "../../src/eav/index.js";
import { createSession, type Session, type SessionConfig } from "../../src/session/index.js";
import type { Store } from "../../src/store/index.js";
import { pat, rule, storeEqualsMemory } from "./support.js";

const schema = [{ ident: "person/email", cardinality: "one" as const, unique: "identity" as const }];
const lines = (datoms: readonly EAV[]): string[] => datoms.map((d) => `${String(d.e)} ${d.a} ${JSON.stringify(d.v)}`).sort();
const datomsOf = (s: Store): string[] => lines(s.datoms());

/** 150 people: their eids share trie leaves, so the fire's transactions touch shared nodes. */
function people(rules: NonNullable<SessionConfig["rules"]>): Session {
  const maps = Array.from({ length: 150 }, (_, i) => ({ "person/email": `p${i}@x` }));
  return createSession({ rules, schema }).upsert(maps);
}

describe("a fire's store transactions", () => {
  it("a store an action read keeps its datoms while later actions of the fire change the store", () => {
    const seen: Array<{ store: Store; datoms: string[] }> = [];
    const rules = [
      rule("greet", [pat("?p", "person/email", "_")], (ctx) => {
        ctx.upsert([ctx.bindings.p, "person/greeted", true]);
        if (ctx.bindings.p === 3 || ctx.bindings.p === 70) seen.push({ store: ctx.store, datoms: datomsOf(ctx.store) });
      }),
    ];
    const s1 = people(rules).fire();
    expect(seen).toHaveLength(2);
    for (const { store, datoms } of seen) expect(datomsOf(store)).toEqual(datoms);
    expect(s1.store.datoms().filter((d) => d.a === "person/greeted")).toHaveLength(150);
    expect(storeEqualsMemory(s1)).toBe(true);
  });

  it("the stores of a report ctx.transact returned stay as they were", () => {
    const reports: Array<{ before: Store; after: Store; beforeDatoms: string[]; afterDatoms: string[] }> = [];
    // greetings first (two of them transact and keep the report), then a second pass over
    // everyone: it writes again the nodes the first pass made, shared with the reports' stores
    const rules = [
      rule(
        "greet",
        [pat("?p", "person/email", "_")],
        (ctx) => {
          ctx.upsert([ctx.bindings.p, "person/greeted", true]);
          if (ctx.bindings.p === 5 || ctx.bindings.p === 140) {
            const r = ctx.transact([["db/add", ctx.bindings.p, "person/vip", true]]);
            reports.push({ before: r.before, after: r.after, beforeDatoms: datomsOf(r.before), afterDatoms: datomsOf(r.after) });
          }
        },
        { salience: 10 },
      ),
      rule("check", [pat("?p", "person/greeted", true)], (ctx) => ctx.upsert([ctx.bindings.p, "person/checked", true])),
    ];
    const s1 = people(rules).fire();
    expect(reports).toHaveLength(2);
    for (const r of reports) {
      expect(datomsOf(r.before)).toEqual(r.beforeDatoms);
      expect(datomsOf(r.after)).toEqual(r.afterDatoms);
      expect(r.afterDatoms.length).toBe(r.beforeDatoms.length + 1);
    }
    expect(s1.store.datoms().filter((d) => d.a === "person/checked")).toHaveLength(150);
  });

  it("the session before the fire is unchanged, and a failed fire changes nothing", () => {
    let fail = true;
    const rules = [
      rule("greet", [pat("?p", "person/email", "_")], (ctx) => {
        ctx.upsert([ctx.bindings.p, "person/greeted", true]);
        if (fail && ctx.bindings.p === 120) throw new Error("boom");
      }),
    ];
    const s0 = people(rules);
    const before = datomsOf(s0.store);
    expect(() => s0.fire()).toThrow(/boom/);
    expect(datomsOf(s0.store)).toEqual(before);
    fail = false;
    const s1 = s0.fire();
    expect(datomsOf(s0.store)).toEqual(before);
    expect(s1.store.datoms().filter((d) => d.a === "person/greeted")).toHaveLength(150);
    expect(storeEqualsMemory(s1)).toBe(true);
    // the session after the fire is a value too: another fire from it leaves it as it is
    const after = datomsOf(s1.store);
    s1.upsert({ "person/email": "late@x" }).fire();
    expect(datomsOf(s1.store)).toEqual(after);
  });

  it("truth maintenance's withdrawals are in the store before an action reads or changes it", () => {
    // the withdrawals are queued and run as one transaction when the store is next read
    const derivedOf = (store: Store, p: number): boolean => store.has({ e: p, a: "person/derived", v: true } as EAV);
    const seen: string[] = [];
    const rules = [
      rule("derive", [pat("?p", "person/on", true)], (ctx) => ctx.upsert([ctx.bindings.p, "person/derived", true])),
      rule("read", [pat("?p", "person/read", true)], (ctx) => {
        seen.push(`read ${String(derivedOf(ctx.store, ctx.bindings.p as number))}`);
      }),
      rule("write", [pat("?p", "person/write", true)], (ctx) => {
        const r = ctx.transact([["db/add", ctx.bindings.p, "person/written", true]]);
        seen.push(`write ${String(derivedOf(r.before, ctx.bindings.p as number))}`);
      }),
    ];
    const on = people(rules).upsert([[5, "person/on", true], [6, "person/on", true]]).fire();
    expect(on.store.datoms().filter((d) => d.a === "person/derived")).toHaveLength(2);
    // in one fire, the caller's retraction withdraws the derived fact before the action runs
    const s = on.retract([[5, "person/on", true]]).upsert([[5, "person/read", true]]).fire();
    const t = on.retract([[5, "person/on", true]]).upsert([[5, "person/write", true]]).fire();
    expect(seen).toEqual(["read false", "write false"]);
    // and at the end of a fire where nothing reads the store
    const u = on.retract([[6, "person/on", true]]).fire();
    for (const [x, left] of [[s, 6], [t, 6], [u, 5]] as const) {
      expect(x.store.datoms().filter((d) => d.a === "person/derived").map((d) => d.e)).toEqual([left]);
      expect(storeEqualsMemory(x)).toBe(true);
    }
  });
});
