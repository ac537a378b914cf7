/**
 * Our engine, the full product: an EAV session (src/session) with a schema — `customer/id` and
 * `order/id` unique identity, `order/customer` a ref — running bench/workloads/join.rules.
 * Step 1 upserts every entity map (orders point at their customer by tempid) and fires; step 2
 * upserts one-attribute entity maps that land on existing entities by identity (a changed
 * `order/customer` is a lookup ref) and fires. Every change goes through the store's schema checks.
 */
import { readFileSync } from "node:fs";
import { discountKey, type Customer, type JoinData, type JoinRun, type JoinVariant, type Order } from "../workloads/join.js";
import type { Session, SessionProduction } from "../../src/session/index.js";
import { oursModule, type OursModule } from "./modules.js";
import { BENCH_DIR } from "../harness.js";

/** The join schema, as the store takes it. */
export const JOIN_SCHEMA = [
  { ident: "customer/id", cardinality: "one", unique: "identity" },
  { ident: "order/id", cardinality: "one", unique: "identity" },
  { ident: "order/customer", cardinality: "one", valueType: "ref" },
  { ident: "order/discount", cardinality: "many", valueType: "ref" },
] as const;

let joinRules: readonly SessionProduction[] | undefined;

/** The parsed join rules, parsed once per process (a session caches its network by their identity). */
export function joinRuleSpecs(lib: OursModule): readonly SessionProduction[] {
  joinRules ??= lib.parseRules(readFileSync(new URL("workloads/join.rules", BENCH_DIR), "utf8"), { file: "join.rules" });
  return joinRules;
}

/** Our EAV session with schema. */
export const oursSessionJoin: JoinVariant = {
  name: "ours: session + schema",
  side: "ours",
  async create(data: JoinData): Promise<JoinRun> {
    const lib = await oursModule();
    const rules = joinRuleSpecs(lib);
    const tempid = (c: Customer): string => `customer ${c.id}`;
    let load: Record<string, unknown>[] = [];
    for (const c of data.customers) {
      load.push({ "eav/eid": tempid(c), "customer/id": c.id, "customer/name": c.name, "customer/tier": c.tier, "customer/region": c.region, "customer/credit": c.credit });
    }
    for (const o of data.orders) {
      const c = data.customers[o.customer] as Customer;
      load.push({ "order/id": o.id, "order/customer": tempid(c), "order/amount": o.amount, "order/status": o.status, "order/day": o.day });
    }
    const changes = data.changes.map((ch) => {
      if (ch.kind === "customer") return { "customer/id": (data.customers[ch.index] as Customer).id, [ch.attr]: ch.value };
      const v = ch.attr === "order/customer" ? ["customer/id", (data.customers[ch.value as number] as Customer).id] : ch.value;
      return { "order/id": (data.orders[ch.index] as Order).id, [ch.attr]: v };
    });
    // Creating the session compiles the network (cached by the rules' identity): untimed, like
    // compiling a nools flow.
    let session: Session = lib.createSession({ rules, schema: JOIN_SCHEMA });
    return {
      load() {
        session = session.upsert(load).fire();
        load = [];
      },
      update() {
        session = session.upsert(changes).fire();
      },
      discounts() {
        return new Set(session.query("discounts").map((r) => discountKey(String(r.oid), String(r.cid))));
      },
    };
  },
};
