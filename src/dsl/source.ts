/**
 * Source text and located errors. Every DSL error carries `line`, `column`, `text` (the offending
 * token or form) and `file` when known, and its message shows the offending line with a caret.
 */
import { EavError, type ErrorCode } from "../errors.js";
import type { Pos } from "./ast.js";

/**
 * The text being parsed. For a tagged template, `text` is the template's raw strings joined with
 * `${i}` placeholders (see template.ts), so positions count each hole as its placeholder's width.
 */
export interface Source {
  readonly text: string;
  readonly file?: string;
  readonly template: boolean;
}

/** What every located DSL error carries in `data`. */
export interface LocationData {
  readonly line: number;
  readonly column: number;
  readonly text: string;
  readonly file?: string;
}

/** `file:3:7`, or a description of the source when there is no file. */
export function where(src: Source, line: number, column: number): string {
  const name = src.file ?? (src.template ? "template" : "rules");
  return `${name}:${line}:${column}`;
}

/**
 * The source line with a caret under `column`, prefixed by its line number:
 * ```
 *   3 |   [?o :order/total ?t))
 *     |                       ^
 * ```
 */
export function excerpt(text: string, line: number, column: number): string {
  const lines = text.split("\n");
  const src = (lines[line - 1] ?? "").replace(/\r$/, "");
  const num = String(line);
  const gutter = " ".repeat(num.length);
  // Tabs are kept in the padding so the caret lines up in a terminal.
  const pad = src.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, " ");
  return `  ${num} | ${src}\n  ${gutter} | ${pad}^`;
}

/** Shortens an offending text for messages (first line, at most 30 characters). */
export function shorten(text: string): string {
  const first = text.split("\n")[0] ?? "";
  return first.length > 30 ? `${first.slice(0, 30)}...` : first;
}

/**
 * Builds a located error: the message is `where: what` followed by the excerpt; `data` holds the
 * location, the offending text and `extra`.
 */
export function locatedError<C extends ErrorCode>(
  code: C,
  src: Source,
  at: Pos,
  what: string,
  extra: Readonly<Record<string, unknown>> = {},
): EavError<C> {
  const location: LocationData = { line: at.line, column: at.column, text: at.text, ...(src.file === undefined ? {} : { file: src.file }) };
  const message = `${where(src, at.line, at.column)}: ${what}\n${excerpt(src.text, at.line, at.column)}`;
  return new EavError(code, message, { ...location, ...extra });
}
