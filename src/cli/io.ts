/**
 * What the CLI talks to (streams, working directory, cancellation) and how it ends (exit codes).
 * Passing these in, rather than reaching for `process`, lets tests run the CLI in-process.
 */
import { isEavError, type EavError } from "../errors.js";

/** A writable text stream; `isTTY` picks the default output format (table on a terminal). */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The CLI's environment. */
export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Relative paths start here. */
  readonly cwd: string;
  /** Ends `test --watch` (the bin aborts it on SIGINT). */
  readonly signal?: AbortSignal;
}

/**
 * Exit codes, documented in `clara-eav --help`:
 * 0 success; 1 a test failed or `check` found errors; 2 usage error (unknown command or option,
 * missing argument, bad `--param`); 3 an input could not be loaded (missing file, malformed
 * fixture, schema, spec or rule file); 4 running failed (a transaction was rejected, a rule's action
 * failed, a fire ran away); 5 internal error (a bug: please report it).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, input: 3, runtime: 4, internal: 5 } as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The help text that documents {@link EXIT}. */
export const EXIT_HELP = `
Exit codes:
  0  success
  1  a test case failed, or check found errors
  2  usage error (unknown command or option, missing argument, bad --param)
  3  an input could not be loaded (missing file; malformed fixture, schema, spec or rule file)
  4  running failed (a transaction was rejected, a rule's action failed, a fire ran away)
  5  internal error (a bug)`;

// Errors about the inputs themselves, as opposed to what happened while running them.
const INPUT_CODES = new Set<string>(["rules/invalid-spec", "rules/unbound-variable", "rules/duplicate-name", "rules/unknown-accumulator", "rules/unknown-function", "store/invalid-schema", "store/invalid-options"]);

/**
 * The exit code for an error: usage, input (files, fixtures, rule text, rule data and schema
 * checks), runtime (store, engine and session failures while running) or internal (not an EavError).
 */
export function exitCodeOf(e: unknown): ExitCode {
  if (!isEavError(e)) return EXIT.internal;
  const code = e.code as string;
  if (code === "cli/usage") return EXIT.usage;
  if (code.startsWith("cli/") || code.startsWith("dsl/") || INPUT_CODES.has(code)) return EXIT.input;
  return EXIT.runtime;
}

/**
 * One clear message for an error: its code and message (which carries the location); with
 * `verbose`, the stack and every cause too.
 */
export function errorMessage(e: unknown, verbose: boolean): string {
  const head = isEavError(e) ? `${e.message}${e.message.includes(e.code) ? "" : ` [${e.code}]`}` : e instanceof Error ? `internal error: ${e.message}` : `internal error: ${String(e)}`;
  if (!verbose) return head;
  const parts = [head];
  let cur: unknown = e;
  while (cur instanceof Error) {
    if (cur.stack !== undefined) parts.push(cur.stack);
    if (isEavError(cur) && Object.keys(cur.data).length > 0) parts.push(`data: ${safeJson((cur as EavError).data)}`);
    cur = cur.cause;
    if (cur !== undefined) parts.push("caused by:");
  }
  return parts.join("\n");
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === "bigint" ? `${v}N` : v));
  } catch {
    return String(x);
  }
}
