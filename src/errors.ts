/**
 * The one error class of the library. Every failure carries a namespaced `code`
 * (`store/unique-conflict`, `dsl/syntax`, `rules/action-failed`, ...), a typed `data`
 * object with the offending values, and the original error as `cause` where there is one.
 *
 * @example
 * try { transact(store, ops) } catch (e) {
 *   if (isEavError(e, "store/unique-conflict")) console.log(e.data.attribute);
 * }
 */
export class EavError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = "EavError";
  /** Namespaced error code, e.g. `store/unique-conflict`. */
  readonly code: C;
  /** Structured details: the offending values, positions, names. */
  readonly data: ErrorData;

  constructor(code: C, message: string, data: ErrorData = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = data;
  }
}

/** Structured data attached to an {@link EavError}. */
export type ErrorData = Readonly<Record<string, unknown>>;

/**
 * Every error code the library raises. Grouped by the layer that raises it.
 * Adding a code here is how a layer announces a new kind of failure.
 */
export type ErrorCode =
  // src/eav: malformed input
  | "eav/invalid-fact"
  | "eav/invalid-eid"
  | "eav/invalid-attribute"
  | "eav/invalid-tx"
  // src/store
  | "store/invalid-schema"
  | "store/invalid-options"
  | "store/invalid-tx"
  | "store/invalid-eid"
  | "store/unique-conflict"
  | "store/tempid-in-retract"
  | "store/tempid-only-as-value"
  | "store/entity-not-found"
  | "store/lookup-ref-attr-not-unique"
  | "store/schema-violation"
  | "store/type-violation"
  | "store/datoms-conflict"
  | "store/invalid-nested-entity"
  // src/rules
  | "rules/invalid-spec"
  | "rules/unbound-variable"
  | "rules/duplicate-name"
  | "rules/unknown-accumulator"
  | "rules/unknown-function"
  | "rules/unknown-query"
  | "rules/invalid-query-params"
  | "rules/action-failed"
  | "rules/loop-limit"
  | "rules/eval-error"
  | "rules/invalid-fact"
  // src/session
  | "session/invalid-fact"
  | "session/entity-accumulator"
  // src/dsl
  | "dsl/syntax"
  | "dsl/ambiguous"
  | "dsl/invalid-rule"
  | "dsl/unknown-function"
  | "dsl/arity"
  | "dsl/unbound-variable"
  | "dsl/invalid-hole"
  | "dsl/effect-outside-action"
  | "dsl/unprintable"
  | "dsl/file-not-found"
  // src/cli and the harness
  | "cli/usage"
  | "cli/file-not-found"
  | "cli/invalid-fixture"
  | "cli/invalid-spec"
  | "cli/spec-failed"
  | "cli/invalid-rules-module";

/**
 * True when `e` is an {@link EavError}, optionally with the given code.
 * @example if (isEavError(e, "dsl/syntax")) showLocation(e.data)
 */
export function isEavError<C extends ErrorCode>(e: unknown, code?: C): e is EavError<C> {
  return e instanceof EavError && (code === undefined || e.code === code);
}

/** Exhaustiveness guard for `switch` over closed unions. Throws if ever reached. */
export function assertNever(x: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
