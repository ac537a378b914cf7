/**
 * The floor: a hand-written, incremental hash join in plain JavaScript. It takes the same EAV
 * triples as our engine (explicit entity ids), keeps one record per entity, an index from customer
 * to its orders, and the derived discount map; each datom re-evaluates only the orders it affects.
 */
import { changeTriples, datomsOf, discountKey, idOfEid, type JoinData, type JoinRun, type JoinVariant } from "../workloads/join.js";

interface Rec {
  status?: unknown;
  amount?: unknown;
  customer?: number;
  tier?: unknown;
}

class PlainJoin {
  readonly recs = new Map<number, Rec>();
  readonly ordersOf = new Map<number, Set<number>>();
  /** order eid -> customer eid, for every order that qualifies. */
  readonly discounts = new Map<number, number>();

  private rec(e: number): Rec {
    let r = this.recs.get(e);
    if (r === undefined) {
      r = {};
      this.recs.set(e, r);
    }
    return r;
  }

  /** Sets a card-one attribute (the old value, if any, is replaced) and re-evaluates what depends on it. */
  set(e: number, a: string, v: unknown): void {
    const r = this.rec(e);
    switch (a) {
      case "order/status":
        r.status = v;
        this.evalOrder(e, r);
        return;
      case "order/amount":
        r.amount = v;
        this.evalOrder(e, r);
        return;
      case "order/customer": {
        if (r.customer !== undefined) this.ordersOf.get(r.customer)?.delete(e);
        const c = v as number;
        r.customer = c;
        let set = this.ordersOf.get(c);
        if (set === undefined) {
          set = new Set();
          this.ordersOf.set(c, set);
        }
        set.add(e);
        this.evalOrder(e, r);
        return;
      }
      case "customer/tier":
        r.tier = v;
        for (const o of this.ordersOf.get(e) ?? []) this.evalOrder(o, this.rec(o));
        return;
      default:
        // Attributes the rule does not read are still stored, as a database would.
        (r as Record<string, unknown>)[a] = v;
        return;
    }
  }

  private evalOrder(e: number, r: Rec): void {
    const c = r.customer;
    const ok = c !== undefined && r.status === "open" && typeof r.amount === "number" && r.amount > 500 && this.recs.get(c)?.tier === "gold";
    if (ok) this.discounts.set(e, c);
    else this.discounts.delete(e);
  }
}

/** The plain-JavaScript floor. */
export const plainJoin: JoinVariant = {
  name: "plain JS hash join (floor)",
  side: "peer",
  async create(data: JoinData): Promise<JoinRun> {
    let datoms = datomsOf(data);
    const changes = changeTriples(data);
    const id = idOfEid(data);
    const db = new PlainJoin();
    return {
      load() {
        for (const [e, a, v] of datoms) db.set(e, a, v);
        datoms = []; // the input is the caller's: release it so memory figures count the join only
      },
      update() {
        for (const c of changes) db.set(c.e, c.a, c.v);
      },
      discounts() {
        const out = new Set<string>();
        for (const [o, c] of db.discounts) out.add(discountKey(id(o), id(c)));
        return out;
      },
    };
  },
};
