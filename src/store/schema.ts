/**
 * The store's schema: entries validated on creation, resolved into one {@link AttrInfo} per
 * attribute so that a transaction asks one `Map.get` per op instead of re-reading entries.
 */
import { EavError } from "../errors.js";
import { ALL, EID, TRANSIENT, intern, isAttribute, isEid, isKeyword, type Attribute, type SchemaView, type Value } from "../eav/index.js";

/** The named value types. `ref` values are entity ids; `any` accepts every value. */
export type ValueTypeName = "string" | "number" | "integer" | "boolean" | "keyword" | "instant" | "bigint" | "ref" | "any";

/** A value type: a named type, or a predicate over values (a user-defined type). */
export type ValueType = ValueTypeName | ((v: Value) => boolean);

/**
 * One schema entry. An attribute missing from the schema is card-one, untyped and not unique.
 * @example { ident: "person/email", cardinality: "one", valueType: "string", unique: "identity" }
 */
export interface SchemaEntry {
  readonly ident: Attribute;
  readonly cardinality: "one" | "many";
  readonly valueType?: ValueType;
  readonly unique?: "identity" | "value";
  readonly isComponent?: boolean;
  readonly doc?: string;
}

/**
 * A schema as given to {@link createStore}: an array of entries, or a record keyed by attribute
 * whose entries may leave out `ident` (if given it must equal the key).
 */
export type SchemaInput = readonly SchemaEntry[] | { readonly [attribute: string]: Omit<SchemaEntry, "ident"> & { readonly ident?: Attribute } };

/** What a transaction needs to know of one attribute, resolved once from its entry. */
export interface AttrInfo {
  readonly ident: Attribute;
  /** True when the attribute has a schema entry. */
  readonly declared: boolean;
  readonly many: boolean;
  readonly ref: boolean;
  readonly identity: boolean;
  readonly uniqueValue: boolean;
  /** Identity or value: lookups refs may use it and the AV indexes hold it. */
  readonly unique: boolean;
  readonly component: boolean;
  /** The value-type name for messages (`"string"`, `"predicate"`, `"untyped"`). */
  readonly typeName: string;
  /** The value check, or `undefined` when any value is accepted. */
  readonly check: ((v: Value) => boolean) | undefined;
  readonly entry: SchemaEntry | undefined;
}

/**
 * Cells of {@link Schema.recentPlainInfo}'s cache (a power of two; its arrays are literals:
 * `new Array(n).fill()` is a runtime call).
 */
const RECENT_NAMES = 16;

/** Most names {@link Schema.plainInfo} remembers per schema. */
const PLAIN_MEMO_LIMIT = 10_000;

const ENTRY_KEYS = new Set(["ident", "cardinality", "valueType", "unique", "isComponent", "doc"]);

const NAMED_CHECKS: { readonly [K in ValueTypeName]: ((v: Value) => boolean) | undefined } = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number",
  integer: (v) => typeof v === "number" && Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  keyword: (v) => isKeyword(v),
  instant: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
  bigint: (v) => typeof v === "bigint",
  // ref values are resolved and checked structurally by the transaction, whatever the mode
  ref: (v) => isEid(v),
  any: undefined,
};

/**
 * A validated, resolved schema. Immutable. Doubles as the {@link SchemaView} that tx normalisation
 * needs (card-many arrays, nested maps under refs, lookup refs on unique attributes).
 * @example new Schema([{ ident: "todo/tags", cardinality: "many" }]).info("todo/tags").many // true
 */
export class Schema implements SchemaView {
  /** The validated entries, in the order given. */
  readonly entries: readonly SchemaEntry[];
  private readonly infos: ReadonlyMap<Attribute, AttrInfo>;
  /** Memo of {@link plainInfo}: the names found plain, and their infos. */
  private readonly plain = new Map<string, AttrInfo>();
  /**
   * The names {@link recentPlainInfo} found last and their infos, by a small hash of the name. An
   * empty cell holds "" (no attribute is empty): strings only, so that the comparison stays a
   * string comparison (a string against `undefined` called the generic StrictEqual builtin).
   */
  private readonly recentNames: string[] = ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""];
  private readonly recentInfos: Array<AttrInfo | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  /** Every ref-typed attribute: retractEntity looks for incoming refs through them. */
  readonly refAttributes: readonly Attribute[];

  constructor(input: SchemaInput = []) {
    this.entries = validateSchema(input);
    const infos = new Map<Attribute, AttrInfo>();
    for (const entry of this.entries) infos.set(entry.ident, infoOf(entry));
    this.infos = infos;
    this.refAttributes = this.entries.filter((e) => e.valueType === "ref").map((e) => e.ident);
  }

  /** The resolved info of an attribute (a shared default for undeclared ones). Nothing changes. */
  info(a: Attribute): AttrInfo {
    return this.infos.get(a) ?? undeclared(a);
  }

  /**
   * The info of `a` when it is a plain attribute: declared (its ident was checked when the schema
   * was built), or undeclared, well-formed (see `isAttribute`) and not reserved (`eav/eid`,
   * `eav/all`, `eav/transient`); else `undefined`. Memoised per schema (bounded, like the
   * undeclared-attribute cache): the direct front end asks it for every key of every entity map,
   * and re-checking an undeclared name character by character was about 280 instructions per ask
   * on the benchmark's update (issue 7, sixth session). Nothing changes but the memo.
   */
  plainInfo(a: string): AttrInfo | undefined {
    const known = this.plain.get(a);
    if (known !== undefined) return known;
    const info = this.info(a);
    if (!info.declared && (!isAttribute(a) || a === EID || a === ALL || a === TRANSIENT)) return undefined;
    if (this.plain.size < PLAIN_MEMO_LIMIT) this.plain.set(a, info);
    return info;
  }

  /**
   * {@link plainInfo} through a cache of the last names asked, by a small hash of the name: the
   * maps of a transaction mostly repeat a few keys (by length alone the join's `order/amount` and
   * `order/status` collided). The cache lives with the schema, not with each transaction: a fire's
   * one-datom transactions allocated its two arrays each. Nothing changes but the caches.
   */
  recentPlainInfo(a: string): AttrInfo | undefined {
    const k = (a.charCodeAt(a.length - 1) + a.charCodeAt(a.length >> 1) + a.length) & (RECENT_NAMES - 1);
    if (this.recentNames[k] === a) return this.recentInfos[k];
    const info = this.plainInfo(a);
    if (info === undefined) return undefined;
    this.recentNames[k] = a;
    this.recentInfos[k] = info;
    return info;
  }

  /** True when the attribute has an entry. */
  has(a: Attribute): boolean {
    return this.infos.has(a);
  }

  isMany(a: Attribute): boolean {
    return this.infos.get(a)?.many ?? false;
  }

  isRef(a: Attribute): boolean {
    return this.infos.get(a)?.ref ?? false;
  }

  isUnique(a: Attribute): boolean {
    return this.infos.get(a)?.unique ?? false;
  }
}

/** Undeclared attributes share one info object per name, cached to keep the tx loop allocation-free. */
const undeclaredCache = new Map<Attribute, AttrInfo>();
function undeclared(a: Attribute): AttrInfo {
  let info = undeclaredCache.get(a);
  if (info === undefined) {
    info = {
      ident: intern(a), declared: false, many: false, ref: false, identity: false, uniqueValue: false,
      unique: false, component: false, typeName: "untyped", check: undefined, entry: undefined,
    };
    if (undeclaredCache.size < 10_000) undeclaredCache.set(a, info);
  }
  return info;
}

function infoOf(entry: SchemaEntry): AttrInfo {
  const vt = entry.valueType;
  const check = vt === undefined ? undefined : typeof vt === "function" ? vt : NAMED_CHECKS[vt];
  return {
    ident: intern(entry.ident),
    declared: true,
    many: entry.cardinality === "many",
    ref: vt === "ref",
    identity: entry.unique === "identity",
    uniqueValue: entry.unique === "value",
    unique: entry.unique !== undefined,
    component: entry.isComponent === true,
    typeName: vt === undefined ? "untyped" : typeof vt === "function" ? vt.name || "predicate" : vt,
    check,
    entry,
  };
}

function invalid(attribute: string, key: string, message: string, value?: unknown): never {
  throw new EavError("store/invalid-schema", `invalid schema entry for ${attribute}: ${message}`, {
    attribute,
    key,
    ...(value === undefined ? {} : { value }),
  });
}

/**
 * Validates a schema and returns its entries as an array. Throws `store/invalid-schema` naming the
 * attribute and the offending key. Nothing changes.
 * @example validateSchema({ "todo/tags": { cardinality: "many" } }) // [{ ident: "todo/tags", cardinality: "many" }]
 */
export function validateSchema(input: SchemaInput): SchemaEntry[] {
  const raw: Array<[string | undefined, unknown]> = Array.isArray(input)
    ? (input as readonly unknown[]).map((e) => [undefined, e])
    : typeof input === "object" && input !== null
      ? Object.entries(input)
      : invalid("(schema)", "schema", "a schema is an array of entries or a record keyed by attribute", input);
  const seen = new Set<string>();
  return raw.map(([key, entry], i) => {
    const where = key ?? `entry ${i}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) invalid(where, "entry", "an entry must be an object", entry);
    const e = entry as Record<string, unknown>;
    const ident = e["ident"] ?? key;
    if (!isAttribute(ident)) invalid(where, "ident", `ident must be an attribute string such as "ns/name", got ${String(ident)}`, ident);
    if (key !== undefined && ident !== key) invalid(key, "ident", `ident ${ident} differs from its key ${key}`, ident);
    if (ident === EID || ident === ALL || ident === TRANSIENT) invalid(ident, "ident", `${ident} is reserved`, ident);
    if (seen.has(ident)) invalid(ident, "ident", "the attribute is declared twice", ident);
    seen.add(ident);
    for (const k of Object.keys(e)) {
      if (!ENTRY_KEYS.has(k)) invalid(ident, k, `unknown key "${k}" (known: ${[...ENTRY_KEYS].join(", ")})`, e[k]);
    }
    const card = e["cardinality"];
    if (card !== "one" && card !== "many") invalid(ident, "cardinality", `cardinality must be "one" or "many", got ${String(card)}`, card);
    const vt = e["valueType"];
    if (vt !== undefined && typeof vt !== "function" && !(typeof vt === "string" && Object.prototype.hasOwnProperty.call(NAMED_CHECKS, vt))) {
      invalid(ident, "valueType", `unknown valueType ${String(vt)} (known: ${Object.keys(NAMED_CHECKS).join(", ")}, or a predicate)`, vt);
    }
    const unique = e["unique"];
    if (unique !== undefined && unique !== "identity" && unique !== "value") invalid(ident, "unique", `unique must be "identity" or "value", got ${String(unique)}`, unique);
    const comp = e["isComponent"];
    if (comp !== undefined && typeof comp !== "boolean") invalid(ident, "isComponent", "isComponent must be a boolean", comp);
    if (comp === true && vt !== "ref") invalid(ident, "isComponent", 'isComponent needs valueType "ref"', comp);
    const doc = e["doc"];
    if (doc !== undefined && typeof doc !== "string") invalid(ident, "doc", "doc must be a string", doc);
    return {
      ident,
      cardinality: card,
      ...(vt === undefined ? {} : { valueType: vt as ValueType }),
      ...(unique === undefined ? {} : { unique }),
      ...(comp === undefined ? {} : { isComponent: comp }),
      ...(doc === undefined ? {} : { doc }),
    };
  });
}
