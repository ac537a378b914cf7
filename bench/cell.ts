/**
 * One benchmark cell (workload x size x variant), run in its own child process so that every
 * variant starts from a fresh heap, memory figures belong to it alone, and a crash or a runaway
 * peer cannot take the others down. The runner (bench/run.ts) starts it as
 *   node --expose-gc bench/.cache/js/bench/cell.js '<CellRequest JSON>' <result file>
 * and reads the {@link CellResult} it writes to the result file.
 *
 * A cell runs in one of two modes. "time" makes the timed runs. Every run is checked; a wrong
 * answer ends the cell as "wrong" and its time is never reported. A warm-up run (checked, untimed)
 * comes first unless it takes longer than WARMUP_COUNTS_MS, in which case JIT warm-up is negligible
 * and it is counted as the first measured run. A join cell warms up at least five times (its update step
 * is short: its code was still tiering up in the second run), more at small sizes (see
 * JOIN_WARMUPS_MIN). A timed cell forces no full GC and reports no memory figures.
 *
 * "memory" (the join only; the runner starts it in a second process for each join cell that ran
 * ok) makes a small primer run and one measured run, both checked and untimed, in a process that
 * runs nothing else: see {@link joinMemory}. Why a process of its own: a retained heap needs forced
 * full GCs and a baseline where nothing of an earlier run is alive, which the timed process cannot
 * give either before or after its timed runs. Before them, they made V8 drop optimized code and type feedback whose
 * hidden classes died (`--trace-deopt`: "wrong map", then "insufficient type feedback" after the
 * next natural mark-compact): when the warm-up measured the heap, up to three of the measured runs
 * after it ran on deoptimized code (issue 7, fifth session: the engine's 100k update 85-94 ms in
 * those runs against 12-14 in the others). After the timed runs, the baseline could still hold the
 * last timed run's structures (something in V8 kept them reachable), so the difference undercounted
 * (the plain floor came out at -0.15 MB at 100k in one run, 16.6 MB in another; about 17 MB, 35 B per
 * datom, in the memory process).
 */
import { writeFileSync } from "node:fs";
import {
  Unavailable,
  WrongAnswer,
  assertSameSet,
  collectBeforeStep,
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
  /**
   * More runs for short cells: after `runs`, keep adding runs while the measured runs have taken
   * less than `extendMs` milliseconds in all, up to `maxRuns` runs. Without both: exactly `runs`.
   * See wantsRun.
   */
  readonly extendMs?: number;
  readonly maxRuns?: number;
  readonly warmup: boolean;
  /** Stop adding runs once this many milliseconds have been spent (0: no limit). */
  readonly budgetMs: number;
  /**
   * "time": the timed runs, no memory figures; "memory" (join only): one checked run measuring the
   * retained heap and the peak RSS, no times (`runs`, `warmup` and `budgetMs` are not read).
   */
  readonly mode: "time" | "memory";
}

const WARMUP_COUNTS_MS = 5_000;
/**
 * Join warm-ups: at least JOIN_WARMUPS_MIN runs, then more while they have taken less than
 * JOIN_WARMUP_MS, up to JOIN_WARMUPS_MAX. A small cell's update step is short (500 changes at 10k),
 * and after two warm-ups our 10k session's first measured updates were still 3-5x the later ones.
 * At 100k a run takes about a second, and with 2 s of warm-ups (2-3 runs) V8 was still optimizing
 * update-only functions in the 4th to 7th update (`--trace-opt`: truth maintenance's `settle`,
 * `activationGone`, the store's `retractResolved`); 6 s (about 5 runs of our session) measured
 * medians of 25.4-25.5 ms against 26.9-27.3 (issue 7, seventh session, 2 processes each).
 * At least five whatever the time (since the ninth session): `--trace-opt` showed update-only
 * functions (truth maintenance's withdrawals) still tiering up in the 7th to 11th update of a
 * process, and on a busy host 6 s held only three or four 100k runs of our session, so how warm
 * the measured runs were depended on the host's load.
 */
const JOIN_WARMUPS_MIN = 5;
const JOIN_WARMUPS_MAX = 10;
const JOIN_WARMUP_MS = 6_000;

interface Timed {
  /** Milliseconds per phase for one run. */
  readonly ms: readonly number[];
  readonly firings?: Readonly<Record<string, number>>;
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

async function joinRun(variant: JoinVariant, data: JoinData): Promise<Timed> {
  const run = await variant.create(data);
  collectBeforeStep();
  const load = await timeMs(() => run.load());
  assertSameSet("step 1 (load + fire)", data.expected1, await run.discounts());
  collectBeforeStep();
  const update = await timeMs(() => run.update());
  assertSameSet("step 2 (1% changes + fire)", data.expected2, await run.discounts());
  run.dispose?.();
  return { ms: [load, update] };
}

/**
 * The size of the primer run a memory cell makes before its baseline (see {@link joinMemory}):
 * the smallest N whose answers are not empty (2 customers, 18 orders, 100 datoms; one discount
 * after each step), so the primer goes through the rule's firing paths too.
 */
const PRIMER_N = 20;

/**
 * One checked join run (load, check, update, check), untimed, returning nothing: loads the
 * variant's code before a memory baseline. Throws WrongAnswer on a wrong answer.
 */
async function joinPrimer(variant: JoinVariant): Promise<void> {
  const data = generateJoin(PRIMER_N);
  const run = await variant.create(data);
  await run.load();
  assertSameSet("primer step 1 (load + fire)", data.expected1, await run.discounts());
  await run.update();
  assertSameSet("primer step 2 (changes + fire)", data.expected2, await run.discounts());
  run.dispose?.();
}

/**
 * The join's memory figures, from the one measured run of a process that ran nothing before it
 * but a primer run at N = PRIMER_N (called once per process). The primer loads what a variant
 * pays once, not per datom: its modules, parsed rules and compiled network, the bytecode of its
 * paths (about 2.5 MB for our entries: without the primer, our 1k figures were 835 / 724 B per
 * datom against the plain floor's 43). Whatever of the primer stays reachable is at most its 100
 * datoms' structures, where a baseline after the timed runs could hold a whole earlier run.
 *
 * Baseline: heap (less JIT code, see retainedHeap) and RSS after forced GC, with the data and
 * expected answers generated. Then create + load; the peak RSS is read before any forced GC; the
 * retained heap is the heap after forced GC minus the baseline: the variant's store or network
 * plus the change list it holds for step 2 (1% of the datoms); its step-1 input is released by
 * load() where it can be. Then the step-1 answer is checked, step 2 runs and is checked (a wrong
 * answer fails the cell here too), and the peak RSS is read again: reported is the load's peak, or
 * the update's where it went past what the forced GCs left. Throws WrongAnswer on a wrong answer.
 * Nothing is timed.
 */
async function joinMemory(variant: JoinVariant, data: JoinData): Promise<MemoryFigures> {
  await joinPrimer(variant);
  const before = retainedHeap();
  const baselineRssBytes = process.memoryUsage().rss;
  const run = await variant.create(data);
  await run.load();
  const loadPeak = peakRss();
  const retainedBytes = retainedHeap() - before;
  const gcPeak = peakRss();
  assertSameSet("step 1 (load + fire)", data.expected1, await run.discounts());
  await run.update();
  assertSameSet("step 2 (1% changes + fire)", data.expected2, await run.discounts());
  // maxRSS never goes down, and the forced GCs can raise it (our 100k engine: 210.5 -> 213.9 MB,
  // plain 162.2 -> 162.5): the update's peak counts only where it went past them.
  const updatePeak = peakRss();
  const peakRssBytes = updatePeak > gcPeak ? updatePeak : loadPeak;
  run.dispose?.();
  const datoms = 5 * (data.customers.length + data.orders.length);
  return { retainedBytes, retainedBytesPerDatom: retainedBytes / datoms, peakRssBytes, baselineRssBytes };
}

/** How a thrown error ends a cell: a wrong answer, code not there yet, or an error (its stack's top). */
function failure(e: unknown): CellStatus {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof WrongAnswer) return { kind: "wrong", message };
  if (e instanceof Unavailable) return { kind: "unavailable", message };
  return { kind: "error", message: e instanceof Error && e.stack !== undefined ? e.stack.split("\n").slice(0, 6).join("\n") : message };
}

type CellBase = Pick<CellResult, "workload" | "size" | "variant" | "runsRequested" | "side">;

/**
 * Runs one cell: its runs, checks and figures (see the header for the two modes). Returns the
 * result; never throws (failures are reported in `status`). `variant` overrides the registry's
 * lookup of `req.variant` (tests use it to prove that a wrong answer is reported as such).
 * @example await runCell({ workload: "join", size: 1000, variant: "plain", runs: 1, warmup: false, budgetMs: 0, mode: "time" })
 */
export async function runCell(req: CellRequest, override?: MannersVariant | JoinVariant): Promise<CellResult> {
  const variant = override ?? findVariant(req.workload, req.variant);
  const base: CellBase = { workload: req.workload, size: req.size, variant: req.variant, runsRequested: req.runs, side: variant?.side ?? "peer" };
  if (variant === undefined) {
    return { ...base, status: { kind: "error", message: `unknown variant ${req.variant}` }, phases: [], inputDigest: "" };
  }
  if (req.mode === "time") return timedCell(req, variant, base);
  if (req.workload !== "join") {
    return { ...base, status: { kind: "error", message: `no memory mode for ${req.workload}` }, phases: [], inputDigest: "" };
  }
  return memoryCell(req.size, variant as JoinVariant, base);
}

/** A cell in "memory" mode: the join's memory figures (joinMemory), no phases. Never throws. */
async function memoryCell(size: number, variant: JoinVariant, base: CellBase): Promise<CellResult> {
  const data = generateJoin(size);
  try {
    const memory = await joinMemory(variant, data);
    return { ...base, status: { kind: "ok" }, phases: [], memory, inputDigest: data.digest };
  } catch (e) {
    return { ...base, status: failure(e), phases: [], inputDigest: data.digest };
  }
}

/**
 * Whether a cell makes another measured run: until `runs`, then, for a short cell, while all its
 * measured runs together took under `extendMs`, up to `maxRuns`. Why: the median of five runs of a
 * step that takes half a millisecond (our engine's 10k update, 500 changes) moved by 1.7x between
 * full runs (1.19 and 2.05 us per change in issue 7's tenth session), within one process the same
 * update measured 0.95-1.83 us per change from one run to the next, and the flatness ratio divides
 * by that median. Long cells are not affected: five runs of them take longer than `extendMs`.
 */
function wantsRun(req: CellRequest, runs: readonly (readonly number[])[]): boolean {
  const n = runs[0]?.length ?? 0;
  if (n < req.runs) return true;
  const extendMs = req.extendMs ?? 0;
  if (extendMs <= 0 || n >= (req.maxRuns ?? n)) return false;
  let measured = 0;
  for (const phase of runs) for (const ms of phase) measured += ms;
  return measured < extendMs;
}

/** A cell in "time" mode: warm-ups, measured runs, checks; no memory figures. Never throws. */
async function timedCell(req: CellRequest, variant: MannersVariant | JoinVariant, base: CellBase): Promise<CellResult> {
  let one: () => Promise<Timed>;
  let phaseNames: string[];
  let units: number[];
  let unitNames: string[];
  let inputDigest: string;
  if (req.workload === "manners") {
    const data = loadManners(req.size);
    one = () => mannersRun(variant as MannersVariant, data);
    phaseNames = ["seat everyone"];
    units = [data.guests];
    unitNames = ["guest"];
    inputDigest = data.digest;
  } else {
    const data = generateJoin(req.size);
    one = () => joinRun(variant as JoinVariant, data);
    phaseNames = ["step 1: load + fire", "step 2: 1% changes + fire"];
    units = [5 * req.size, data.changes.length];
    unitNames = ["datom", "change"];
    inputDigest = data.digest;
  }
  const runs: number[][] = phaseNames.map(() => []);
  const record = (t: Timed): void => t.ms.forEach((ms, i) => runs[i]?.push(ms));
  let firings: Readonly<Record<string, number>> | undefined;
  let status: CellStatus = { kind: "ok" };
  let note: string | undefined;
  const started = Date.now();
  try {
    if (req.warmup) {
      const w = await one();
      firings = w.firings;
      if ((w.ms.reduce((a, b) => a + b, 0)) > WARMUP_COUNTS_MS) {
        record(w);
        note = "warm-up run counted (longer than 5 s)";
      } else if (req.workload === "join") {
        const warmStarted = Date.now();
        for (let n = 1; n < JOIN_WARMUPS_MIN || (n < JOIN_WARMUPS_MAX && Date.now() - warmStarted < JOIN_WARMUP_MS); n++) await one();
      }
    }
    while (wantsRun(req, runs)) {
      const r = await one();
      firings ??= r.firings;
      record(r);
      const spent = Date.now() - started;
      if (req.budgetMs > 0 && spent > req.budgetMs && (runs[0]?.length ?? 0) < req.runs) {
        note = `${runs[0]?.length ?? 0} of ${req.runs} runs: time budget of ${Math.round(req.budgetMs / 1000)} s spent`;
        break;
      }
    }
  } catch (e) {
    status = failure(e);
  }
  const ok = status.kind === "ok";
  const phases: Phase[] = phaseNames.map((name, i) => ({
    name,
    runsMs: ok ? (runs[i] ?? []) : [],
    units: units[i] ?? 1,
    unit: unitNames[i] ?? "unit",
  }));
  return {
    ...base,
    status,
    phases,
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
