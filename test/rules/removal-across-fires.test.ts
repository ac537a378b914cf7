// A token removed in a later fire than the one that made it must leave every left memory it was
// put in (its node's children compute its join key again to find it): if it stayed behind, it
// would pair with facts that arrive after it is gone. Join chains keyed by different variables and
// a negation, with nodes that are their parent's only child and nodes shared by two queries.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { compileRules, newRuleSession, not_, pattern, query, type Network, type RuleSession } from "../../src/rules/index.js";

// a chain of joins, each the only child of the one before, keyed by ?o then by ?c
const chain = query("chain", [], [pattern("?o", "o/status", "open"), pattern("?o", "o/amount", "?a"), pattern("?o", "o/customer", "?c"), pattern("?c", "c/tier", "gold")]);
// a negation, the only child of its pattern unless the pattern's node is shared
const unpaid = query("unpaid", [], [pattern("?o", "o/status", "open"), not_(pattern("?o", "o/paid", true))]);
// alone, every node is its parent's only child; together the status pattern's node has two children
const nets: ReadonlyArray<readonly [string, Network]> = [
  ["alone", compileRules([chain])],
  ["sharing a node", compileRules([chain, unpaid])],
];
const negNets: ReadonlyArray<readonly [string, Network]> = [
  ["alone", compileRules([unpaid])],
  ["sharing a node", compileRules([chain, unpaid])],
];

const rows = (s: RuleSession, q: string): string[] => s.query(q).map((r) => JSON.stringify(r)).sort();

describe("tokens removed in a later fire", () => {
  it.each(nets)("a token removed in a later fire leaves every left memory of a join chain (%s)", (_how, net) => {
    const s1 = newRuleSession(net)
      .insert([eav(1, "o/status", "open"), eav(1, "o/amount", 5), eav(1, "o/customer", 9), eav(9, "c/tier", "gold")])
      .fire();
    expect(rows(s1, "chain")).toEqual(['{"o":1,"a":5,"c":9}']);
    // an unrelated fire in between, then the tokens go: the status one (key ?o), the customer one (key ?c)
    const s2 = s1.insert([eav(2, "o/status", "closed")]).fire();
    const s3 = s2.retract([eav(1, "o/status", "open"), eav(1, "o/customer", 9)]).fire();
    expect(rows(s3, "chain")).toEqual([]);
    // facts arriving for the removed tokens' keys must find nothing to pair with
    const s4 = s3.retract([eav(1, "o/amount", 5)]).insert([eav(1, "o/amount", 6), eav(9, "c/tier", "silver")]).fire();
    expect(rows(s4, "chain")).toEqual([]);
    const s5 = s4.retract([eav(9, "c/tier", "silver")]).insert([eav(9, "c/tier", "gold"), eav(1, "o/customer", 9)]).fire();
    expect(rows(s5, "chain")).toEqual([]);
    // open again: the chain comes back with the current facts
    const s6 = s5.insert([eav(1, "o/status", "open")]).fire();
    expect(rows(s6, "chain")).toEqual(['{"o":1,"a":6,"c":9}']);
    // old values are intact (their memories are rewound through the journals)
    expect(rows(s1, "chain")).toEqual(['{"o":1,"a":5,"c":9}']);
    expect(rows(s3, "chain")).toEqual([]);
    // and an old value fired again removes its own tokens just as well
    const s1b = s1.retract([eav(1, "o/customer", 9)]).insert([eav(1, "o/customer", 8), eav(8, "c/tier", "gold")]).fire();
    expect(rows(s1b, "chain")).toEqual(['{"o":1,"a":5,"c":8}']);
    expect(rows(s1b.insert([eav(9, "c/tier", "silver")]).retract([eav(9, "c/tier", "gold")]).fire(), "chain")).toEqual(['{"o":1,"a":5,"c":8}']);
  });

  it.each(negNets)("a token removed in a later fire leaves a negation's memory (%s)", (_how, net) => {
    const s1 = newRuleSession(net).insert([eav(1, "o/status", "open")]).fire();
    expect(rows(s1, "unpaid")).toEqual(['{"o":1}']);
    const s2 = s1.retract([eav(1, "o/status", "open")]).fire();
    // paid then unpaid again: the removed token must not come back through the negation
    const s3 = s2.insert([eav(1, "o/paid", true)]).fire().retract([eav(1, "o/paid", true)]).fire();
    expect(rows(s3, "unpaid")).toEqual([]);
    expect(rows(s3.insert([eav(1, "o/status", "open")]).fire(), "unpaid")).toEqual(['{"o":1}']);
    expect(rows(s1, "unpaid")).toEqual(['{"o":1}']);
  });
});
