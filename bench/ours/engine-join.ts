/**
 * Our engine straight, without the session and its store: src/rules' compileRules and
 * newRuleSession over EAV facts with explicit entity ids. The conditions are those of
 * bench/workloads/join.rules; the action inserts the discount EAV logically through the engine's
 * own context (the DSL's `upsert!` is a session action). Step 2 retracts each changed attribute's
 * old EAV and inserts the new one, then fires: without a store there is no cardinality to do it.
 */
import type { Eid, Value } from "../../src/eav/index.js";
import type { ActionContext, ProductionSpec } from "../../src/rules/spec.js";
import { changeTriples, datomsOf, discountKey, idOfEid, type JoinData, type JoinRun, type JoinVariant } from "../workloads/join.js";
import type { Network, RuleSession } from "../../src/rules/index.js";
import { oursModule, type OursModule } from "./modules.js";
import { joinRuleSpecs } from "./session-join.js";

let productions: readonly ProductionSpec[] | undefined;

/** The join rule with an engine-level action: insert [?o :order/discount ?c], truth-maintained. */
function engineProductions(lib: OursModule): readonly ProductionSpec[] {
  const { eav } = lib;
  productions ??= (joinRuleSpecs(lib) as readonly ProductionSpec[]).map((p): ProductionSpec =>
    p.kind === "rule"
      ? {
          ...p,
          action: {
            kind: "fn",
            fn: (ctx: ActionContext) => ctx.insert(eav(ctx.bindings.o as Eid, "order/discount", ctx.bindings.c as Value)),
            uses: ["o", "c"],
          },
        }
      : p,
  );
  return productions;
}

let network: Network | undefined;

/** Our Rete engine fed EAV facts directly. */
export const oursEngineJoin: JoinVariant = {
  name: "ours: engine straight (EAV, no store)",
  side: "ours",
  async create(data: JoinData): Promise<JoinRun> {
    const lib = await oursModule();
    const { compileRules, newRuleSession, eav } = lib;
    network ??= compileRules(engineProductions(lib));
    const id = idOfEid(data);
    let facts = datomsOf(data).map(([e, a, v]) => eav(e, a, v));
    const triples = changeTriples(data);
    const retracts = triples.map((c) => eav(c.e, c.a, c.old));
    const inserts = triples.map((c) => eav(c.e, c.a, c.v));
    let session: RuleSession = newRuleSession(network);
    return {
      load() {
        session = session.insert(facts).fire();
        facts = [];
      },
      update() {
        session = session.retract(retracts).insert(inserts).fire();
      },
      discounts() {
        return new Set(session.query("discount-eids").map((r) => discountKey(id(r.o as number), id(r.c as number))));
      },
    };
  },
};
