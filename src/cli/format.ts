/**
 * Output of the CLI: aligned text tables for a terminal, and JSON that follows the fixture files'
 * conventions (docs/FIXTURES.md), so that what `run` prints can be read back as data.
 */
import { EAV, isKeyword, isPlainObject } from "../eav/index.js";
import { formatData } from "../fixtures/index.js";

/**
 * An aligned text table: a header row, a rule of dashes, then the rows. Nothing changes.
 * @example table(["id", "total"], [["A1", "1080"]]) // "id  total\n--  -----\nA1  1080"
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A cell: strings, keywords and collections as in EDN (`"A1"`, `:status/open`, `#{...}`). */
export function cell(x: unknown): string {
  return formatData(x);
}

/**
 * Query rows as a table: columns in the order of the first row's keys (then any others). Nothing changes.
 * @example rowsTable([{ id: "A1", total: 1080 }])
 */
export function rowsTable(rows: readonly Readonly<Record<string, unknown>>[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return table(
    columns,
    rows.map((r) => columns.map((c) => (c in r ? cell(r[c]) : ""))),
  );
}

/**
 * Entities as a table of `eid attribute value`, one line per attribute, the eid on an entity's
 * first line only; card-many values as `#{...}`. Nothing changes.
 */
export function entitiesTable(entities: readonly Readonly<Record<string, unknown>>[]): string {
  const rows: string[][] = [];
  for (const e of entities) {
    let first = true;
    for (const [a, v] of Object.entries(e)) {
      if (a === "eav/eid") continue;
      rows.push([first ? cell(e["eav/eid"]) : "", `:${a}`, Array.isArray(v) ? `#{${v.map(cell).join(" ")}}` : cell(v)]);
      first = false;
    }
  }
  return table(["eid", "attribute", "value"], rows);
}

/**
 * A value as JSON data following the fixture conventions: keywords `":ns/name"`, strings that start
 * with `:` as `"::..."`, `{"#inst": ...}`, `{"#bigint": ...}`, `{"#set": [...]}`, EAVs as
 * `[e, ":attr", v]`, Maps as `{"#map": [[k, v], ...]}`. Nothing changes.
 * @example toJsonData({ status: kw("open") }) // { status: ":open" }
 */
export function toJsonData(x: unknown): unknown {
  if (x === undefined || x === null) return null;
  if (typeof x === "string") return x.startsWith(":") ? `:${x}` : x;
  if (typeof x === "bigint") return { "#bigint": x.toString() };
  if (typeof x === "number") return Number.isFinite(x) ? x : String(x);
  if (typeof x !== "object") return typeof x === "function" ? "#function" : x;
  if (isKeyword(x)) return `:${x.name}`;
  if (x instanceof Date) return { "#inst": Number.isNaN(x.getTime()) ? "Invalid Date" : x.toISOString() };
  if (x instanceof EAV) return [toJsonData(x.e), `:${x.a}`, toJsonData(x.v)];
  if (x instanceof Set) return { "#set": [...(x as Set<unknown>)].map(toJsonData) };
  if (x instanceof Map) return { "#map": [...(x as Map<unknown, unknown>)].map(([k, v]) => [toJsonData(k), toJsonData(v)]) };
  if (Array.isArray(x)) return x.map(toJsonData);
  if (isPlainObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toJsonData(v)]));
  return formatData(x);
}

/** Pretty JSON text of {@link toJsonData}, with a final newline. */
export function jsonText(x: unknown): string {
  return `${JSON.stringify(toJsonData(x), null, 2)}\n`;
}
