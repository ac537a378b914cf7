/**
 * Rule data as plain JSON, for golden files, `--format json` output and diffs. JSON has no
 * keywords, bigints, dates, non-finite numbers or functions, so those are tagged with one-key
 * objects whose key starts with `:`:
 *
 * | value                 | JSON                                   |
 * |-----------------------|----------------------------------------|
 * | `kw("todo/done")`     | `{":kw": "todo/done"}`                 |
 * | `12n`                 | `{":bigint": "12"}`                    |
 * | a `Date`              | `{":inst": "2024-01-31T00:00:00.000Z"}`|
 * | `NaN`, `±Infinity`, `-0` | `{":number": "NaN"}` (`"Infinity"`, `"-Infinity"`, `"-0"`) |
 * | a function            | `{":fn": "its name"}` (`""` when anonymous) |
 * | `undefined`           | left out (as JSON.stringify does)      |
 *
 * A plain object that itself has a key starting with `:` is wrapped as `{":map": {...}}` so it can
 * never be mistaken for a tag. The encoding is one-way for functions; everything else is exact.
 */
import { isKeyword } from "../eav/keyword.js";
import { isPlainObject } from "../eav/value.js";

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * The JSON form of any rule data (specs, conditions, values), tagged as described above. Pure.
 * @example toJson({ kind: "const", value: kw("open") }) // { kind: "const", value: { ":kw": "open" } }
 */
export function toJson(x: unknown): Json {
  switch (typeof x) {
    case "string":
    case "boolean":
      return x;
    case "number":
      if (Number.isNaN(x)) return { ":number": "NaN" };
      if (!Number.isFinite(x)) return { ":number": x > 0 ? "Infinity" : "-Infinity" };
      return Object.is(x, -0) ? { ":number": "-0" } : x;
    case "bigint":
      return { ":bigint": String(x) };
    case "function":
      return { ":fn": x.name };
    case "undefined":
      return null;
    case "object": {
      if (x === null) return null;
      if (isKeyword(x)) return { ":kw": x.name };
      if (x instanceof Date) return { ":inst": Number.isNaN(x.getTime()) ? "invalid" : x.toISOString() };
      if (Array.isArray(x)) return x.map(toJson);
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries(x as Record<string, unknown>)) if (v !== undefined) out[k] = toJson(v);
      return isPlainObject(x) && Object.keys(out).some((k) => k.startsWith(":")) ? { ":map": out } : out;
    }
    default:
      return String(x);
  }
}

/**
 * Specs as JSON text, the format of the golden files in test/dsl/golden: a value that fits in
 * 100 columns stays on one line, larger ones break one item per line (two-space indent), so a
 * term or a field constraint reads as one line. Ends with a newline. Pure.
 * @example specsToJsonText(parseRules(text))
 */
export function specsToJsonText(specs: unknown): string {
  return `${pretty(toJson(specs), "")}\n`;
}

const WIDTH = 100;

function pretty(x: Json, indent: string): string {
  const flat = JSON.stringify(x);
  if (flat.length + indent.length <= WIDTH || x === null || typeof x !== "object") return flat;
  const inner = `${indent}  `;
  if (Array.isArray(x)) {
    const items: readonly Json[] = x;
    return `[\n${items.map((v) => `${inner}${pretty(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(x as { readonly [key: string]: Json });
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(",\n")}\n${indent}}`;
}
