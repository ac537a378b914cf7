// Differential test: our store against the `datascript` npm package (the reference semantics).
// fast-check generates schemas and sequences of transactions; both stores run them; after every
// transaction both hold the same datoms modulo eid numbering, or both reject it with the same kind
// of error. Deliberate differences are named in `knownDifferences` below and excluded only there.
// STORE_DIFF_RUNS=5000 npx vitest run test/store/differential.test.ts for a longer run.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Renderer,
  arbScenario,
  canonical,
  extendPairing,
  newPairing,
  newStores,
  ourDatoms,
  runOurs,
  runTheirs,
  theirDatoms,
  type AOp,
  type AttrSpec,
  type Outcome,
} from "./diff-harness.js";
import type { DsReport } from "./datascript-api.js";

const RUNS = Number(process.env["STORE_DIFF_RUNS"] ?? 300);

interface Divergence {
  readonly schema: readonly AttrSpec[];
  readonly tx: readonly AOp[];
  readonly ours: Outcome<unknown>;
  readonly theirs: Outcome<DsReport>;
  /** The explicit new eids written for DataScript in this tx. */
  readonly dsNewEids: readonly number[];
}

interface KnownDifference {
  /** The case in /work/shared/reference/store-semantics.md. */
  readonly case: string;
  readonly why: string;
  readonly applies: (d: Divergence) => boolean;
}

/** The ONE place where deliberate differences from DataScript are named and excluded. */
const knownDifferences: readonly KnownDifference[] = [
  {
    case: "082 (R18)",
    why: "DataScript allocates tempids lazily and can hand a tempid the eid of an explicit new eid written later in the same tx (two entities merge, which may also make the tx fail); we never collide",
    applies: (d) =>
      d.dsNewEids.length > 0 &&
      (!d.theirs.ok || Object.values(d.theirs.report.tempids).some((eid) => d.dsNewEids.includes(eid))),
  },
  {
    case: "R15/R19 (entity map without attributes)",
    why: "normalizeTx (src/eav) turns an entity map that has only eav/eid into no ops at all, so the store never sees it; DataScript still resolves its :db/id (an unresolved lookup ref fails, a tempid gets an eid)",
    applies: (d) => d.tx.some((op) => op.op === "map" && op.e !== null && op.attrs.length === 0),
  },
  {
    case: "R03/R15 (lone lookup ref on a card-many ref, unique-value attribute)",
    why: "in an entity map, normalizeTx (src/eav) reads a lone [attr v] under a card-many ref as one lookup ref when attr is unique (identity or value); DataScript's maybe-wrap-multival only when attr is unique identity, else it is two values",
    applies: (d) =>
      d.tx.some((op) => op.op === "map" && op.attrs.some(([a, s]) => {
        const spec = d.schema[a];
        return spec?.kind === "ref" && spec.many && s.arr === 0 && s.nested === null && s.r.k === "lookup";
      })),
  },
  {
    case: "R07/R18 (DataScript retry-with-tempid keeps allocations but resets its counter)",
    why: "when an upsert restarts a DataScript tx, the tempids allocated so far keep their eids while max-eid goes back to db-before, so a later tempid can be handed an eid a kept tempid holds (two entities merge, or an unused value tempid looks defined); we keep the allocations and continue the counter",
    applies: (d) => {
      // a retry needs an identity attribute and a tempid met twice (two entries, or a nested map)
      const identity = d.tx.some((op) => {
        const attrs = op.op === "map" ? op.attrs.map(([a]) => a) : op.op === "retractEntity" ? [] : [op.a];
        return attrs.some((a) => { const s = d.schema[a]; return s?.kind === "plain" && s.unique === "identity"; });
      });
      const uses = new Map<string, number>();
      let nested = false;
      for (const op of d.tx) {
        const refs = op.op === "map" ? [...(op.e === null ? [] : [op.e]), ...op.attrs.map(([, v]) => v.r)] : op.op === "add" || op.op === "retract" ? [op.e, op.v.r] : [op.e];
        for (const r of new Set(refs.flatMap((r) => (r.k === "tmp" ? [String(r.t)] : [])))) uses.set(r, (uses.get(r) ?? 0) + 1);
        if (op.op === "map" && op.attrs.some(([, v]) => v.nested !== null)) nested = true;
      }
      return identity && (nested || [...uses.values()].some((n) => n >= 2));
    },
  },
];

function explain(d: Divergence): string | undefined {
  return knownDifferences.find((k) => k.applies(d))?.case;
}

describe("store vs DataScript (differential)", () => {
  it(`agrees on generated schemas and transaction sequences (${RUNS} runs)`, () => {
    const excluded = new Map<string, number>();
    fc.assert(
      fc.property(arbScenario, ({ schema, txs }) => {
        const fresh = newStores(schema);
        const conn = fresh.conn;
        let store = fresh.store;
        const pairing = newPairing();
        let dsMax = 0;
        for (const tx of txs) {
          const r = new Renderer(schema, pairing, [store.maxEid, dsMax]);
          const oursIn = r.ours(tx);
          const theirsIn = r.theirs(tx);
          const ours = runOurs(store, oursIn);
          const theirs = runTheirs(conn, theirsIn);
          const divergence: Divergence = { schema, tx, ours, theirs, dsNewEids: [...r.newEids[1].values()] };
          const sameOutcome = ours.ok === theirs.ok && (ours.ok || theirs.ok || ours.kind === theirs.kind);
          if (!sameOutcome) {
            const known = explain(divergence);
            if (known !== undefined) {
              excluded.set(known, (excluded.get(known) ?? 0) + 1);
              return;
            }
            expect.fail(`outcomes differ\nours:   ${JSON.stringify(ours.ok ? "ok" : ours)}\ntheirs: ${JSON.stringify(theirs.ok ? "ok" : theirs)}\ntx: ${JSON.stringify(oursIn)}\nds: ${JSON.stringify(theirsIn)}`);
          }
          if (!ours.ok || !theirs.ok) continue;
          store = ours.report.after;
          const od = ourDatoms(store);
          const td = theirDatoms(conn);
          for (const x of td) dsMax = Math.max(dsMax, x.e as number);
          for (const v of Object.values(theirs.report.tempids)) dsMax = Math.max(dsMax, v < 1e8 ? v : 0);
          for (const v of r.newEids[1].values()) dsMax = Math.max(dsMax, v);
          extendPairing(pairing, schema, r, ours.report, theirs.report, od, td);
          const [a, b] = canonical(pairing, schema, od, td);
          if (JSON.stringify(a) !== JSON.stringify(b)) {
            const known = explain(divergence);
            if (known !== undefined) {
              excluded.set(known, (excluded.get(known) ?? 0) + 1);
              return;
            }
            expect.fail(`states differ after tx ${JSON.stringify(oursIn)}\nds tx: ${JSON.stringify(theirsIn)}\nours:   ${a.join(" | ")}\ntheirs: ${b.join(" | ")}`);
          }
          // the tempids both report for this tx name the same (paired) entities
          for (const [t, eid] of ours.report.tempids) {
            const other = theirs.report.tempids[String(t)];
            if (other !== undefined && pairing.ours.has(eid)) expect(pairing.ours.get(eid)).toBe(other);
          }
        }
      }),
      { numRuns: RUNS },
    );
    // the exclusions stay exceptions: most sequences run to the end
    const total = [...excluded.values()].reduce((x, y) => x + y, 0);
    expect(total).toBeLessThan(RUNS / 4);
  });
});
