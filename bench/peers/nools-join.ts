/**
 * nools (a JavaScript Rete engine), two ways: one fact per datom, and one object per entity.
 * nools has no truth maintenance, so the derived set is kept exact the way one does it there: the
 * deriving rule is guarded by `not(Discount ...)` and withdrawal rules retract a Discount whose
 * conditions no longer hold. Per datom, a change retracts the old datom object and asserts the new
 * one; per entity, a change is `modify` of the entity object.
 */
import nools from "nools";
import type { Flow, NoolsSession } from "nools";
import { changeTriples, datomsOf, discountKey, idOfEid, type Customer, type JoinData, type JoinRun, type JoinVariant } from "../workloads/join.js";

const PER_DATOM = `
define Datom { e: 0, a: '', v: null }
define Discount { order: 0, customer: 0 }

rule discount {
  when {
    st: Datom st.a == 'order/status' && st.v == 'open' {e: o};
    am: Datom am.a == 'order/amount' && am.e == o && am.v > 500;
    oc: Datom oc.a == 'order/customer' && oc.e == o {v: c};
    ti: Datom ti.a == 'customer/tier' && ti.e == c && ti.v == 'gold';
    not(d: Discount d.order == o && d.customer == c);
  }
  then { assert(new Discount({order: o, customer: c})); }
}
rule withdrawStatus {
  when {
    d: Discount {order: o};
    not(st: Datom st.a == 'order/status' && st.e == o && st.v == 'open');
  }
  then { retract(d); }
}
rule withdrawAmount {
  when {
    d: Discount {order: o};
    not(am: Datom am.a == 'order/amount' && am.e == o && am.v > 500);
  }
  then { retract(d); }
}
rule withdrawCustomer {
  when {
    d: Discount {order: o, customer: c};
    not(oc: Datom oc.a == 'order/customer' && oc.e == o && oc.v == c);
  }
  then { retract(d); }
}
rule withdrawTier {
  when {
    d: Discount {customer: c};
    not(ti: Datom ti.a == 'customer/tier' && ti.e == c && ti.v == 'gold');
  }
  then { retract(d); }
}
`;

const PER_ENTITY = `
define Customer { eid: 0, id: '', name: '', tier: '', region: '', credit: 0 }
define Order { eid: 0, id: '', customer: 0, amount: 0, status: '', day: 0 }
define Discount { order: 0, customer: 0 }

rule discount {
  when {
    o: Order o.status == 'open' && o.amount > 500 {eid: oe, customer: ce};
    c: Customer c.eid == ce && c.tier == 'gold';
    not(d: Discount d.order == oe && d.customer == ce);
  }
  then { assert(new Discount({order: oe, customer: ce})); }
}
rule withdrawOrder {
  when {
    d: Discount {order: oe, customer: ce};
    not(o: Order o.eid == oe && o.status == 'open' && o.amount > 500 && o.customer == ce);
  }
  then { retract(d); }
}
rule withdrawCustomer {
  when {
    d: Discount {customer: ce};
    not(c: Customer c.eid == ce && c.tier == 'gold');
  }
  then { retract(d); }
}
`;

let flowCounter = 0;

/** Compiles a flow under a fresh name (nools keeps flows in a global registry by name). */
function compileFlow(source: string): { flow: Flow; name: string } {
  const name = `bench-join-${flowCounter++}`;
  return { flow: nools.compile(source, { name }), name };
}

function readDiscounts(session: NoolsSession, flow: Flow, id: (eid: number) => string): Set<string> {
  const out = new Set<string>();
  for (const d of session.getFacts(flow.getDefined("Discount"))) out.add(discountKey(id(d.order as number), id(d.customer as number)));
  return out;
}

/** nools with one fact per datom. */
export const noolsPerDatom: JoinVariant = {
  name: "nools, one fact per datom",
  side: "peer",
  async create(data: JoinData): Promise<JoinRun> {
    const { flow, name } = compileFlow(PER_DATOM);
    const Datom = flow.getDefined("Datom");
    const id = idOfEid(data);
    let facts = datomsOf(data).map(([e, a, v]) => new Datom({ e, a, v }));
    // The live datom object of each (e, a), so that a change can retract exactly it.
    const live = new Map<string, object>();
    for (const f of facts) live.set(`${f.e as number}|${f.a as string}`, f);
    const changes = changeTriples(data).map((c) => ({ key: `${c.e}|${c.a}`, fact: new Datom({ e: c.e, a: c.a, v: c.v }) }));
    const session = flow.getSession();
    return {
      async load() {
        for (const f of facts) session.assert(f);
        facts = [];
        await session.match();
      },
      async update() {
        for (const c of changes) {
          const old = live.get(c.key);
          if (old !== undefined) session.retract(old);
          session.assert(c.fact);
          live.set(c.key, c.fact);
        }
        await session.match();
      },
      discounts() {
        return readDiscounts(session, flow, id);
      },
      dispose() {
        session.dispose();
        nools.deleteFlow(name);
      },
    };
  },
};

/** nools with one object per entity; a change is a `modify` of that object. */
export const noolsPerEntity: JoinVariant = {
  name: "nools, one object per entity",
  side: "peer",
  async create(data: JoinData): Promise<JoinRun> {
    const { flow, name } = compileFlow(PER_ENTITY);
    const CustomerT = flow.getDefined("Customer");
    const OrderT = flow.getDefined("Order");
    const id = idOfEid(data);
    const ceid = (i: number): number => (data.customers[i] as Customer).eid;
    const customers = data.customers.map((c) => new CustomerT({ eid: c.eid, id: c.id, name: c.name, tier: c.tier, region: c.region, credit: c.credit }));
    const orders = data.orders.map((o) => new OrderT({ eid: o.eid, id: o.id, customer: ceid(o.customer), amount: o.amount, status: o.status, day: o.day }));
    const changes = data.changes.map((ch) => {
      const target = ch.kind === "customer" ? customers[ch.index] : orders[ch.index];
      const field = ch.attr.slice(ch.attr.indexOf("/") + 1);
      const value = ch.attr === "order/customer" ? ceid(ch.value as number) : ch.value;
      return { target: target as Record<string, unknown>, field, value };
    });
    const session = flow.getSession();
    return {
      async load() {
        for (const c of customers) session.assert(c);
        for (const o of orders) session.assert(o);
        await session.match();
      },
      async update() {
        for (const c of changes) {
          session.modify(c.target, function () {
            this[c.field] = c.value;
          });
        }
        await session.match();
      },
      discounts() {
        return readDiscounts(session, flow, id);
      },
      dispose() {
        session.dispose();
        nools.deleteFlow(name);
      },
    };
  },
};
