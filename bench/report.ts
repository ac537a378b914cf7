/**
 * Turns cell results into the printed report: the Manners table, the join table (per-datom and
 * per-change costs, ratios of each peer to our entries), the memory table, failures, and the
 * issue's targets with what this run measured for them. Pure: returns text.
 */
import { assertNever } from "../src/errors.js";
import { fmtBytes, fmtMs, fmtUs, stats, table, type CellResult, type Phase } from "./harness.js";

function median(p: Phase | undefined): number {
  return p === undefined ? NaN : stats(p.runsMs).median;
}

function statusText(r: CellResult): string {
  switch (r.status.kind) {
    case "ok":
      return r.note === undefined ? "ok" : `ok (${r.note})`;
    case "wrong":
      return "WRONG ANSWER";
    case "error":
      return "ERROR";
    case "unavailable":
      return "not available yet";
    case "timeout":
      return "TIMED OUT";
    default:
      return assertNever(r.status, "cell status");
  }
}

function ratio(peer: number, ours: number): string {
  if (!Number.isFinite(peer) || !Number.isFinite(ours) || ours <= 0) return "-";
  const x = peer / ours;
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

function phaseCells(p: Phase | undefined): string[] {
  if (p === undefined || p.runsMs.length === 0) return ["-", "-", "-", "-"];
  const s = stats(p.runsMs);
  return [fmtMs(s.median), fmtMs(s.min), fmtMs(s.max), fmtUs((s.median * 1000) / p.units)];
}

function find(results: readonly CellResult[], workload: string, size: number, variant: string): CellResult | undefined {
  return results.find((r) => r.workload === workload && r.size === size && r.variant === variant);
}

/**
 * The Manners table: one row per size and variant; the ratio is the variant's median over our median.
 * @example mannersTable(results, names)
 */
export function mannersTable(results: readonly CellResult[], names: ReadonlyMap<string, string>): string {
  const rows: string[][] = [["guests", "engine", "status", "runs", "median", "min", "max", "ms/guest", "x ours", "firings"]];
  for (const r of results.filter((x) => x.workload === "manners")) {
    const p = r.phases[0];
    const ours = median(find(results, "manners", r.size, "ours")?.phases[0]);
    const [med, min, max] = phaseCells(p);
    const perGuest = p !== undefined && p.runsMs.length > 0 ? (median(p) / p.units).toFixed(2) : "-";
    const fired = r.firings === undefined ? "-" : String(Object.values(r.firings).reduce((a, b) => a + b, 0));
    rows.push([String(r.size), names.get(r.variant) ?? r.variant, statusText(r), String(p?.runsMs.length ?? 0), med ?? "-", min ?? "-", max ?? "-", perGuest, ratio(median(p), ours), fired]);
  }
  const detail = results
    .filter((x) => x.workload === "manners" && x.firings !== undefined)
    .map((x) => `  ${x.size} ${x.variant}: ${Object.entries(x.firings ?? {}).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  return detail.length === 0 ? table(rows) : `${table(rows)}\nfirings by rule (one run):\n${detail.join("\n")}`;
}

/**
 * The join table: step 1 (load + fire) and step 2 (1% changes + fire), medians with min and max,
 * microseconds per datom and per change, and ratios to our session and to our engine.
 */
export function joinTable(results: readonly CellResult[], names: ReadonlyMap<string, string>): string {
  const rows: string[][] = [
    [
      "N",
      "variant",
      "status",
      "runs",
      "load med",
      "min",
      "max",
      "us/datom",
      "update med",
      "min",
      "max",
      "us/change",
      "load x sess",
      "load x eng",
      "upd x sess",
      "upd x eng",
    ],
  ];
  for (const r of results.filter((x) => x.workload === "join")) {
    const [load, update] = r.phases;
    const sess = find(results, "join", r.size, "ours-session");
    const eng = find(results, "join", r.size, "ours-engine");
    rows.push([
      String(r.size),
      names.get(r.variant) ?? r.variant,
      statusText(r),
      String(load?.runsMs.length ?? 0),
      ...phaseCells(load),
      ...phaseCells(update),
      ratio(median(load), median(sess?.phases[0])),
      ratio(median(load), median(eng?.phases[0])),
      ratio(median(update), median(sess?.phases[1])),
      ratio(median(update), median(eng?.phases[1])),
    ]);
  }
  return table(rows);
}

/** The memory table: heap retained per datom after step 1 (forced GC) and the memory process's peak RSS (bench/cell.ts, joinMemory). */
export function memoryTable(results: readonly CellResult[], names: ReadonlyMap<string, string>): string {
  const rows: string[][] = [["N", "variant", "status", "retained heap", "bytes/datom", "peak RSS", "RSS before run"]];
  for (const r of results.filter((x) => x.workload === "join")) {
    const m = r.memory;
    rows.push([
      String(r.size),
      names.get(r.variant) ?? r.variant,
      statusText(r),
      m === undefined ? "-" : fmtBytes(m.retainedBytes),
      m === undefined ? "-" : m.retainedBytesPerDatom.toFixed(0),
      m === undefined ? "-" : fmtBytes(m.peakRssBytes),
      m === undefined ? "-" : fmtBytes(m.baselineRssBytes),
    ]);
  }
  return table(rows);
}

/** The run's outcome: counts and the process exit code. */
export interface Verdict {
  readonly failed: number;
  readonly unavailable: number;
  readonly peersTimedOut: number;
  readonly inputsIdentical: boolean;
  /** 1 on a wrong answer, an error, our entry timing out, or differing inputs (and, when strict, an unavailable entry); else 0. */
  readonly exitCode: 0 | 1;
}

/**
 * Decides the exit code CI sees. A peer too slow for the time limit is reported, not failed; our
 * entry timing out is a failure. Pure.
 * @example verdict(results, false).exitCode
 */
export function verdict(results: readonly CellResult[], strict: boolean): Verdict {
  const failed = results.filter((r) => r.status.kind === "wrong" || r.status.kind === "error" || (r.status.kind === "timeout" && r.side === "ours")).length;
  const peersTimedOut = results.filter((r) => r.status.kind === "timeout" && r.side === "peer").length;
  const unavailable = results.filter((r) => r.status.kind === "unavailable").length;
  const digests = new Map<string, Set<string>>();
  for (const r of results) {
    const k = `${r.workload} ${r.size}`;
    const set = digests.get(k) ?? new Set<string>();
    digests.set(k, set);
    if (r.inputDigest !== "") set.add(r.inputDigest);
  }
  const inputsIdentical = [...digests.values()].every((s) => s.size <= 1);
  const exitCode = failed > 0 || !inputsIdentical || (strict && unavailable > 0) ? 1 : 0;
  return { failed, unavailable, peersTimedOut, inputsIdentical, exitCode };
}

/** Every failed or unavailable cell with its message. */
export function problems(results: readonly CellResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.status.kind === "ok") continue;
    out.push(`${r.workload} ${r.size} ${r.variant}: ${statusText(r)}\n    ${r.status.message.replaceAll("\n", "\n    ")}`);
  }
  return out.join("\n");
}

/** The issue's targets, each with what this run measured (or why it says nothing). */
export function targets(results: readonly CellResult[]): string {
  const lines: string[] = [];
  const check = (what: string, value: number, limit: number, fmt: (x: number) => string): void => {
    if (!Number.isFinite(value)) lines.push(`  [ n/a ] ${what}: not measured in this run`);
    else lines.push(`  [${value <= limit ? " met " : " NOT "}] ${what}: ${fmt(value)} (target <= ${fmt(limit)})`);
  };
  const m = (size: number): number => median(find(results, "manners", size, "ours")?.phases[0]);
  check("Manners 64", m(64) / 1000, 0.5, (x) => `${x.toFixed(2)} s`);
  check("Manners 128", m(128) / 1000, 2, (x) => `${x.toFixed(2)} s`);
  const perUnit = (variant: string, size: number, phase: number): number => {
    const p = find(results, "join", size, variant)?.phases[phase];
    return p === undefined ? NaN : (median(p) * 1000) / p.units;
  };
  const us = (x: number): string => `${x.toFixed(2)} us`;
  check("join load 100k, engine straight, per datom", perUnit("ours-engine", 100_000, 0), 1.5, us);
  check("join load 100k, session with schema, per datom", perUnit("ours-session", 100_000, 0), 3, us);
  for (const v of ["ours-engine", "ours-session"]) {
    check(`join update 100k, ${v}, per change`, perUnit(v, 100_000, 1), 5, us);
    check(`join update flatness ${v}: per-change cost 100k / 10k`, perUnit(v, 100_000, 1) / perUnit(v, 10_000, 1), 1.3, (x) => `${x.toFixed(2)}x`);
  }
  // the same ratio for the peers (no target): how much of it is the machine's memory hierarchy,
  // which slows every implementation once 100k entities no longer fit in its caches
  const peers = [...new Set(results.filter((r) => r.workload === "join" && r.side === "peer").map((r) => r.variant))];
  const ratios = peers.map((v) => [v, perUnit(v, 100_000, 1) / perUnit(v, 10_000, 1)] as const).filter(([, x]) => Number.isFinite(x));
  if (ratios.length > 0) lines.push(`  [ ref ] join update per-change cost 100k / 10k of the peers (no target): ${ratios.map(([v, x]) => `${v} ${x.toFixed(2)}x`).join(", ")}`);
  for (const v of ["ours-engine", "ours-session"]) {
    const mem = find(results, "join", 100_000, v)?.memory;
    check(`memory 100k ${v}, retained bytes per datom`, mem?.retainedBytesPerDatom ?? NaN, 250, (x) => `${x.toFixed(0)} B`);
    check(`memory 100k ${v}, peak RSS`, (mem?.peakRssBytes ?? NaN) / (1024 * 1024), 300, (x) => `${x.toFixed(0)} MB`);
  }
  return lines.join("\n");
}
