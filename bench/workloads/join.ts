/**
 * The EAV join workload of issue 7: N entities x 5 attributes (5N datoms), N/10 customers and
 * 9N/10 orders, and the rule "an open order with amount > 500 whose customer's tier is gold derives
 * a discount for (order, customer)". Step 1 loads everything and fires; step 2 changes 1% of all
 * attribute values (0.05N changes over the four non-identity attributes, join keys included) and
 * fires. The derived set must equal a from-scratch recomputation after each step.
 *
 * This file owns the data (seeded, so every variant sees identical input), the change list, the
 * reference recomputation and the variant interface. Each variant (bench/peers/*, bench/ours/*)
 * builds its own input forms from this data outside the timed region.
 */
import { Digest, prng, randInt } from "../harness.js";

export type Tier = "gold" | "silver" | "bronze";
export type Status = "open" | "closed";

/** A customer entity; `eid` is the entity id for variants that take explicit ids. */
export interface Customer {
  readonly eid: number;
  readonly id: string;
  name: string;
  tier: Tier;
  region: string;
  credit: number;
}

/** An order entity; `customer` is the index of its customer in {@link JoinData.customers}. */
export interface Order {
  readonly eid: number;
  readonly id: string;
  customer: number;
  amount: number;
  status: Status;
  day: number;
}

export const CUSTOMER_ATTRS = ["customer/name", "customer/tier", "customer/region", "customer/credit"] as const;
export const ORDER_ATTRS = ["order/customer", "order/amount", "order/status", "order/day"] as const;
export type CustomerAttr = (typeof CUSTOMER_ATTRS)[number];
export type OrderAttr = (typeof ORDER_ATTRS)[number];

/**
 * One change of step 2: a new value for one non-identity attribute of one entity. For
 * `order/customer` the value is a customer index (each variant turns it into its own reference).
 */
export type Change =
  | { readonly kind: "customer"; readonly index: number; readonly attr: CustomerAttr; readonly value: string | number }
  | { readonly kind: "order"; readonly index: number; readonly attr: OrderAttr; readonly value: string | number };

/** The generated input: entities before step 2, the change list, and the expected answers. */
export interface JoinData {
  readonly n: number;
  readonly customers: readonly Readonly<Customer>[];
  readonly orders: readonly Readonly<Order>[];
  readonly changes: readonly Change[];
  /** Expected discount keys (`orderId>customerId`) after step 1 and after step 2. */
  readonly expected1: ReadonlySet<string>;
  readonly expected2: ReadonlySet<string>;
  readonly digest: string;
}

/** The fixed seed of the workload. */
export const JOIN_SEED = 0x5eed_0007;

const TIERS: readonly Tier[] = ["gold", "silver", "bronze"];
const REGIONS = ["north", "south", "east", "west", "centre", "islands", "coast", "hills"] as const;

/**
 * Generates the workload for N entities (N a multiple of 10). Deterministic for a given N.
 * Returns fresh data; nothing else changes.
 * @example const d = generateJoin(1000); d.customers.length // 100
 */
export function generateJoin(n: number): JoinData {
  const rnd = prng(JOIN_SEED ^ n);
  const nc = Math.max(1, Math.floor(n / 10));
  const no = n - nc;
  const customers: Customer[] = [];
  for (let i = 0; i < nc; i++) {
    customers.push({
      eid: i + 1,
      id: `C${i}`,
      name: `name-${i}`,
      tier: TIERS[randInt(rnd, 3)] as Tier,
      region: REGIONS[randInt(rnd, REGIONS.length)] as string,
      credit: randInt(rnd, 10_000),
    });
  }
  const orders: Order[] = [];
  for (let j = 0; j < no; j++) {
    orders.push({
      eid: nc + j + 1,
      id: `O${j}`,
      customer: randInt(rnd, nc),
      amount: randInt(rnd, 1000),
      status: rnd() < 0.5 ? "open" : "closed",
      day: 1 + randInt(rnd, 365),
    });
  }
  const expected1 = expectedDiscounts(customers, orders);

  // Step 2: 0.05N changes on distinct (entity, attribute) pairs, each to a different value.
  const target = Math.max(1, Math.round(n * 0.05));
  const seen = new Set<number>();
  const changes: Change[] = [];
  const c2 = customers.map((c) => ({ ...c }));
  const o2 = orders.map((o) => ({ ...o }));
  while (changes.length < target) {
    const entity = randInt(rnd, n);
    const attrIndex = randInt(rnd, 4);
    const key = entity * 4 + attrIndex;
    if (seen.has(key)) continue;
    seen.add(key);
    if (entity < nc) {
      const c = c2[entity] as Customer;
      const attr = CUSTOMER_ATTRS[attrIndex] as CustomerAttr;
      const value = newCustomerValue(rnd, c, attr);
      applyCustomer(c, attr, value);
      changes.push({ kind: "customer", index: entity, attr, value });
    } else {
      const o = o2[entity - nc] as Order;
      const attr = ORDER_ATTRS[attrIndex] as OrderAttr;
      const value = newOrderValue(rnd, o, attr, nc);
      applyOrder(o, attr, value);
      changes.push({ kind: "order", index: entity - nc, attr, value });
    }
  }
  const expected2 = expectedDiscounts(c2, o2);
  const d = new Digest();
  for (const c of customers) d.add(`${c.eid}|${c.id}|${c.name}|${c.tier}|${c.region}|${c.credit};`);
  for (const o of orders) d.add(`${o.eid}|${o.id}|${o.customer}|${o.amount}|${o.status}|${o.day};`);
  for (const ch of changes) d.add(`${ch.kind}|${ch.index}|${ch.attr}|${ch.value};`);
  return { n, customers, orders, changes, expected1, expected2, digest: d.hex() };
}

function newCustomerValue(rnd: () => number, c: Customer, attr: CustomerAttr): string | number {
  switch (attr) {
    case "customer/name":
      return `${c.name}'`;
    case "customer/tier":
      return TIERS.filter((t) => t !== c.tier)[randInt(rnd, 2)] as Tier;
    case "customer/region":
      return REGIONS.filter((r) => r !== c.region)[randInt(rnd, REGIONS.length - 1)] as string;
    case "customer/credit":
      return (c.credit + 1 + randInt(rnd, 9_999)) % 10_000;
  }
}

function newOrderValue(rnd: () => number, o: Order, attr: OrderAttr, nc: number): string | number {
  switch (attr) {
    case "order/customer":
      return nc === 1 ? o.customer : (o.customer + 1 + randInt(rnd, nc - 1)) % nc;
    case "order/amount":
      return (o.amount + 1 + randInt(rnd, 999)) % 1000;
    case "order/status":
      return o.status === "open" ? "closed" : "open";
    case "order/day":
      return 1 + ((o.day + randInt(rnd, 364)) % 365);
  }
}

/**
 * Sets one attribute of a customer record (mutates `c`); used by the generator and by variants
 * that keep plain records. Returns nothing.
 */
export function applyCustomer(c: Customer, attr: CustomerAttr, value: string | number): void {
  switch (attr) {
    case "customer/name":
      c.name = value as string;
      return;
    case "customer/tier":
      c.tier = value as Tier;
      return;
    case "customer/region":
      c.region = value as string;
      return;
    case "customer/credit":
      c.credit = value as number;
      return;
  }
}

/** Sets one attribute of an order record (mutates `o`). Returns nothing. */
export function applyOrder(o: Order, attr: OrderAttr, value: string | number): void {
  switch (attr) {
    case "order/customer":
      o.customer = value as number;
      return;
    case "order/amount":
      o.amount = value as number;
      return;
    case "order/status":
      o.status = value as Status;
      return;
    case "order/day":
      o.day = value as number;
      return;
  }
}

/** The rule, as a plain predicate (the reference for every variant). */
export function qualifies(o: Readonly<Order>, c: Readonly<Customer>): boolean {
  return o.status === "open" && o.amount > 500 && c.tier === "gold";
}

/** The key of one derived discount, the same for every variant. */
export function discountKey(orderId: string, customerId: string): string {
  return `${orderId}>${customerId}`;
}

/**
 * The discount set recomputed from scratch (the reference answer). Returns a new set.
 * @example expectedDiscounts(d.customers, d.orders).size
 */
export function expectedDiscounts(customers: readonly Readonly<Customer>[], orders: readonly Readonly<Order>[]): Set<string> {
  const out = new Set<string>();
  for (const o of orders) {
    const c = customers[o.customer] as Customer;
    if (qualifies(o, c)) out.add(discountKey(o.id, c.id));
  }
  return out;
}

/**
 * The value a datom of entity `eid` holds for an attribute, as variants with explicit entity ids
 * see it: `order/customer` is the customer's eid. Returns the EAV triples of all entities.
 */
export function datomsOf(data: JoinData): [number, string, string | number][] {
  const out: [number, string, string | number][] = [];
  for (const c of data.customers) {
    out.push([c.eid, "customer/id", c.id], [c.eid, "customer/name", c.name], [c.eid, "customer/tier", c.tier]);
    out.push([c.eid, "customer/region", c.region], [c.eid, "customer/credit", c.credit]);
  }
  for (const o of data.orders) {
    const ce = (data.customers[o.customer] as Customer).eid;
    out.push([o.eid, "order/id", o.id], [o.eid, "order/customer", ce], [o.eid, "order/amount", o.amount]);
    out.push([o.eid, "order/status", o.status], [o.eid, "order/day", o.day]);
  }
  return out;
}

/**
 * The changes as explicit-id triples (old value and new value), in order, for variants that
 * retract the old datom and add the new one. Returns new arrays; `data` is not changed.
 */
export function changeTriples(data: JoinData): { e: number; a: string; old: string | number; v: string | number }[] {
  const customers = data.customers.map((c) => ({ ...c }));
  const orders = data.orders.map((o) => ({ ...o }));
  const out: { e: number; a: string; old: string | number; v: string | number }[] = [];
  for (const ch of data.changes) {
    if (ch.kind === "customer") {
      const c = customers[ch.index] as Customer;
      out.push({ e: c.eid, a: ch.attr, old: customerValue(c, ch.attr), v: ch.value });
      applyCustomer(c, ch.attr, ch.value);
    } else {
      const o = orders[ch.index] as Order;
      const toEid = (i: number): number => (customers[i] as Customer).eid;
      const old = ch.attr === "order/customer" ? toEid(o.customer) : orderValue(o, ch.attr);
      const v = ch.attr === "order/customer" ? toEid(ch.value as number) : ch.value;
      out.push({ e: o.eid, a: ch.attr, old, v });
      applyOrder(o, ch.attr, ch.value);
    }
  }
  return out;
}

function customerValue(c: Customer, attr: CustomerAttr): string | number {
  switch (attr) {
    case "customer/name":
      return c.name;
    case "customer/tier":
      return c.tier;
    case "customer/region":
      return c.region;
    case "customer/credit":
      return c.credit;
  }
}

function orderValue(o: Order, attr: OrderAttr): string | number {
  switch (attr) {
    case "order/customer":
      return o.customer;
    case "order/amount":
      return o.amount;
    case "order/status":
      return o.status;
    case "order/day":
      return o.day;
  }
}

/** Maps entity ids back to identity values, for variants that report discounts by eid. */
export function idOfEid(data: JoinData): (eid: number) => string {
  const nc = data.customers.length;
  return (eid) => {
    const rec = eid <= nc ? data.customers[eid - 1] : data.orders[eid - nc - 1];
    if (rec === undefined) throw new Error(`no entity with eid ${eid}`);
    return rec.id;
  };
}

/**
 * One run of a join variant. `create` (untimed) builds the variant's input forms; `load` (timed)
 * is step 1, `update` (timed) is step 2; `discounts` (untimed) reads the derived set as keys.
 */
export interface JoinRun {
  load(): void | Promise<void>;
  update(): void | Promise<void>;
  discounts(): Set<string> | Promise<Set<string>>;
  /** Releases what the run holds (untimed), if anything needs it. */
  dispose?(): void;
}

/** A variant of the join workload (a peer or one of our entries). */
export interface JoinVariant {
  readonly name: string;
  readonly side: "ours" | "peer";
  /** Sizes larger than this are skipped (reported as such), for peers that cannot finish. */
  readonly maxN?: number;
  /** Prepares one run (untimed). May throw `Unavailable` when the code under test is not there yet. */
  create(data: JoinData): Promise<JoinRun>;
}
