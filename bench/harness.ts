/**
 * The shared benchmark harness: a seeded PRNG, timing, statistics, forced GC, correctness checks
 * and the result table. Workloads and peers import it; it imports nothing from src/ so that the
 * peers keep running whatever state the engine is in.
 */
import { getHeapSpaceStatistics } from "node:v8";

// ---------------------------------------------------------------- where things are

/**
 * The bench/ source folder, also when this module runs as a compiled copy under
 * bench/.cache/js/bench/ (the runner compiles the harness so that cells run on plain node,
 * without the TypeScript loader's memory in their figures): data files are read from here.
 * @example readFileSync(new URL("workloads/join.rules", BENCH_DIR), "utf8")
 */
export const BENCH_DIR: URL = new URL(new URL(".", import.meta.url).href.replace(/\/bench\/\.cache\/js\/bench\/$/, "/bench/"));

/** The repository's root folder (holds dist/ and src/). */
export const REPO_ROOT: URL = new URL("../", BENCH_DIR);

// ---------------------------------------------------------------- seeded randomness

/**
 * A small seeded PRNG (mulberry32): every variant of a workload sees identical input.
 * Returns a function giving floats in [0, 1); the state lives in the closure.
 * @example const rnd = prng(42); rnd(); // always the same first number for seed 42
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An integer in [0, n) drawn from `rnd`. Nothing changes except the generator's state.
 * @example randInt(prng(1), 6) // 0..5
 */
export function randInt(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

// ---------------------------------------------------------------- timing and memory

/**
 * Milliseconds taken by `fn` (awaited when it returns a promise), measured with the monotonic clock.
 * @example const ms = await timeMs(() => work());
 */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = fn();
  if (r instanceof Promise) await r;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

type GcFn = (options?: { type: "major" | "minor"; execution: "sync" | "async" }) => void | Promise<void>;

/** Whether node runs with `--expose-gc` (the runner always starts cells that way). */
export function gcAvailable(): boolean {
  return typeof (globalThis as { gc?: GcFn }).gc === "function";
}

/**
 * Forces full, memory-reducing garbage collections (a few, so weak and finalisable objects go
 * too), for exact heap figures. Does nothing without `--expose-gc`. Called outside timed regions
 * only; before a timed step use {@link collectBeforeStep}, see there why.
 */
export function forceGc(): void {
  const gc = (globalThis as { gc?: GcFn }).gc;
  if (gc === undefined) return;
  for (let i = 0; i < 3; i++) gc();
}

/**
 * Collects the young generation before a timed step (a scavenge), so that the step does not pay
 * for the short-lived garbage of what ran just before it (building inputs, checking answers).
 * Old-generation garbage (earlier runs' dropped sessions) is left to V8's own schedule, as in an
 * application: a collection of it may fall inside a later timed step (the max column).
 *
 * Not a full GC: after one, V8 throws away optimized code whose hidden classes died with the
 * objects of the operation before (--trace-deopt: "weak objects"), and the next operation ran
 * 3-4x slower (a 100k-entity session's update: the caller's transaction 6 -> 23 us per change, the
 * fire 6-8 -> 22-30). A full GC between runs, measured (issue 7, third session): the 100k update
 * 13.1 us per change for the engine and 27.7 for the session, against about 6.5 and 14 without: the
 * update's code paths (retraction, withdrawal) are not re-optimized by the load before it. We
 * measure the warm steady state an application that keeps working sees, and report that weakness
 * in the notes. (On node 20, `gc({ type: "major", execution: "sync" })` is a scavenge too, not the
 * full GC its name says; only the `async` form is one. Until issue 7's third session this function
 * called it believing it was a full GC.) Does nothing without `--expose-gc`.
 */
export function collectBeforeStep(): void {
  const gc = (globalThis as { gc?: GcFn }).gc;
  if (gc === undefined) return;
  void gc({ type: "minor", execution: "sync" });
}

/** V8's heap spaces that hold machine code (compiled by the JIT), not objects. */
const CODE_SPACES: ReadonlySet<string> = new Set(["code_space", "code_large_object_space"]);

/**
 * Heap in use after a forced GC, in bytes, less the JIT's machine code (an estimate without
 * `--expose-gc`). Forces full GCs; changes nothing else. Code is left out: it is a one-off cost
 * that depends on when the JIT tiers up, not on the data, and the code spaces' used size moved by
 * up to ~250 KB between processes making the same 1k run (json-rules-engine: 49-263 KB, with V8's
 * code statistics the same), more than the plain floor's whole 1k figure (~190 KB, all of it in old
 * space). Measured in issue 7's sixth session.
 */
export function retainedHeap(): number {
  forceGc();
  const code = getHeapSpaceStatistics()
    .filter((s) => CODE_SPACES.has(s.space_name))
    .reduce((sum, s) => sum + s.space_used_size, 0);
  return process.memoryUsage().heapUsed - code;
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

// ---------------------------------------------------------------- statistics

/** Median, minimum and maximum of a sample. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/**
 * Median, min and max of `xs` (the median of an even count is the mean of the middle two).
 * Returns NaNs for an empty sample; `xs` is not changed.
 * @example stats([3, 1, 2]) // { median: 2, min: 1, max: 3, n: 3 }
 */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, n: s.length };
}

// ---------------------------------------------------------------- correctness

/** Thrown when a variant's answer is wrong; the runner reports it as a failure and never times it. */
export class WrongAnswer extends Error {
  override readonly name = "WrongAnswer";
}

/**
 * Checks that two sets of strings are equal. Returns nothing; throws {@link WrongAnswer} naming
 * the sizes and a few missing and unexpected members otherwise.
 * @example assertSameSet("step 1", new Set(["a"]), new Set(["a"]));
 */
export function assertSameSet(what: string, expected: ReadonlySet<string>, actual: ReadonlySet<string>): void {
  const missing: string[] = [];
  const extra: string[] = [];
  for (const x of expected) if (!actual.has(x)) missing.push(x);
  for (const x of actual) if (!expected.has(x)) extra.push(x);
  if (missing.length === 0 && extra.length === 0) return;
  throw new WrongAnswer(
    `${what}: expected ${expected.size} members, got ${actual.size}; ` +
      `missing ${missing.length} (e.g. ${missing.slice(0, 3).join(", ") || "-"}), ` +
      `unexpected ${extra.length} (e.g. ${extra.slice(0, 3).join(", ") || "-"})`,
  );
}

// ---------------------------------------------------------------- results and the table

/** How one cell (workload x size x variant) ended. */
export type CellStatus =
  | { readonly kind: "ok" }
  | { readonly kind: "wrong"; readonly message: string }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "unavailable"; readonly message: string }
  /** The cell's process was stopped after the runner's time limit (a failure for our entries only). */
  | { readonly kind: "timeout"; readonly message: string };

/** One timed phase of a cell: its per-run milliseconds and what one unit of work is. */
export interface Phase {
  readonly name: string;
  readonly runsMs: readonly number[];
  /** Units of work per run (datoms loaded, changes applied, guests seated). */
  readonly units: number;
  readonly unit: string;
}

/**
 * Memory figures of a join cell, measured in a process of their own that makes one checked run
 * after a primer run at N = 20 (bench/cell.ts, joinMemory) and no timed runs.
 */
export interface MemoryFigures {
  /** Heap retained after step 1 minus heap before it, both after forced GC and less JIT code (see retainedHeap), divided by datoms. */
  readonly retainedBytesPerDatom: number;
  readonly retainedBytes: number;
  /** Peak RSS of the memory process up to the end of its load (before its forced GCs), or of its update where that went higher. */
  readonly peakRssBytes: number;
  /**
   * RSS of the memory process at the baseline (after forced GC), before the measured run: the
   * harness's share of the peak (node, the harness, the variant's code loaded by the primer, the
   * data and the expected answers).
   */
  readonly baselineRssBytes: number;
}

/** The outcome of one cell, as the child process reports it to the runner. */
export interface CellResult {
  readonly workload: string;
  readonly size: number;
  readonly variant: string;
  /** "ours" entries are the engine under test; ratios are peer / ours. */
  readonly side: "ours" | "peer";
  readonly status: CellStatus;
  readonly phases: readonly Phase[];
  readonly memory?: MemoryFigures;
  /** Rule firings by rule name in one run (Manners), where the engine reports them. */
  readonly firings?: Readonly<Record<string, number>>;
  /** Runs asked for, and a note when fewer were made (time budget). */
  readonly runsRequested: number;
  readonly note?: string;
  /** A digest of the input, so a reader can see every variant got the same data. */
  readonly inputDigest: string;
}

/**
 * A timed cell's result with the figures of its memory run (a second process, see bench/cell.ts)
 * merged in. Returns a new result; neither argument changes. An ok memory run adds its `memory`;
 * a wrong answer or an error there fails the cell (status prefixed "memory run: ", times dropped,
 * as for any failed cell); a memory run stopped by the time limit leaves the timed result with a note.
 * @example withMemory(timedResult, memoryResult).memory?.retainedBytesPerDatom
 */
export function withMemory(timed: CellResult, memory: CellResult): CellResult {
  const s = memory.status;
  switch (s.kind) {
    case "ok":
      return memory.memory === undefined ? timed : { ...timed, memory: memory.memory };
    case "wrong":
    case "error":
      return { ...timed, status: { kind: s.kind, message: `memory run: ${s.message}` }, phases: timed.phases.map((p) => ({ ...p, runsMs: [] })) };
    case "unavailable":
    case "timeout": {
      const note = `memory run ${s.kind === "timeout" ? "timed out" : "not available"}: ${s.message}`;
      return { ...timed, note: timed.note === undefined ? note : `${timed.note}; ${note}` };
    }
    default: {
      // exhaustive (assertNever lives in src/, which this module does not import)
      const unknown: never = s;
      throw new Error(`unexpected cell status ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * A short stable digest (FNV-1a, 32 bits, hex) of a string, for showing that inputs are identical.
 * @example digest("abc") // "1a47e90b"
 */
export function digest(text: string): string {
  return new Digest().add(text).hex();
}

/**
 * An incremental FNV-1a digest: feed it piece by piece (no big string is ever built).
 * `add` changes the digest's state and returns it.
 * @example new Digest().add("a").add("bc").hex() === digest("abc")
 */
export class Digest {
  private h = 0x811c9dc5;

  add(text: string): this {
    let h = this.h;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    this.h = h;
    return this;
  }

  hex(): string {
    return (this.h >>> 0).toString(16).padStart(8, "0");
  }
}

/** Formats milliseconds for the table (ms below 10 s, s above). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** Formats a per-unit cost in microseconds. */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return "-";
  if (us >= 100) return us.toFixed(0);
  if (us >= 10) return us.toFixed(1);
  return us.toFixed(2);
}

/** Formats bytes as B, KB or MB. */
export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return "-";
  if (Math.abs(b) >= 1024 * 1024) return `${(b / (1024 * 1024)).toFixed(1)} MB`;
  if (Math.abs(b) >= 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${b.toFixed(0)} B`;
}

/**
 * Renders rows as an aligned text table (first row is the header). Returns the text; prints nothing.
 * @example table([["a", "b"], ["1", "2"]])
 */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  const out = [line(rows[0] ?? [])];
  out.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) out.push(line(r));
  return out.join("\n");
}

/**
 * Thrown by an entry whose code under test is not there yet (a module not landed). The runner
 * reports it as "not available yet", never as a pass and never as a wrong answer.
 */
export class Unavailable extends Error {
  override readonly name = "Unavailable";
}
