// Store benchmark (issue 2): load N entities x 5 attributes (one unique identity, one ref to another
// entity by tempid or lookup ref) in transactions of 1000, then 10,000 single-datom transactions;
// the same workload through the `datascript` package in the same run. Prints us/datom and ratios.
//   npm run bench:store              N = 10k and 100k
//   STORE_BENCH_N=20000 npm run bench:store
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { createStore, transact, type Store } from "../src/store/index.js";
import type { Eid } from "../src/eav/index.js";

interface DataScript {
  empty_db(schema: Record<string, Record<string, unknown>>): unknown;
  db_with(db: unknown, tx: readonly unknown[]): unknown;
  datoms(db: unknown, index: string): unknown[];
}
const ds = createRequire(import.meta.url)("datascript") as DataScript;

const BATCH = 1000;
const SINGLES = 10_000;
const ATTRS_PER_ENTITY = 5;

/** One load transaction: entities [from, from + BATCH). `id` is the entity-map id key. */
function batch(from: number, n: number, id: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = from; i < Math.min(from + BATCH, n); i++) {
    // the ref: a tempid of the previous entity when it is in this batch, else a lookup ref
    const friend = i === 0 ? undefined : i - 1 >= from && i % 2 === 0 ? `e${i - 1}` : ["person/id", i - 1];
    const m: Record<string, unknown> = {
      [id]: `e${i}`,
      "person/id": i,
      "person/name": `name ${i}`,
      "person/age": i % 90,
      "person/email": `p${i}@example.com`,
    };
    m["person/friend"] = friend ?? ["person/id", 0];
    if (i === 0) delete m["person/friend"];
    out.push(m);
  }
  return out;
}

const ourSchema = [
  { ident: "person/id", cardinality: "one", valueType: "integer", unique: "identity" },
  { ident: "person/name", cardinality: "one", valueType: "string" },
  { ident: "person/age", cardinality: "one", valueType: "integer" },
  { ident: "person/email", cardinality: "one", valueType: "string" },
  { ident: "person/friend", cardinality: "one", valueType: "ref" },
] as const;

const dsSchema = {
  "person/id": { ":db/unique": ":db.unique/identity" },
  "person/friend": { ":db/valueType": ":db.type/ref" },
};

interface Result {
  loadUsPerDatom: number;
  loadCpuUsPerDatom: number;
  datoms: number;
  singleUsPerTx: number;
  singleCpuUsPerTx: number;
  /** Identity upserts: us per entity map, all in one transaction / one transaction each. */
  upsertBatchUsPerMap: number;
  upsertSingleUsPerMap: number;
}

const UPSERTS = 5000;

/**
 * Identity-upsert entity maps (issue 7's update step): one non-identity attribute each, landing on
 * an existing entity through its unique identity; every other one changes a ref by lookup ref.
 */
function upserts(n: number, id: (k: number) => unknown, salt: number): Array<Record<string, unknown>> {
  return [...picks(n, UPSERTS)].map((k, i) =>
    i % 2 === 0 ? { "person/id": k, "person/age": 200 + ((i + salt) % 50) } : { "person/id": k, "person/friend": id((k + i + salt) % n) },
  );
}

/** Wall-clock and CPU milliseconds of `f` (CPU time is steadier on a shared machine). */
function timeIt(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** A deterministic pseudo-random sequence (the same single-datom txs for both stores). */
function* picks(n: number, count: number): Generator<number> {
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    yield x % n;
  }
}

function runOurs(n: number): Result {
  let store: Store = createStore({ schema: ourSchema });
  const eids: Eid[] = [];
  const txs: Array<Array<Record<string, unknown>>> = [];
  for (let from = 0; from < n; from += BATCH) txs.push(batch(from, n, "eav/eid"));
  const load = timeIt(() => {
    for (const tx of txs) {
      const r = transact(store, tx);
      store = r.after;
    }
  });
  for (let i = 0; i < n; i++) eids.push(store.lookup("person/id", i)!);
  const singles = [...picks(n, SINGLES)].map((k, i) => [["db/add", eids[k]!, "person/age", 100 + (i % 50)]]);
  const single = timeIt(() => {
    for (const tx of singles) store = transact(store, tx).after;
  });
  const batchMaps = upserts(n, (k) => ["person/id", k], 0);
  const singleMaps = upserts(n, (k) => ["person/id", k], 7).map((m) => [m]);
  const batched = timeIt(() => {
    store = transact(store, batchMaps).after;
  });
  const singled = timeIt(() => {
    for (const tx of singleMaps) store = transact(store, tx).after;
  });
  return result(n, load, single, store.size, batched, singled);
}

function runDataScript(n: number): Result {
  let db = ds.empty_db(dsSchema);
  const txs: Array<Array<Record<string, unknown>>> = [];
  for (let from = 0; from < n; from += BATCH) txs.push(batch(from, n, ":db/id"));
  const load = timeIt(() => {
    for (const tx of txs) db = ds.db_with(db, tx);
  });
  // DataScript numbers entities 1..n in load order here; single txs address them the same way
  const singles = [...picks(n, SINGLES)].map((k, i) => [[":db/add", ["person/id", k], "person/age", 100 + (i % 50)]]);
  const single = timeIt(() => {
    for (const tx of singles) db = ds.db_with(db, tx);
  });
  const batchMaps = upserts(n, (k) => ["person/id", k], 0);
  const singleMaps = upserts(n, (k) => ["person/id", k], 7).map((m) => [m]);
  const batched = timeIt(() => {
    db = ds.db_with(db, batchMaps);
  });
  const singled = timeIt(() => {
    for (const tx of singleMaps) db = ds.db_with(db, tx);
  });
  return result(n, load, single, ds.datoms(db, ":eavt").length, batched, singled);
}

type Timed = { wall: number; cpu: number };

function result(n: number, load: Timed, single: Timed, datoms: number, batched: Timed, singled: Timed): Result {
  const perDatom = 1000 / (n * ATTRS_PER_ENTITY - 1);
  return {
    loadUsPerDatom: load.wall * perDatom,
    loadCpuUsPerDatom: load.cpu * perDatom,
    datoms,
    singleUsPerTx: (single.wall * 1000) / SINGLES,
    singleCpuUsPerTx: (single.cpu * 1000) / SINGLES,
    upsertBatchUsPerMap: (batched.wall * 1000) / UPSERTS,
    upsertSingleUsPerMap: (singled.wall * 1000) / UPSERTS,
  };
}

function fmt(x: number): string {
  return x.toFixed(2).padStart(8);
}

// STORE_BENCH_ONLY=ours skips DataScript (for profiling our side alone)
const oursOnly = process.env["STORE_BENCH_ONLY"] === "ours";
const sizes = process.env["STORE_BENCH_N"] !== undefined ? [Number(process.env["STORE_BENCH_N"])] : [10_000, 100_000];
process.stdout.write(`store benchmark: ${ATTRS_PER_ENTITY} attributes per entity, load in transactions of ${BATCH}, then ${SINGLES} single-datom transactions\n`);
// warm-up: JIT both code paths first (a 10k load is too short to reach the optimised tiers)
for (let i = 0; i < 2; i++) {
  runOurs(10_000);
  if (!oursOnly) runDataScript(10_000);
}
for (const n of sizes) {
  const ours = runOurs(n);
  const theirs = oursOnly ? ours : runDataScript(n);
  if (ours.datoms !== theirs.datoms) process.stdout.write(`  WARNING: datom counts differ: ours ${ours.datoms}, datascript ${theirs.datoms}\n`);
  process.stdout.write(`N = ${n} (${ours.datoms} datoms)\n`);
  process.stdout.write(`  load     us/datom   ours ${fmt(ours.loadUsPerDatom)}   datascript ${fmt(theirs.loadUsPerDatom)}   ratio ${fmt(theirs.loadUsPerDatom / ours.loadUsPerDatom)}x   (cpu: ${fmt(ours.loadCpuUsPerDatom)} vs ${fmt(theirs.loadCpuUsPerDatom)})\n`);
  process.stdout.write(`  single   us/tx      ours ${fmt(ours.singleUsPerTx)}   datascript ${fmt(theirs.singleUsPerTx)}   ratio ${fmt(theirs.singleUsPerTx / ours.singleUsPerTx)}x   (cpu: ${fmt(ours.singleCpuUsPerTx)} vs ${fmt(theirs.singleCpuUsPerTx)})\n`);
  process.stdout.write(`  upsert   us/map     ours ${fmt(ours.upsertBatchUsPerMap)}   datascript ${fmt(theirs.upsertBatchUsPerMap)}   (${UPSERTS} identity-upsert maps in one tx)\n`);
  process.stdout.write(`  upsert1  us/map     ours ${fmt(ours.upsertSingleUsPerMap)}   datascript ${fmt(theirs.upsertSingleUsPerMap)}   (one map per tx)\n`);
  process.stdout.write(`  single   tx/s       ours ${fmt(1e6 / ours.singleUsPerTx)}   datascript ${fmt(1e6 / theirs.singleUsPerTx)}\n`);
}
