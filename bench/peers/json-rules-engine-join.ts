/**
 * json-rules-engine, per order: the rule is a json-rules-engine rule over the facts of one order
 * (its status and amount, and its customer's tier). json-rules-engine keeps no working memory, so
 * this variant keeps the records itself (plus an index from customer to orders) and, on a change,
 * re-runs the rule for the orders the change can affect: the changed order, or every order of a
 * customer whose tier changed (the only customer attribute the rule reads).
 */
import { Engine } from "json-rules-engine";
import {
  applyCustomer,
  applyOrder,
  discountKey,
  type Change,
  type Customer,
  type JoinData,
  type JoinRun,
  type JoinVariant,
  type Order,
} from "../workloads/join.js";

const RULE = {
  name: "discount",
  conditions: {
    all: [
      { fact: "status", operator: "equal", value: "open" },
      { fact: "amount", operator: "greaterThan", value: 500 },
      { fact: "tier", operator: "equal", value: "gold" },
    ],
  },
  event: { type: "discount" },
};

/** json-rules-engine, one run per affected order. */
export const jsonRulesEngineJoin: JoinVariant = {
  name: "json-rules-engine per order",
  side: "peer",
  async create(data: JoinData): Promise<JoinRun> {
    const engine = new Engine([RULE]);
    const inputCustomers = data.customers.map((c) => ({ ...c }));
    const inputOrders = data.orders.map((o) => ({ ...o }));
    const changes: readonly Change[] = data.changes;
    let customers: Customer[] = [];
    let orders: Order[] = [];
    const ordersOf = new Map<number, Set<number>>();
    const discounts = new Map<number, number>();

    const evaluate = async (oi: number): Promise<void> => {
      const o = orders[oi] as Order;
      const c = customers[o.customer] as Customer;
      const { events } = await engine.run({ status: o.status, amount: o.amount, tier: c.tier });
      if (events.length > 0) discounts.set(oi, o.customer);
      else discounts.delete(oi);
    };
    const index = (oi: number, ci: number): void => {
      let s = ordersOf.get(ci);
      if (s === undefined) {
        s = new Set();
        ordersOf.set(ci, s);
      }
      s.add(oi);
    };

    return {
      async load() {
        customers = inputCustomers;
        orders = inputOrders;
        for (let i = 0; i < orders.length; i++) index(i, (orders[i] as Order).customer);
        for (let i = 0; i < orders.length; i++) await evaluate(i);
      },
      async update() {
        const affected = new Set<number>();
        for (const ch of changes) {
          if (ch.kind === "customer") {
            applyCustomer(customers[ch.index] as Customer, ch.attr, ch.value);
            if (ch.attr === "customer/tier") for (const oi of ordersOf.get(ch.index) ?? []) affected.add(oi);
          } else {
            const o = orders[ch.index] as Order;
            if (ch.attr === "order/customer") {
              ordersOf.get(o.customer)?.delete(ch.index);
              index(ch.index, ch.value as number);
            }
            applyOrder(o, ch.attr, ch.value);
            affected.add(ch.index);
          }
        }
        for (const oi of affected) await evaluate(oi);
      },
      discounts() {
        const out = new Set<string>();
        for (const [oi, ci] of discounts) out.add(discountKey((orders[oi] as Order).id, (customers[ci] as Customer).id));
        return out;
      },
    };
  },
};
