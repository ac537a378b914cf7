/**
 * One benchmark cell (workload x size x variant), run in its own child process so that every
 * variant starts from a fresh heap, memory figures belong to it alone, and a crash or a runaway
 * peer cannot take the others down. The runner (bench/run.ts) starts it as
 *   node --expose-gc --import tsx bench/cell.ts '<CellRequest JSON>' <result file>
 * and reads the {@link CellResult} it writes to the result file.
 *
 * Every run is checked; a wrong answer ends the cell as "wrong" and its time is never reported.
 * A warm-up run (checked, untimed) comes first unless it takes longer than WARMUP_COUNTS_MS, in
 * which case JIT warm-up is negligible and it is counted as the first measured run. A join cell's
 * warm-up also measures memory, with full GCs that throw optimized code away: a second, plain
 * warm-up follows it (when it was short enough not to count).
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

interface Timed {
  /** Milliseconds per phase for one run. */
  readonly ms: readonly number[];
  readonly firings?: Readonly<Record<string, number>>;
  /**
   * Heap retained after step 1, and the process's peak RSS when this run ended: the first run's
   * peak is the cell's figure (V8 keeps the heap as large as it grew, so a peak read after later
   * runs would add the runs up).
   */
  readonly memory?: { readonly retainedBytes: number; readonly peakRssBytes: number };
  /** Phases whose time is not counted (measured, but distorted by the memory measurement). */
  readonly uncounted?: readonly number[];
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

async function joinRun(variant: JoinVariant, data: JoinData, measureMemory: boolean): Promise<Timed> {
  const before = measureMemory ? retainedHeap() : 0;
  const run = await variant.create(data);
  collectBeforeStep();
  const load = await timeMs(() => run.load());
  // Heap after step 1 with the run alive: the variant's store or network plus the change list it
  // holds for step 2 (1% of the datoms); its step-1 input is released by load() where it can be.
  const retained = measureMemory ? retainedHeap() - before : 0;
  assertSameSet("step 1 (load + fire)", data.expected1, await run.discounts());
  collectBeforeStep();
  const update = await timeMs(() => run.update());
  assertSameSet("step 2 (1% changes + fire)", data.expected2, await run.discounts());
  run.dispose?.();
  // the memory-measuring run's update follows V8's memory-reducing testing GC (forceGc): its time
  // is not counted (see harness.ts, collectBeforeStep)
  return { ms: [load, update], ...(measureMemory ? { memory: { retainedBytes: retained, peakRssBytes: peakRss() }, uncounted: [1] } : {}) };
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
  let one: (measureMemory: boolean) => Promise<Timed>;
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
    phaseNames = ["step 1: load + fire", "step 2: 1% changes + fire"];
    units = [5 * req.size, data.changes.length];
    unitNames = ["datom", "change"];
    inputDigest = data.digest;
  }
  const runs: number[][] = phaseNames.map(() => []);
  // times measured but not counted (see Timed.uncounted), used only if a phase has no other
  const setAside: number[][] = phaseNames.map(() => []);
  const record = (t: Timed): void =>
    t.ms.forEach((ms, i) => {
      if ((t.uncounted ?? []).includes(i)) setAside[i]?.push(ms);
      else runs[i]?.push(ms);
    });
  let memory: { retainedBytes: number; peakRssBytes: number } | undefined;
  let firings: Readonly<Record<string, number>> | undefined;
  let status: CellStatus = { kind: "ok" };
  let note: string | undefined;
  const started = Date.now();
  try {
    let first = true;
    if (req.warmup) {
      const w = await one(req.workload === "join");
      memory = w.memory;
      firings = w.firings;
      first = false;
      if ((w.ms.reduce((a, b) => a + b, 0)) > WARMUP_COUNTS_MS) {
        record(w);
        note = "warm-up run counted (longer than 5 s)";
      } else if (req.workload === "join") {
        // The memory measurement's full GCs threw away optimized code whose hidden classes died
        // with them (see harness.ts, collectBeforeStep): its update ran partly unoptimized, and so
        // did the next run's: in the full run at 0259ae6 the first measured update was among the
        // two slowest of five in all four of our join cells at 10k and 100k (the session's 92.9 and
        // 15.8 ms against fastest runs of 34.2 and 2.4). A second, plain warm-up re-optimizes both.
        await one(false);
      }
    }
    while ((runs[0]?.length ?? 0) < req.runs) {
      const r = await one(first && req.workload === "join");
      if (first) memory = r.memory;
      firings ??= r.firings;
      first = false;
      record(r);
      const spent = Date.now() - started;
      if (req.budgetMs > 0 && spent > req.budgetMs && (runs[0]?.length ?? 0) < req.runs) {
        note = `${runs[0]?.length ?? 0} of ${req.runs} runs: time budget of ${Math.round(req.budgetMs / 1000)} s spent`;
        break;
      }
    }
    runs.forEach((xs, i) => {
      const aside = setAside[i] ?? [];
      if (xs.length > 0 || aside.length === 0) return;
      xs.push(...aside);
      note = [note, `${phaseNames[i] ?? "a phase"}: the one run follows the memory measurement's GC`].filter((x) => x !== undefined).join("; ");
    });
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
  if (ok && memory !== undefined) {
    memoryFigures = {
      retainedBytes: memory.retainedBytes,
      retainedBytesPerDatom: memory.retainedBytes / (5 * req.size),
      peakRssBytes: memory.peakRssBytes,
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
