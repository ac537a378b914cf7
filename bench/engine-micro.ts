/**
 * Micro-benchmark of the Rete engine straight (no session, no store), the figures issue 7 holds
 * the engine to: load N EAV datoms with a 3-pattern join rule (us per datom), update one datom
 * (retract + insert + fire, us per update, at several sizes: must stay flat), retained heap per
 * datom. Run: `node --expose-gc --import tsx bench/engine-micro.ts [N]` (default 500000).
 *
 * Times are CPU time of this process (user + system, GC threads included), which a busy shared
 * machine distorts less than wall time; a calibration line (1M Map set+get) is printed first so
 * figures from different machines can be compared.
 */
import { eav, type EAV } from "../src/eav/index.js";
import { compileRules, newRuleSession, pattern, query, rule, type EngineActionContext, type RuleSession } from "../src/rules/index.js";

const gc = (globalThis as { gc?: () => void }).gc;

function network() {
  return compileRules([
    rule<EngineActionContext>(
      "joined",
      [pattern("?e", "p/x", "?x"), pattern("?e", "p/y", "?y"), pattern("?e", "p/z", "?z")],
      (ctx) => ctx.insert(eav(ctx.bindings.e as number, "p/joined", true)),
      { uses: ["e"] },
    ),
    query("joined-q", ["?e"], [pattern("?e", "p/joined", true)]),
  ]);
}

function datoms(n: number): EAV[] {
  const out: EAV[] = [];
  const entities = Math.floor(n / 3);
  for (let e = 1; e <= entities; e++) out.push(eav(e, "p/x", e), eav(e, "p/y", `y${e}`), eav(e, "p/z", e % 7));
  return out;
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function calibrate(): number {
  const c0 = cpuUs();
  const m = new Map<number, { i: number }>();
  for (let i = 0; i < 1e6; i++) m.set(i, { i });
  for (let i = 0; i < 1e6; i++) m.get(i);
  return (cpuUs() - c0) / 1000;
}

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function load(n: number): { session: RuleSession; usPerDatom: number; bytesPerDatom: number } {
  const facts = datoms(n);
  const net = network();
  const before = heap();
  const t0 = cpuUs();
  const session = newRuleSession(net).insert(facts).fire();
  const ms = (cpuUs() - t0) / 1000;
  const after = heap();
  if (session.query("joined-q", { e: 1 }).length !== 1) throw new Error("join did not fire");
  // the facts themselves are counted: a caller holds them anyway, but they are part of what is retained
  return { session, usPerDatom: (ms * 1000) / facts.length, bytesPerDatom: (after - before) / facts.length };
}

function updates(session: RuleSession, entities: number, rounds: number): number {
  let s = session;
  const t0 = cpuUs();
  for (let i = 0; i < rounds; i++) {
    const e = 1 + ((i * 7919) % entities);
    s = s.retract([eav(e, "p/x", e)]).insert([eav(e, "p/x", e)]).fire();
  }
  return (cpuUs() - t0) / rounds;
}

const N = Number(process.argv[2] ?? 500_000);
process.stdout.write(`calibration: 1M Map set+get ${calibrate().toFixed(0)} ms CPU (a typical laptop: ~100 ms)\n`);
for (const n of [10_000, 100_000, N]) {
  const { session, usPerDatom, bytesPerDatom } = load(n);
  updates(session, Math.floor(n / 3), 2000); // warm up
  const us = updates(session, Math.floor(n / 3), 20_000);
  process.stdout.write(`${String(n).padStart(7)} datoms: load ${usPerDatom.toFixed(2)} us/datom CPU, ${bytesPerDatom.toFixed(0)} B/datom retained (facts excluded); update ${us.toFixed(2)} us CPU\n`);
}
