/**
 * One benchmark cell (workload x size x variant), run in its own child process so that every
 * variant starts from a fresh heap, memory figures belong to it alone, and a crash or a runaway
 * peer cannot take the others down. The runner (bench/run.ts) starts it as
 *   node --expose-gc --import tsx bench/cell.ts '<CellRequest JSON>' <result file>
 * and reads the {@link CellResult} it writes to the result file.
 *
 * Every run is checked; a wrong answer ends the cell as "wrong" and its time is never reported.
 * A warm-up run (checked, untimed) comes first unless it takes longer than WARMUP_COUNTS_MS, in
 * which case JIT warm-up is negligible and it is counted as the first measured run. A join cell
 * warms up at least twice (its update step is short: its code was still tiering up in the second
 * run), more at small sizes (see JOIN_WARMUPS_MIN).
 *
 * Memory, for the join: the peak RSS is read after the first run (V8 keeps the heap as large as it
 * grew, so a later read would add the runs up); the retained heap, which needs forced full GCs, is
 * measured in one more load after the measured runs. Full GCs make V8 drop optimized code and type
 * feedback whose hidden classes died (`--trace-deopt`: "wrong map", then "insufficient type
 * feedback" after the next natural mark-compact): when the warm-up measured the heap, up to three
 * of the measured runs after it ran on deoptimized code (issue 7, fifth session: the engine's 100k
 * update 85-94 ms in those runs against 12-14 in the others).
 */
import { writeFileSync } from "node:fs";
import {
  Unavailable,
  WrongAnswer,
  assertSameSet,
  collectBeforeStep,
  forceGc,
  peakRss,
  retainedHeap,
  timeMs,
  type CellResult,
  type CellStatus,
  type MemoryFigures,
  type Phase,
} from "./harness.js";
import { generateJoin, type JoinData, type JoinVariant } from "./workloads/join.js";
import { loadManners, verifySeating, type MannersData, type MannersVariant } from "./workloads/manners.js";
import { findVariant } from "./registry.js";

/** What the runner asks a cell to do. */
export interface CellRequest {
  readonly workload: "manners" | "join";
  readonly size: number;
  readonly variant: string;
  readonly runs: number;
  readonly warmup: boolean;
  /** Stop adding runs once this many milliseconds have been spent (0: no limit). */
  readonly budgetMs: number;
}

const WARMUP_COUNTS_MS = 5_000;
/**
 * Join warm-ups: at least JOIN_WARMUPS_MIN runs, then more while they have taken less than
 * JOIN_WARMUP_MS, up to JOIN_WARMUPS_MAX. A small cell's update step is short (500 changes at 10k),
 * and after two warm-ups our 10k session's first measured updates were still 3-5x the later ones.
 */
const JOIN_WARMUPS_MIN = 2;
const JOIN_WARMUPS_MAX = 10;
const JOIN_WARMUP_MS = 2_000;

interface Timed {
  /** Milliseconds per phase for one run. */
  readonly ms: readonly number[];
  readonly firings?: Readonly<Record<string, number>>;
  /** The process's peak RSS when this run ended (read in the first run only). */
  readonly peakRssBytes?: number;
}

async function mannersRun(variant: MannersVariant, data: MannersData): Promise<Timed> {
  const run = await variant.create(data);
  collectBeforeStep();
  const ms = await timeMs(() => run.run());
  verifySeating(data, await run.seating());
  const firings = run.firings?.();
  run.dispose?.();
  return { ms: [ms], ...(firings === undefined ? {} : { firings: { ...firings } }) };
}

async function joinRun(variant: JoinVariant, data: JoinData, readPeak: boolean): Promise<Timed> {
  const run = await variant.create(data);
  collectBeforeStep();
  const load = await timeMs(() => run.load());
  assertSameSet("step 1 (load + fire)", data.expected1, await run.discounts());
  collectBeforeStep();
  const update = await timeMs(() => run.update());
  assertSameSet("step 2 (1% changes + fire)", data.expected2, await run.discounts());
  run.dispose?.();
  return { ms: [load, update], ...(readPeak ? { peakRssBytes: peakRss() } : {}) };
}

/**
 * Heap retained after step 1 with the run alive: the variant's store or network plus the change
 * list it holds for step 2 (1% of the datoms); its step-1 input is released by load() where it can
 * be. Forces full GCs, so it runs after the timed runs; step 2 is not run (checked, never timed).
 */
async function joinRetained(variant: JoinVariant, data: JoinData): Promise<number> {
  const before = retainedHeap();
  const run = await variant.create(data);
  await run.load();
  const retained = retainedHeap() - before;
  assertSameSet("step 1 (load + fire)", data.expected1, await run.discounts());
  run.dispose?.();
  return retained;
}

/**
 * Runs one cell: its runs, checks and figures. Returns the result; never throws (failures are
 * reported in `status`). `variant` overrides the registry's lookup of `req.variant` (tests use it
 * to prove that a wrong answer is reported as such).
 * @example await runCell({ workload: "join", size: 1000, variant: "plain", runs: 1, warmup: false, budgetMs: 0 })
 */
export async function runCell(req: CellRequest, override?: MannersVariant | JoinVariant): Promise<CellResult> {
  const base = { workload: req.workload, size: req.size, variant: req.variant, runsRequested: req.runs };
  const variant = override ?? findVariant(req.workload, req.variant);
  const side = variant?.side ?? "peer";
  if (variant === undefined) {
    return { ...base, side, status: { kind: "error", message: `unknown variant ${req.variant}` }, phases: [], inputDigest: "" };
  }
  let one: (readPeak: boolean) => Promise<Timed>;
  // the join's retained heap, measured after the timed runs (see joinRetained)
  let retained: (() => Promise<number>) | undefined;
  let phaseNames: string[];
  let units: number[];
  let unitNames: string[];
  let inputDigest: string;
  let baselineRss = 0;
  if (req.workload === "manners") {
    const data = loadManners(req.size);
    one = () => mannersRun(variant as MannersVariant, data);
    phaseNames = ["seat everyone"];
    units = [data.guests];
    unitNames = ["guest"];
    inputDigest = data.digest;
  } else {
    const data = generateJoin(req.size);
    forceGc();
    baselineRss = process.memoryUsage().rss;
    one = (m) => joinRun(variant as JoinVariant, data, m);
    retained = () => joinRetained(variant as JoinVariant, data);
    phaseNames = ["step 1: load + fire", "step 2: 1% changes + fire"];
    units = [5 * req.size, data.changes.length];
    unitNames = ["datom", "change"];
    inputDigest = data.digest;
  }
  const runs: number[][] = phaseNames.map(() => []);
  const record = (t: Timed): void => t.ms.forEach((ms, i) => runs[i]?.push(ms));
  let peakRssBytes: number | undefined;
  let retainedBytes: number | undefined;
  let firings: Readonly<Record<string, number>> | undefined;
  let status: CellStatus = { kind: "ok" };
  let note: string | undefined;
  const started = Date.now();
  try {
    let first = true;
    if (req.warmup) {
      const w = await one(true);
      peakRssBytes = w.peakRssBytes;
      firings = w.firings;
      first = false;
      if ((w.ms.reduce((a, b) => a + b, 0)) > WARMUP_COUNTS_MS) {
        record(w);
        note = "warm-up run counted (longer than 5 s)";
      } else if (req.workload === "join") {
        const warmStarted = Date.now();
        for (let n = 1; n < JOIN_WARMUPS_MIN || (n < JOIN_WARMUPS_MAX && Date.now() - warmStarted < JOIN_WARMUP_MS); n++) await one(false);
      }
    }
    while ((runs[0]?.length ?? 0) < req.runs) {
      const r = await one(first);
      if (first) peakRssBytes = r.peakRssBytes;
      firings ??= r.firings;
      first = false;
      record(r);
      const spent = Date.now() - started;
      if (req.budgetMs > 0 && spent > req.budgetMs && (runs[0]?.length ?? 0) < req.runs) {
        note = `${runs[0]?.length ?? 0} of ${req.runs} runs: time budget of ${Math.round(req.budgetMs / 1000)} s spent`;
        break;
      }
    }
    if (retained !== undefined) retainedBytes = await retained();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof WrongAnswer) status = { kind: "wrong", message };
    else if (e instanceof Unavailable) status = { kind: "unavailable", message };
    else status = { kind: "error", message: e instanceof Error && e.stack !== undefined ? e.stack.split("\n").slice(0, 6).join("\n") : message };
  }
  const ok = status.kind === "ok";
  const phases: Phase[] = phaseNames.map((name, i) => ({
    name,
    runsMs: ok ? (runs[i] ?? []) : [],
    units: units[i] ?? 1,
    unit: unitNames[i] ?? "unit",
  }));
  let memoryFigures: MemoryFigures | undefined;
  if (ok && retainedBytes !== undefined && peakRssBytes !== undefined) {
    memoryFigures = {
      retainedBytes,
      retainedBytesPerDatom: retainedBytes / (5 * req.size),
      peakRssBytes,
      baselineRssBytes: baselineRss,
    };
  }
  return {
    ...base,
    side,
    status,
    phases,
    ...(memoryFigures === undefined ? {} : { memory: memoryFigures }),
    ...(note === undefined ? {} : { note }),
    ...(firings === undefined || !ok ? {} : { firings }),
    inputDigest,
  };
}

// Entry point when run as a child process.
const [, , reqJson, resultFile] = process.argv;
if (reqJson !== undefined && resultFile !== undefined) {
  const result = await runCell(JSON.parse(reqJson) as CellRequest);
  writeFileSync(resultFile, JSON.stringify(result));
  // nools and json-rules-engine may leave timers behind; the result is written, so leave now.
  process.exit(0);
}
