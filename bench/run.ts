/**
 * The benchmark runner: `npm run bench` (full) and `npm run bench:quick` (CI: small sizes,
 * correctness only). Runs every cell (workload x size x variant) in its own child process, one
 * after another (the machine has 2 cores: parallel cells would measure each other), then prints
 * the tables. A join cell that ran ok gets a second child process, its memory run (one checked,
 * untimed run measuring the retained heap and the peak RSS; bench/cell.ts says why apart); its
 * figures are merged into the cell's result, and a wrong answer there fails the cell. Exits 1 when
 * any answer is wrong or any cell errs, 0 otherwise; entries of our engine whose modules have not
 * landed are reported "not available yet" (exit 1 with --strict).
 *
 * Flags:
 *   --quick            small sizes (Manners 16 and 32, join N = 1k), 1 run, no warm-up
 *   --only <names>     comma-separated: workloads ("manners", "join"), variant keys (see
 *                      bench/registry.ts), "workload:variant", "ours" or "peers"; repeatable
 *   --runs N           measured runs per cell, exactly (default: at least 5, and a cell whose runs
 *                      take under 2 s in all gets more, up to 25; quick 1)
 *   --sizes a,b        override the sizes (Manners: 5, 8, 16, 32, 64, 128; join: multiples of 10)
 *   --budget S         stop adding runs to a cell after S seconds (default 300; 0 = no limit, always N runs)
 *   --no-warmup        no untimed warm-up run
 *   --json             print machine-readable results instead of the tables
 *   --strict           "not available yet" counts as a failure
 *   --timeout S        stop a cell's process after S seconds (default 1800; quick 120)
 *   --from <file>      print the tables (and exit code) of results saved with --json, running nothing
 *   --source           measure src/ through tsx instead of the built package (dist/, which
 *                      `npm run bench` builds first); see bench/ours/modules.ts
 *   --cpu-prof         write V8 CPU profiles per cell to bench/.cache/profiles/<cell>/ (open the
 *                      largest, the main thread's, in Chrome DevTools); profiling slows the run,
 *                      so its times are not comparable; memory runs are not profiled
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CellRequest } from "./cell.js";
import type { CellResult } from "./harness.js";
import { fmtBytes, fmtMs, stats, withMemory } from "./harness.js";
import { JOIN_VARIANTS, MANNERS_VARIANTS } from "./registry.js";
import { measuredBuild } from "./ours/modules.js";
import { MANNERS_SIZES } from "./workloads/manners.js";
import { joinTable, mannersTable, memoryTable, problems, targets, verdict } from "./report.js";

interface Options {
  quick: boolean;
  only: string[];
  runs: number | undefined;
  sizes: number[] | undefined;
  budgetS: number;
  warmup: boolean;
  json: boolean;
  strict: boolean;
  timeoutS: number | undefined;
  from: string | undefined;
  cpuProf: boolean;
  source: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, only: [], runs: undefined, sizes: undefined, budgetS: 300, warmup: true, json: false, strict: false, timeoutS: undefined, from: undefined, cpuProf: false, source: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (v: string): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${a}: not a number: ${v}`);
      return n;
    };
    switch (a) {
      case "--quick":
        o.quick = true;
        break;
      case "--only":
        o.only.push(...next().split(",").filter((s) => s !== ""));
        break;
      case "--runs":
        o.runs = Math.max(1, Math.floor(num(next())));
        break;
      case "--sizes":
        o.sizes = next().split(",").map(num);
        break;
      case "--budget":
        o.budgetS = num(next());
        break;
      case "--no-warmup":
        o.warmup = false;
        break;
      case "--json":
        o.json = true;
        break;
      case "--strict":
        o.strict = true;
        break;
      case "--timeout":
        o.timeoutS = num(next());
        break;
      case "--from":
        o.from = next();
        break;
      case "--cpu-prof":
        o.cpuProf = true;
        break;
      case "--source":
        o.source = true;
        break;
      default:
        throw new Error(`unknown flag ${a} (see the header of bench/run.ts)`);
    }
  }
  return o;
}

function selected(only: readonly string[], workload: string, key: string, side: "ours" | "peer"): boolean {
  if (only.length === 0) return true;
  return only.some((s) => s === workload || s === key || s === `${workload}:${key}` || (s === "ours" && side === "ours") || (s === "peers" && side === "peer"));
}

/** A cell whose measured runs take under this many ms in all gets more runs (bench/cell.ts, wantsRun)... */
const EXTEND_MS = 2_000;
/** ...up to this many. */
const MAX_RUNS = 25;

function plan(o: Options): CellRequest[] {
  const runs = o.runs ?? (o.quick ? 1 : 5);
  // short cells get more runs by default (bench/cell.ts, wantsRun); --runs asks for exactly N
  const extend = o.runs === undefined && !o.quick ? { extendMs: EXTEND_MS, maxRuns: MAX_RUNS } : {};
  const warmup = o.quick ? false : o.warmup;
  const budgetMs = o.budgetS * 1000;
  const cells: CellRequest[] = [];
  // --sizes applies to each workload where it makes sense: Manners has data files for a few guest
  // counts, the join needs N a multiple of 10 (N/10 customers).
  const known: readonly number[] = MANNERS_SIZES;
  const mannersSizes = o.sizes?.filter((n) => known.includes(n)) ?? (o.quick ? [16, 32] : [16, 32, 64, 128]);
  const joinSizes = o.sizes?.filter((n) => n >= 10 && n % 10 === 0) ?? (o.quick ? [1000] : [1000, 10_000, 100_000]);
  for (const size of mannersSizes) {
    for (const [key, v] of MANNERS_VARIANTS) {
      if (selected(o.only, "manners", key, v.side)) cells.push({ workload: "manners", size, variant: key, runs, ...extend, warmup, budgetMs, mode: "time" });
    }
  }
  // A variant's sizes one after the other: the flatness ratio (100k against 10k per change) divides
  // two of its cells, and this machine's speed drifts by 20-40% over minutes; with all 10k cells
  // before all 100k cells, nools' and DataScript's cells (minutes each) ran between the two.
  for (const [key, v] of JOIN_VARIANTS) {
    if (!selected(o.only, "join", key, v.side)) continue;
    for (const size of joinSizes) cells.push({ workload: "join", size, variant: key, runs, ...extend, warmup, budgetMs, mode: "time" });
  }
  return cells;
}

const CELL = fileURLToPath(new URL("./cell.ts", import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL("./.cache/profiles", import.meta.url));
/** The harness compiled to JavaScript (tsconfig.bench.json), which cells run on plain node. */
const COMPILED_CELL = fileURLToPath(new URL("./.cache/js/bench/cell.js", import.meta.url));

/**
 * Compiles the harness, workloads and peers to JavaScript, so that a cell's process is plain node:
 * the TypeScript loader (tsx) alone adds ~40 MB to a process's RSS, which would count in every
 * variant's peak RSS. Throws when the compiler fails.
 */
function compileHarness(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const project = fileURLToPath(new URL("../tsconfig.bench.json", import.meta.url));
  const r = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`compiling the benchmark harness failed:\n${r.stdout}${r.stderr}`);
}

/**
 * Runs one cell in a child process; a crash, a kill or a timeout becomes an error result.
 * `profileDir` (--cpu-prof) is given for timed cells only.
 */
function runChild(req: CellRequest, dir: string, timeoutMs: number, profileDir: string | undefined): CellResult {
  const file = join(dir, `${req.workload}-${req.size}-${req.variant}-${req.mode}.json`);
  // One folder per cell: node writes one profile per thread (the biggest is the main thread; tsx's
  // loader runs in a worker thread of its own).
  const prof = profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", join(profileDir, `${req.workload}-${req.size}-${req.variant}`)];
  // --source measures src/ through tsx, so its cells need the loader; otherwise plain node
  const cell = process.env.BENCH_SOURCE === "src" ? ["--import", "tsx", CELL] : [COMPILED_CELL];
  const args = ["--expose-gc", "--max-old-space-size=8192", ...prof, ...cell, JSON.stringify(req), file];
  const child = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  try {
    return JSON.parse(readFileSync(file, "utf8")) as CellResult;
  } catch {
    const timedOut = (child.error as { code?: string } | undefined)?.code === "ETIMEDOUT";
    const why = child.error !== undefined ? child.error.message : `exit ${child.status ?? "?"} ${child.signal ?? ""}`;
    // The first lines say what went wrong (a V8 fatal error prints its reason first), the last where.
    const lines = (child.stderr?.toString() ?? "").trim().split("\n").filter((l) => !l.startsWith("npm warn"));
    const stderr = lines.length <= 12 ? lines.join("\n") : [...lines.slice(0, 6), "...", ...lines.slice(-6)].join("\n");
    const variant = req.workload === "manners" ? MANNERS_VARIANTS.get(req.variant) : JOIN_VARIANTS.get(req.variant);
    return {
      workload: req.workload,
      size: req.size,
      variant: req.variant,
      side: variant?.side ?? "peer",
      status: timedOut
        ? { kind: "timeout", message: `stopped after ${Math.round(timeoutMs / 1000)} s` }
        : { kind: "error", message: `the cell's process ended without a result (${why})\n${stderr}` },
      phases: [],
      runsRequested: req.runs,
      inputDigest: "",
    };
  }
}

/**
 * A timed cell, and for a join cell that ran ok its memory run in a second child process that runs
 * nothing else (bench/cell.ts says why), merged into one result. The memory run is never profiled.
 */
function runCellAndMemory(req: CellRequest, dir: string, timeoutMs: number, profileDir: string | undefined): CellResult {
  const timed = runChild(req, dir, timeoutMs, profileDir);
  if (req.workload !== "join" || timed.status.kind !== "ok") return timed;
  return withMemory(timed, runChild({ ...req, mode: "memory" }, dir, timeoutMs, undefined));
}

function progress(i: number, n: number, req: CellRequest, r: CellResult): string {
  const times = r.phases.map((p) => (p.runsMs.length > 0 ? `${p.name.split(":")[0]} ${fmtMs(stats(p.runsMs).median)}` : "")).filter((s) => s !== "");
  if (r.memory !== undefined) times.push(`retained ${r.memory.retainedBytesPerDatom.toFixed(0)} B/datom, peak RSS ${fmtBytes(r.memory.peakRssBytes)}`);
  return `[${i}/${n}] ${req.workload} ${req.size} ${req.variant}: ${r.status.kind}${times.length > 0 ? ` (${times.join(", ")})` : ""}`;
}

function gitCommit(): string {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

/** What `--json` prints and `--from` reads back. */
interface Saved {
  readonly env: Env;
  readonly results: CellResult[];
}

interface Env {
  readonly node: string;
  readonly cpus: number;
  readonly cpu: string;
  readonly commit: string;
  readonly date: string;
  readonly quick: boolean;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly wallS: number;
  /** What our entries measured: the built package (dist) or the source through tsx (src). */
  readonly build?: "dist" | "src";
  /**
   * Where the join's memory figures were measured: "memory process" (a second process per cell,
   * since issue 7's sixth session); absent in older saved results, measured in the timed process.
   */
  readonly memory?: "memory process";
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}

/** Runs the planned cells one after another, each in its own process. */
function runAll(o: Options): Saved {
  // the cells inherit the environment: bench/ours/modules.ts reads it
  if (o.source) process.env.BENCH_SOURCE = "src";
  else {
    delete process.env.BENCH_SOURCE;
    compileHarness();
  }
  const cells = plan(o);
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  const timeoutMs = (o.timeoutS ?? (o.quick ? 120 : 1800)) * 1000;
  const loadBefore = load();
  const date = new Date().toISOString();
  const results: CellResult[] = [];
  const t0 = Date.now();
  try {
    cells.forEach((req, i) => {
      const r = runCellAndMemory(req, dir, timeoutMs, o.cpuProf ? PROFILE_DIR : undefined);
      results.push(r);
      process.stderr.write(`${progress(i + 1, cells.length, req, r)}\n`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const env: Env = {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    commit: gitCommit(),
    date,
    quick: o.quick,
    loadBefore,
    loadAfter: load(),
    wallS: (Date.now() - t0) / 1000,
    build: measuredBuild(),
    memory: "memory process",
  };
  return { env, results };
}

/** The memory table's heading: how the figures of these results were measured (older saved results: in the timed process). */
function memoryHeader(env: Env): string[] {
  if (env.memory === undefined) {
    return [
      "Memory (join): heap retained after step 1 with forced GC (fresh process), peak RSS of the cell's process;",
      "'RSS before run' is the harness's share: node, the harness, the generated data and the expected answers",
      "(saved by an older runner: measured in the timed process, where the retained heap can undercount; bench/README.md)",
    ];
  }
  return [
    "Memory (join), from a second process per cell (a 20-entity primer run, then one checked load + update, untimed):",
    "heap retained after step 1 (forced GC before and after, JIT code left out), peak RSS of that process; 'RSS before run'",
    "is the harness's share: node, the harness, the variant's code, the generated data and the expected answers",
  ];
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const { env, results } = o.from === undefined ? runAll(o) : (JSON.parse(readFileSync(o.from, "utf8")) as Saved);
  if (results.length === 0) {
    process.stderr.write(`nothing selected by --only ${o.only.join(",")}\n`);
    return 2;
  }
  const v = verdict(results, o.strict);
  if (o.json) {
    const saved: Saved = { env, results };
    process.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
  } else {
    const names = new Map<string, string>();
    for (const [k, v] of MANNERS_VARIANTS) names.set(k, v.name);
    for (const [k, v] of JOIN_VARIANTS) names.set(k, v.name);
    const out: string[] = [];
    out.push(`bench ${env.quick ? "--quick " : ""}on node ${env.node}, ${env.cpus} x ${env.cpu}, commit ${env.commit}, ${env.date}; ours measured from ${env.build === "src" ? "src/ through tsx (--source)" : "the built package (dist/)"}`);
    out.push(`load average before ${env.loadBefore}, after ${env.loadAfter}; wall ${env.wallS.toFixed(0)} s`);
    out.push(`each cell in its own process; times are medians of the runs (min, max beside); input building untimed`);
    if (results.some((r) => r.workload === "manners")) out.push("", "Miss Manners (seating verified for every run)", mannersTable(results, names));
    if (results.some((r) => r.workload === "join")) {
      out.push("", "EAV join: step 1 = load 5N datoms + fire; step 2 = 0.05N changes + fire (derived set checked after each step)");
      out.push("ratios are variant / ours (session, engine): above 1x the variant is slower than ours", joinTable(results, names));
      out.push("", ...memoryHeader(env), memoryTable(results, names));
      out.push("", "Targets of issue 7 (informational; CI asserts no timing)", targets(results));
    }
    out.push("", `inputs identical across variants (digest per workload and size): ${v.inputsIdentical ? "yes" : "NO"}`);
    const p = problems(results);
    if (p !== "") out.push("", "Not ok:", p);
    const okCount = results.filter((r) => r.status.kind === "ok").length;
    out.push("", `${results.length} cells: ${okCount} ok, ${v.failed} failed, ${v.unavailable} not available yet, ${v.peersTimedOut} peers timed out`);
    process.stdout.write(`${out.join("\n")}\n`);
  }
  if (o.cpuProf) process.stderr.write(`CPU profiles (one per cell) in ${PROFILE_DIR}\n`);
  return v.exitCode;
}

process.exitCode = await main();
