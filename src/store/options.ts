/**
 * Store options: how strictly the schema, the value types and in-transaction conflicts are
 * enforced, with a DataScript-like default preset and a Datomic-like strict one.
 */
import { EavError, type ErrorData } from "../errors.js";
import type { SchemaInput } from "./schema.js";

/** How a check reacts: do nothing, report a {@link StoreWarning} and go on, or fail the transaction. */
export type Mode = "ignore" | "warn" | "enforce";

/** A named set of modes. */
export type Preset = "datascript" | "datomic";

/** A check that failed in `warn` mode. The transaction went on as if the mode were `ignore`. */
export interface StoreWarning {
  /** The code the transaction would have failed with in `enforce` mode. */
  readonly code: "store/schema-violation" | "store/type-violation" | "store/datoms-conflict" | "store/invalid-nested-entity";
  readonly message: string;
  readonly data: ErrorData;
}

/**
 * Options of {@link createStore}. Explicit modes override the preset's.
 * @example createStore({ schema, preset: "datomic", typecheckMode: "warn", onWarning: (w) => log.push(w) })
 */
export interface StoreOptions {
  readonly schema?: SchemaInput;
  /** `"datascript"` (default): every mode `ignore`. `"datomic"`: every mode `enforce`. */
  readonly preset?: Preset;
  /** Attributes of added facts must have a schema entry (`store/schema-violation`). */
  readonly schemaMode?: Mode;
  /** Added values must match their attribute's `valueType` (`store/type-violation`). */
  readonly typecheckMode?: Mode;
  /**
   * Datomic's set semantics: two different values for one card-one attribute of one entity, or an
   * add and a retract of one datom, in one transaction (`store/datoms-conflict`); a nested entity
   * map under an attribute that is not a component and without a unique attribute
   * (`store/invalid-nested-entity`).
   */
  readonly txConflictsMode?: Mode;
  /** Receives the warnings of `warn` modes, after the transaction succeeded. Never the console. */
  readonly onWarning?: (w: StoreWarning) => void;
}

/** Options with every mode decided. */
export interface ResolvedOptions {
  readonly preset: Preset;
  readonly schemaMode: Mode;
  readonly typecheckMode: Mode;
  readonly txConflictsMode: Mode;
  readonly onWarning: ((w: StoreWarning) => void) | undefined;
}

/** The modes of each preset. */
export const PRESETS: { readonly [P in Preset]: { readonly schemaMode: Mode; readonly typecheckMode: Mode; readonly txConflictsMode: Mode } } = {
  datascript: { schemaMode: "ignore", typecheckMode: "ignore", txConflictsMode: "ignore" },
  datomic: { schemaMode: "enforce", typecheckMode: "enforce", txConflictsMode: "enforce" },
};

const MODES = new Set<unknown>(["ignore", "warn", "enforce"]);

/**
 * Resolves options against their preset. Throws `store/invalid-options` for an unknown preset or
 * mode. Nothing changes.
 * @example resolveOptions({ preset: "datomic", schemaMode: "warn" }).typecheckMode // "enforce"
 */
export function resolveOptions(options: StoreOptions): ResolvedOptions {
  const preset = options.preset ?? "datascript";
  if (preset !== "datascript" && preset !== "datomic") {
    throw new EavError("store/invalid-options", `unknown preset ${String(preset)} (use "datascript" or "datomic")`, { key: "preset", value: preset });
  }
  const mode = (key: "schemaMode" | "typecheckMode" | "txConflictsMode"): Mode => {
    const m = options[key];
    if (m === undefined) return PRESETS[preset][key];
    if (!MODES.has(m)) throw new EavError("store/invalid-options", `${key} must be "ignore", "warn" or "enforce", got ${String(m)}`, { key, value: m });
    return m;
  };
  if (options.onWarning !== undefined && typeof options.onWarning !== "function") {
    throw new EavError("store/invalid-options", "onWarning must be a function", { key: "onWarning" });
  }
  return {
    preset,
    schemaMode: mode("schemaMode"),
    typecheckMode: mode("typecheckMode"),
    txConflictsMode: mode("txConflictsMode"),
    onWarning: options.onWarning,
  };
}
