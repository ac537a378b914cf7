import { createStore, transact, type Store } from "../src/store/index.js";
const REF = process.env["REF"] !== "0";
const ourSchema = [
  { ident: "person/id", cardinality: "one", valueType: "integer", unique: "identity" },
  { ident: "person/name", cardinality: "one", valueType: "string" },
  { ident: "person/age", cardinality: "one", valueType: "integer" },
  { ident: "person/email", cardinality: "one", valueType: "string" },
  REF ? { ident: "person/friend", cardinality: "one", valueType: "ref" } : { ident: "person/friend", cardinality: "one" },
] as const;
function batch(from: number, n: number) {
  const out: Array<Record<string, unknown>> = [];
  for (let i = from; i < Math.min(from + 1000, n); i++) {
    const m: Record<string, unknown> = { "eav/eid": `e${i}`, "person/id": i, "person/name": `name ${i}`, "person/age": i % 90, "person/email": `p${i}@example.com` };
    if (i > 0) m["person/friend"] = !REF ? i - 1 : i - 1 >= from && i % 2 === 0 ? `e${i - 1}` : ["person/id", i - 1];
    out.push(m);
  }
  return out;
}
const n = Number(process.env["N"] ?? 100000);
const txs = [];
for (let f = 0; f < n; f += 1000) txs.push(batch(f, n));
for (let rep = 0; rep < 2; rep++) {
  let store: Store = createStore({ schema: ourSchema });
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (const tx of txs) store = transact(store, tx).after;
  const t = performance.now() - t0; const c = process.cpuUsage(c0);
  process.stdout.write(`REF=${REF} cpu ${((c.user + c.system) / (n * 5)).toFixed(2)} us/datom wall ${(t * 1000 / (n * 5)).toFixed(2)}\n`);
}
