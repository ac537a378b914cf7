// The work callgrind measures (see README.md): builds the 100k join data, warms up, then switches
// callgrind's instrumentation on around the measured step only.
// usage: node drive.mjs <mode> <distDir> <warm> <measured> [entities, default 100000]
//   mode: store-update (the session's caller transaction: 5,000 identity upserts into a 100k store)
//         store-tiny   (6,000 one-datom transactions in a batch, a fire's actions and withdrawals)
//         session      (a 100k session's update; PART=tx|fire|all, one measured update per process)
//         engine       (the engine straight: retract + insert + fire of the 5,000 changes)
//         engine-cold  (the engine straight, one update after a fresh load, as the benchmark runs it)
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";

const [mode, distDir, warmArg, measArg, sizeArg] = process.argv.slice(2);
const M = await import(`${distDir}/index.js`);
const W = await import(new URL("../.cache/js/bench/workloads/join.js", import.meta.url).href);
const rulesText = readFileSync(new URL("../workloads/join.rules", import.meta.url), "utf8");
const SCHEMA = [
  { ident: "customer/id", cardinality: "one", unique: "identity" },
  { ident: "order/id", cardinality: "one", unique: "identity" },
  { ident: "order/customer", cardinality: "one", valueType: "ref" },
  { ident: "order/discount", cardinality: "many", valueType: "ref" },
];
const n = Number(sizeArg ?? 100000);
const data = W.generateJoin(n);
const tempid = (c) => `customer ${c.id}`;
const load = [];
for (const c of data.customers) load.push({ "eav/eid": tempid(c), "customer/id": c.id, "customer/name": c.name, "customer/tier": c.tier, "customer/region": c.region, "customer/credit": c.credit });
for (const o of data.orders) load.push({ "order/id": o.id, "order/customer": tempid(data.customers[o.customer]), "order/amount": o.amount, "order/status": o.status, "order/day": o.day });
const changes = data.changes.map((ch) => {
  if (ch.kind === "customer") return { "customer/id": data.customers[ch.index].id, [ch.attr]: ch.value };
  const v = ch.attr === "order/customer" ? ["customer/id", data.customers[ch.value].id] : ch.value;
  return { "order/id": data.orders[ch.index].id, [ch.attr]: v };
});
// the engine straight: the rule with a plain-function action, and the changes as EAVs
const engineSetup = () => {
  const specs = M.parseRules(rulesText);
  const prods = specs.map((p) => (p.kind === "rule" ? { ...p, action: { kind: "fn", fn: (ctx) => ctx.insert(M.eav(ctx.bindings.o, "order/discount", ctx.bindings.c)), uses: ["o", "c"] } } : p));
  const net = M.compileRules(prods);
  const triples = W.changeTriples(data);
  const olds = triples.map((c) => M.eav(c.e, c.a, c.old));
  const news = triples.map((c) => M.eav(c.e, c.a, c.v));
  return { net, olds, news };
};
const measure = (f) => {
  globalThis.gc({ type: "minor", execution: "sync" });
  execSync(`callgrind_control -i on ${process.pid}`);
  const out = f();
  execSync(`callgrind_control -i off ${process.pid}`);
  return out;
};
const warm = Number(warmArg);
const meas = Number(measArg);
let keep;
if (mode === "store-update" || mode === "store-tiny") {
  const store = M.transact(M.createStore({ schema: SCHEMA }), load).after;
  const derived = new Set(["order/discount"]);
  const facts = [];
  // eids as small integers, as the store hands them out (`%` on a double made boxed numbers, which
  // sent an array in EidMap.withChanges through a slow elements-kind conversion per transaction)
  for (let i = 0; i < 3000; i++) facts.push([M.eav((n / 10 + 1 + ((i * 7919) % (0.9 * n))) | 0, "order/discount", (1 + (i % (n / 10))) | 0)]);
  const step =
    mode === "store-update"
      ? () => M.transactFacts(store, changes, "add", { redundantFor: derived })
      : () => {
          const batch = new M.TxBatch();
          let s = store;
          for (const f of facts) s = batch.transactFacts(s, f, "add").after;
          for (const [f] of facts) s = batch.transactOps(s, [{ kind: "retract", e: f.e, a: f.a, v: f.v, path: "" }]).after;
          return s;
        };
  for (let r = 0; r < warm; r++) keep = step();
  keep = measure(() => { for (let r = 0; r < meas; r++) keep = step(); return keep; });
} else if (mode === "session") {
  const rules = M.parseRules(rulesText);
  const part = process.env.PART ?? "all";
  let s;
  for (let r = 0; r < warm; r++) { s = null; s = M.createSession({ rules, schema: SCHEMA }).upsert(load).fire().upsert(changes).fire(); }
  s = null;
  s = M.createSession({ rules, schema: SCHEMA }).upsert(load).fire();
  if (part === "fire") s = s.upsert(changes);
  keep = measure(() => (part === "tx" ? s.upsert(changes) : part === "fire" ? s.fire() : s.upsert(changes).fire()));
} else if (mode === "engine-cold") {
  // as the benchmark's cells run it: a fresh load, then one update of entities it has not touched
  // since (the engine mode repeats the same changes, whose data stays in the cache)
  const { net, olds, news } = engineSetup();
  const loadFacts = () => W.datomsOf(data).map(([e, a, v]) => M.eav(e, a, v));
  let s;
  for (let r = 0; r < warm; r++) { s = null; s = M.newRuleSession(net).insert(loadFacts()).fire().retract(olds).insert(news).fire(); }
  s = null;
  s = M.newRuleSession(net).insert(loadFacts()).fire();
  keep = measure(() => s.retract(olds).insert(news).fire());
} else if (mode === "engine") {
  const { net, olds, news } = engineSetup();
  let s = M.newRuleSession(net).insert(W.datomsOf(data).map(([e, a, v]) => M.eav(e, a, v))).fire();
  for (let r = 0; r < warm; r++) s = s.retract(olds).insert(news).fire().retract(news).insert(olds).fire();
  keep = measure(() => { for (let r = 0; r < meas; r++) s = s.retract(olds).insert(news).fire().retract(news).insert(olds).fire(); return s; });
} else throw new Error(`unknown mode ${mode}`);
console.log(typeof keep);
