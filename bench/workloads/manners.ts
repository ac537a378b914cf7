/**
 * Miss Manners, the classic OPS5 benchmark, on the standard data sets that nools ships
 * (node_modules/nools/benchmark/manners/data/mannersN.dat). This file reads the data (one parser
 * for every engine, so every engine sees the same guests), verifies a seating, and defines the
 * variant interface. The engines' rules live with them: nools runs its own manners.nools, our
 * engine runs bench/workloads/manners.rules.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { WrongAnswer, digest } from "../harness.js";

/** One line of a .dat file: a guest row (a guest has one row per hobby). */
export interface GuestRow {
  readonly name: string;
  readonly sex: string;
  readonly hobby: string;
}

/** A Manners data set. */
export interface MannersData {
  readonly guests: number;
  readonly rows: readonly GuestRow[];
  readonly lastSeat: number;
  readonly digest: string;
}

/** One seat of the final seating. */
export interface Seat {
  readonly seat: number;
  readonly name: string;
}

/** The sizes the benchmark knows (files shipped by nools). */
export const MANNERS_SIZES = [5, 8, 16, 32, 64, 128] as const;

/** The directory of nools' Manners benchmark (its rules file and data). */
export function noolsMannersDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("nools/package.json")), "benchmark", "manners");
}

/**
 * Reads mannersN.dat. Lines look like `(guest (name n1) (sex f) (hobby h3))`,
 * `(lastSeat (seat 16))` and `(context (state start))` (the 128 file has spaces before `)`).
 * Returns the rows; throws if the file is not there or holds an unknown line.
 * @example loadManners(16).rows.length // 39
 */
export function loadManners(size: number): MannersData {
  const text = readFileSync(join(noolsMannersDir(), "data", `manners${size}.dat`), "utf8");
  const rows: GuestRow[] = [];
  let lastSeat = NaN;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const m = /^\(\s*(\w+)\s*(.*)\)$/.exec(line);
    if (m === null) throw new Error(`manners${size}.dat: cannot read line ${JSON.stringify(line)}`);
    const props = new Map<string, string>();
    for (const p of (m[2] as string).matchAll(/\(\s*(\w+)\s+([^\s)]+)\s*\)/g)) props.set(p[1] as string, p[2] as string);
    switch (m[1]) {
      case "guest":
        rows.push({ name: need(props, "name"), sex: need(props, "sex"), hobby: need(props, "hobby") });
        break;
      case "lastSeat":
        lastSeat = Number.parseInt(need(props, "seat"), 10);
        break;
      case "context":
        if (need(props, "state") !== "start") throw new Error(`manners${size}.dat: the context does not start at "start"`);
        break;
      default:
        throw new Error(`manners${size}.dat: unknown fact type ${m[1]}`);
    }
  }
  const guests = new Set(rows.map((r) => r.name)).size;
  return { guests, rows, lastSeat, digest: digest(text) };
}

function need(props: ReadonlyMap<string, string>, key: string): string {
  const v = props.get(key);
  if (v === undefined) throw new Error(`manners data: a line lacks (${key} ...)`);
  return v;
}

/**
 * Verifies a seating: seats 1..lastSeat each hold exactly one guest, every guest is seated exactly
 * once, neighbours alternate sex and share a hobby. Returns nothing; throws {@link WrongAnswer}.
 * @example verifySeating(loadManners(16), seats)
 */
export function verifySeating(data: MannersData, seats: readonly Seat[]): void {
  const sexOf = new Map<string, string>();
  const hobbiesOf = new Map<string, Set<string>>();
  for (const r of data.rows) {
    sexOf.set(r.name, r.sex);
    let h = hobbiesOf.get(r.name);
    if (h === undefined) hobbiesOf.set(r.name, (h = new Set()));
    h.add(r.hobby);
  }
  if (data.guests !== data.lastSeat) throw new Error(`data set has ${data.guests} guests but ${data.lastSeat} seats`);
  if (seats.length !== data.lastSeat) throw new WrongAnswer(`expected ${data.lastSeat} seats, got ${seats.length}`);
  const bySeat = [...seats].sort((a, b) => a.seat - b.seat);
  const seated = new Set<string>();
  bySeat.forEach((s, i) => {
    if (s.seat !== i + 1) throw new WrongAnswer(`seat ${i + 1} is missing or taken twice (found seat ${s.seat})`);
    if (!sexOf.has(s.name)) throw new WrongAnswer(`seat ${s.seat}: unknown guest ${s.name}`);
    if (seated.has(s.name)) throw new WrongAnswer(`guest ${s.name} is seated twice`);
    seated.add(s.name);
  });
  for (let i = 0; i + 1 < bySeat.length; i++) {
    const a = bySeat[i] as Seat;
    const b = bySeat[i + 1] as Seat;
    if (sexOf.get(a.name) === sexOf.get(b.name)) throw new WrongAnswer(`seats ${a.seat} and ${b.seat} (${a.name}, ${b.name}) have the same sex`);
    const ha = hobbiesOf.get(a.name) as Set<string>;
    const hb = hobbiesOf.get(b.name) as Set<string>;
    if (![...ha].some((h) => hb.has(h))) throw new WrongAnswer(`seats ${a.seat} and ${b.seat} (${a.name}, ${b.name}) share no hobby`);
  }
}

/** One run of a Manners variant: `run` is timed (facts in, fire to the end); `seating` is not. */
export interface MannersRun {
  run(): void | Promise<void>;
  seating(): Seat[] | Promise<Seat[]>;
  /** Rule firings of the run by rule name, where the engine reports them (untimed). */
  firings?(): Readonly<Record<string, number>> | undefined;
  dispose?(): void;
}

/** A Manners variant (a peer or our engine). */
export interface MannersVariant {
  readonly name: string;
  readonly side: "ours" | "peer";
  /** Prepares one run (untimed). May throw `Unavailable`. */
  create(data: MannersData): Promise<MannersRun>;
}
