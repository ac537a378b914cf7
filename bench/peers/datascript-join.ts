/**
 * DataScript (the `datascript` npm package): entity maps transacted with a schema (identity on
 * `customer/id` and `order/id`, `order/customer` a ref given as a lookup ref), then a Datalog query
 * recomputed after each step. DataScript has no rules, so the query IS the derivation and is timed.
 */
import ds from "datascript";
import { discountKey, type Customer, type JoinData, type JoinRun, type JoinVariant } from "../workloads/join.js";

const SCHEMA = {
  "customer/id": { ":db/unique": ":db.unique/identity" },
  "order/id": { ":db/unique": ":db.unique/identity" },
  "order/customer": { ":db/valueType": ":db.type/ref" },
};

const QUERY =
  '[:find ?oid ?cid :where [?o "order/status" "open"] [?o "order/amount" ?a] [(> ?a 500)] ' +
  '[?o "order/customer" ?c] [?c "customer/tier" "gold"] [?o "order/id" ?oid] [?c "customer/id" ?cid]]';

/** DataScript transact + query. */
export const datascriptJoin: JoinVariant = {
  name: "DataScript transact + query",
  side: "peer",
  async create(data: JoinData): Promise<JoinRun> {
    const cid = (i: number): string => (data.customers[i] as Customer).id;
    let load: Record<string, unknown>[] = [];
    let tempid = -1;
    for (const c of data.customers) {
      load.push({ ":db/id": tempid--, "customer/id": c.id, "customer/name": c.name, "customer/tier": c.tier, "customer/region": c.region, "customer/credit": c.credit });
    }
    for (const o of data.orders) {
      load.push({
        ":db/id": tempid--,
        "order/id": o.id,
        "order/customer": ["customer/id", cid(o.customer)],
        "order/amount": o.amount,
        "order/status": o.status,
        "order/day": o.day,
      });
    }
    const changes = data.changes.map((ch) => {
      if (ch.kind === "customer") return [":db/add", ["customer/id", cid(ch.index)], ch.attr, ch.value];
      const oid = (data.orders[ch.index] as { id: string }).id;
      const v = ch.attr === "order/customer" ? ["customer/id", cid(ch.value as number)] : ch.value;
      return [":db/add", ["order/id", oid], ch.attr, v];
    });
    let db = ds.empty_db(SCHEMA);
    let rows: unknown[][] = [];
    return {
      load() {
        db = ds.db_with(db, load);
        rows = ds.q(QUERY, db);
        load = []; // release the input (memory figures count the database only)
      },
      update() {
        db = ds.db_with(db, changes);
        rows = ds.q(QUERY, db);
      },
      discounts() {
        return new Set(rows.map((r) => discountKey(String(r[0]), String(r[1]))));
      },
    };
  },
};
