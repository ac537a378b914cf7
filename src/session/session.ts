/**
 * The EAV session: the rule engine and the EAV store kept as one truth.
 *
 * Invariant (tested by property): after every call, the store's datoms are exactly the non-transient
 * EAV facts in the engine's working memory. Every change reaches the engine as the store's NET delta:
 * - the caller's upsert/retract/transact go through the store first (`transactFacts`, `transact`),
 *   then the delta is queued in the engine (retractions before additions, so a card-one replace is
 *   seen as such);
 * - inside `fire()`, actions use the context of `context.ts`, which does the same mid-fire, all of
 *   a fire's transactions in one `TxBatch`;
 * - truth maintenance withdrawing a derived EAV calls `onWithdraw`, which retracts it from the store.
 * A withdrawn card-one value that had replaced an older value leaves the attribute empty: the old
 * value does not come back (Clara's answer; see test/session/truth-maintenance.test.ts).
 *
 * Transient facts (`eav/transient`) are never stored; they run through the rules and are retracted
 * when the fire reaches its fixpoint, after which the engine fires again so that what they supported
 * is withdrawn, until no transient is left.
 */
import { TRANSIENT, isEav, valueEquals, type Attribute, type EAV, type Eid } from "../eav/index.js";
import { TxBatch, createStore, transact, transactFacts, type Store, type StoreOptions, type SchemaInput, type TxReport } from "../store/index.js";
import {
  compileRules,
  newRuleSession,
  type CompileOptions,
  type FireReport,
  type Listener,
  type Network,
  type QueryRow,
  type RuleSession,
} from "../rules/index.js";
import type { HostFunction, ProductionSpec, QuerySpec, Accumulator } from "../rules/spec.js";
import type { Value } from "../eav/index.js";
import { entitiesAccumulator, entityAccumulator, type EntityMapOut } from "./accumulators.js";
import { defaultFactType, makeSessionContext, splitFacts, type FactTypeFn, type FireState, type SessionActionContext } from "./context.js";

/** Rules and queries for an EAV session; actions receive a {@link SessionActionContext}. */
export type SessionProduction = ProductionSpec<SessionActionContext>;

/** Options of {@link createSession}. */
export interface SessionConfig {
  /** Rules and queries (from the DSL or the builders). */
  readonly rules?: readonly SessionProduction[];
  /** The store's schema: an array of entries or a record keyed by attribute. */
  readonly schema?: SchemaInput;
  readonly options?: SessionOptions;
}

/** Tuning of a session. */
export interface SessionOptions {
  /** Store options: preset ("datascript" | "datomic"), schemaMode, typecheckMode, txConflictsMode, onWarning. */
  readonly store?: Omit<StoreOptions, "schema">;
  /** Host functions callable by name from rule expressions. */
  readonly functions?: Readonly<Record<string, HostFunction>>;
  /** Extra named accumulators (besides the built-ins, `entity` and `entities`). */
  readonly accumulators?: Readonly<Record<string, (args: readonly Value[]) => Accumulator<never, unknown, unknown>>>;
  /**
   * The type of a non-EAV fact (Clara's fact-type-fn), or `undefined` for EAV forms. Default: class
   * instances (not plain objects, arrays, EAVs) are typed by their constructor's name.
   */
  readonly factType?: FactTypeFn;
  /** Firing budget per `fire()` (default: the engine's). */
  readonly maxFirings?: number;
  /** Sees inserts, retracts, activations and firings. */
  readonly listener?: Listener;
}

/** Per-call options of {@link Session.fire}. */
export interface FireCallOptions {
  readonly maxFirings?: number;
  readonly listener?: Listener;
}

interface Shared {
  readonly network: Network;
  readonly factType: FactTypeFn;
  readonly options: SessionOptions;
}

/** No attribute derived yet. */
const NO_DERIVED: ReadonlySet<Attribute> = new Set();

/**
 * Creates an empty EAV session. Nothing else changes; compiled networks are cached by the identity
 * of the rules array and the schema.
 * @example
 * const s0 = createSession({ rules, schema: [{ ident: "person/email", cardinality: "one", unique: "identity" }] });
 * const s1 = s0.upsert({ "person/email": "ann@example.com", "person/name": "Ann" }).fire();
 */
export function createSession(config: SessionConfig = {}): Session {
  const options = config.options ?? {};
  const store = createStore({ ...(options.store ?? {}), ...(config.schema === undefined ? {} : { schema: config.schema }) });
  const factType = options.factType ?? defaultFactType;
  const network = compiledNetwork(config.rules ?? [], store, options, factType);
  return new Session({ network, factType, options }, store, newRuleSession(network), new Map(), [], NO_DERIVED);
}

/** An immutable EAV session value. Every method returns a new session or a result; none mutates. */
export class Session {
  /** @internal use {@link createSession}. */
  constructor(
    private readonly shared: Shared,
    /** The store, for inspection: its datoms are the session's EAV facts. */
    readonly store: Store,
    private readonly engine: RuleSession,
    /** The tempid map of the last transaction (upsert, retract or transact) made by the caller. */
    readonly tempids: ReadonlyMap<string | number, Eid>,
    private readonly pendingTransients: readonly EAV[],
    /** The attributes rules have derived facts of (see `FireState.derived`). */
    private readonly derived: ReadonlySet<Attribute>,
    /** What the last `fire()` did, or undefined. */
    readonly lastFire?: FireReport,
  ) {}

  /** The compiled network (its `plan` is printable data). */
  get network(): Network {
    return this.shared.network;
  }

  /**
   * Upserts facts: EAVs, triples, entity maps (with or without `eav/eid`), arrays of these, and
   * non-EAV facts. Returns a new session; the rules see the change at the next `fire()`.
   * @example session.upsert([[kw("global"), "layout/page", kw("todos")]])
   */
  upsert(facts: unknown): Session {
    return this.change(facts, "add");
  }

  /**
   * Retracts facts (EAVs, triples, entity maps with `eav/eid`, non-EAV facts). Returns a new session.
   * @example session.retract([5, "todo/done", true])
   */
  retract(facts: unknown): Session {
    return this.change(facts, "retract");
  }

  /**
   * Runs a transaction: entity maps (nested ones too) and list forms (`["db/add", e, a, v]`,
   * `["db/retract", e, a]`, `["db/retractEntity", e]`, ...). Returns a new session whose
   * `tempids` is this transaction's tempid map. Throws and changes nothing on a bad transaction.
   * @example session.transact([["db/retractEntity", ["person/email", "ann@example.com"]]])
   */
  transact(ops: unknown): Session {
    return this.applyReport(transact(this.store, ops, { redundantFor: this.derived }), this.engine);
  }

  /**
   * Fires the rules to a fixpoint, then retracts transient facts (firing again until none is
   * left). Returns a new session; on any failure throws (`rules/action-failed` names the rule and
   * bindings) and this session is unchanged.
   */
  fire(call: FireCallOptions = {}): Session {
    const { options, factType } = this.shared;
    const state: FireState = { store: this.store, batch: new TxBatch(), derived: new Set(this.derived), transients: [...this.pendingTransients] };
    const maxFirings = call.maxFirings ?? options.maxFirings;
    const listener = call.listener ?? options.listener;
    // Facts truth maintenance took out of the store during this fire, by entity. If the engine puts
    // one back (a later queued insert of the same fact, e.g. the caller's upsert of a derived fact
    // queued after a retraction that withdrew it), it goes back into the store too: see
    // test/session/one-truth.property.test.ts, "withdrawn, then re-asserted in the same fire".
    // Every insert is checked: by entity first (a number lookup), then over that entity's few
    // withdrawn facts; a key string per fact cost about 250 instructions per change of the
    // benchmark's update in string building and hashing (issue 7, sixth session).
    const withdrawn = new Map<unknown, EAV[]>();
    // The attributes of the facts ever put in `withdrawn` in this fire (a few: derived attributes):
    // an insert of another attribute cannot re-assert a withdrawn fact, and most inserts (the
    // caller's changes) are skipped without the by-entity Map probe (~65 instructions per change
    // of the benchmark's update, callgrind, issue 7).
    const withdrawnAttrs: string[] = [];
    const fireOptions = {
      ...(maxFirings === undefined ? {} : { maxFirings }),
      listener: reconcilingListener(listener, (fact) => {
        if (withdrawn.size === 0 || !isEav(fact) || fact.a === TRANSIENT || !hasAttr(withdrawnAttrs, fact.a)) return;
        const f = fact as EAV; // facts in working memory carry resolved eids
        if (takeFact(withdrawn, f) && !state.store.has(f)) {
          state.store = state.batch.transactOps(state.store, [{ kind: "add", e: f.e, a: f.a, v: f.v, path: "(truth maintenance)" }]).after;
        }
      }),
      context: (base: Parameters<typeof makeSessionContext>[0]) => makeSessionContext(base, state, factType),
      // indexed, each field read once: this runs in baseline code in the first update after a
      // load (withdrawals start there), where every property read is an inline-cache call
      onWithdraw: (facts: readonly unknown[]) => {
        for (let i = 0; i < facts.length; i++) {
          const f = facts[i];
          if (!isEav(f)) continue;
          const a = f.a;
          if (a === TRANSIENT) continue;
          // one transaction per withdrawn datom: retractions of datoms commute, and a one-datom
          // transaction runs on the path the fire's actions keep hot (store/single.ts), where a
          // batch of them ran code first reached in the first update after a load, still tiering
          // up in the 7th to 11th update of a process (issue 7, ninth session)
          state.store = state.batch.transactOps(state.store, [{ kind: "retract", e: f.e, a, v: f.v, path: "(truth maintenance)" }]).after;
          putFact(withdrawn, f as EAV);
          if (!hasAttr(withdrawnAttrs, a)) withdrawnAttrs.push(a);
        }
      },
    };
    let engine = this.engine.fire(fireOptions);
    let report = engine.lastFire;
    while (state.transients.length > 0) {
      const batch = state.transients;
      state.transients = [];
      engine = engine.retract(batch).fire(fireOptions);
      report = mergeReports(report, engine.lastFire);
    }
    const derived = state.derived.size === this.derived.size ? this.derived : state.derived;
    return new Session(this.shared, state.store, engine, this.tempids, [], derived, report);
  }

  /**
   * Runs a query (by name or spec) with parameters (keys with or without `?`). Returns rows keyed
   * by variable name without `?`. Reflects the last `fire()`.
   * @example session.query("pending", { o: 5 })
   */
  query(query: string | QuerySpec, params: Readonly<Record<string, unknown>> = {}): QueryRow[] {
    return this.engine.query(query, params);
  }

  /** The entity map of `eid` (card-many values as arrays), or undefined. */
  entity(eid: Eid): EntityMapOut | undefined {
    return this.store.entity(eid) as EntityMapOut | undefined;
  }

  /** Every entity map in the store. */
  entities(): EntityMapOut[] {
    return [...this.store.entities()] as EntityMapOut[];
  }

  /** The facts in the engine's working memory (EAVs, transients while firing, non-EAV facts). */
  facts(): Iterable<unknown> {
    return this.engine.facts();
  }

  private change(facts: unknown, mode: "add" | "retract"): Session {
    const { eavForms, objects } = splitFacts(facts, this.shared.factType);
    let engine = this.engine;
    if (objects.length > 0) engine = mode === "add" ? engine.insert(objects) : engine.retract(objects);
    if (eavForms.length === 0) return new Session(this.shared, this.store, engine, new Map(), this.pendingTransients, this.derived);
    return this.applyReport(transactFacts(this.store, eavForms, mode, { redundantFor: this.derived }), engine);
  }

  private applyReport(report: TxReport, engine0: RuleSession): Session {
    let engine = engine0;
    // Redundant adds are queued too, first: a caller's upsert of a derived fact makes it
    // unconditional before this transaction's retractions can withdraw it.
    if (report.redundant.length > 0) engine = engine.insert(report.redundant);
    if (report.retracted.length > 0) engine = engine.retract(report.retracted);
    const adds = report.transients.length > 0 ? [...report.added, ...report.transients] : report.added;
    // the report's arrays are the store's fresh ones, never changed again: no copy
    if (adds.length > 0) engine = engine.insertOwned(adds);
    const transients = report.transients.length > 0 ? [...this.pendingTransients, ...report.transients] : this.pendingTransients;
    return new Session(this.shared, report.after, engine, report.tempids, transients, this.derived);
  }
}

/**
 * The listener a fire runs with: the caller's, plus the session's own `inserted` hook. Only the
 * caller's other methods are defined, so absent ones still cost nothing in the engine.
 */
function reconcilingListener(user: Listener | undefined, onInserted: (fact: unknown) => void): Listener {
  const l: Listener = {
    inserted: (fact, rule, logical) => {
      onInserted(fact);
      user?.inserted?.(fact, rule, logical);
    },
  };
  if (user?.retracted) l.retracted = (f, r, why) => user.retracted?.(f, r, why);
  if (user?.activationAdded) l.activationAdded = (r, b) => user.activationAdded?.(r, b);
  if (user?.activationCancelled) l.activationCancelled = (r, b) => user.activationCancelled?.(r, b);
  if (user?.fired) l.fired = (r, b) => user.fired?.(r, b);
  return l;
}

/**
 * Whether `attrs` (a few attributes) holds `a`. Reads only. Why not `includes`: the builtin call
 * (ArrayIncludesSmiOrObject) on every fact the engine inserts cost ~50 instructions per change of
 * the join 100k session update (callgrind, issue 7); this loop is inlined.
 */
function hasAttr(attrs: readonly string[], a: string): boolean {
  for (let i = 0; i < attrs.length; i++) if (attrs[i] === a) return true;
  return false;
}

/** Mutates `byEntity`: adds `f` under its entity unless an equal fact is there. */
function putFact(byEntity: Map<unknown, EAV[]>, f: EAV): void {
  const list = byEntity.get(f.e);
  if (list === undefined) byEntity.set(f.e, [f]);
  else if (indexOfFact(list, f) < 0) list.push(f);
}

/** Mutates `byEntity`: removes the fact equal to `f`; true when there was one. */
function takeFact(byEntity: Map<unknown, EAV[]>, f: EAV): boolean {
  const list = byEntity.get(f.e);
  if (list === undefined) return false;
  const i = indexOfFact(list, f);
  if (i < 0) return false;
  if (list.length === 1) byEntity.delete(f.e);
  else list.splice(i, 1);
  return true;
}

function indexOfFact(list: readonly EAV[], f: EAV): number {
  for (let i = 0; i < list.length; i++) {
    const g = list[i]!;
    if (g.a === f.a && valueEquals(g.v, f.v)) return i;
  }
  return -1;
}

function mergeReports(a: FireReport | undefined, b: FireReport | undefined): FireReport | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const byRule: Record<string, number> = { ...a.byRule };
  for (const [k, n] of Object.entries(b.byRule)) byRule[k] = (byRule[k] ?? 0) + n;
  return { firings: a.firings + b.firings, byRule, inserted: [...a.inserted, ...b.inserted], retracted: [...a.retracted, ...b.retracted] };
}

// ---------------------------------------------------------------- compiled network cache

const networkCache = new WeakMap<readonly SessionProduction[], WeakMap<object, Network>>();
const NO_SCHEMA_KEY = {};

function compiledNetwork(rules: readonly SessionProduction[], store: Store, options: SessionOptions, factType: FactTypeFn): Network {
  // A network depends on the rules, the schema (card-many shapes of entity maps) and the options
  // that change compilation; cache on their identities so equal inputs compile once.
  const cacheable = options.functions === undefined && options.accumulators === undefined && options.factType === undefined;
  const schemaKey = (store.schema as object | undefined) ?? NO_SCHEMA_KEY;
  if (cacheable) {
    const hit = networkCache.get(rules)?.get(schemaKey);
    if (hit !== undefined) return hit;
  }
  const view = store.schemaView;
  const compileOptions: CompileOptions = {
    accumulators: {
      entity: () => entityAccumulator(view) as Accumulator<never, unknown, unknown>,
      entities: () => entitiesAccumulator(view) as Accumulator<never, unknown, unknown>,
      ...(options.accumulators ?? {}),
    },
    ...(options.functions === undefined ? {} : { functions: options.functions }),
    factType: (f: unknown) => (isEav(f) ? f.a : (factType(f) ?? "unknown")),
  };
  const network = compileRules(rules, compileOptions);
  if (cacheable) {
    let byRules = networkCache.get(rules);
    if (byRules === undefined) networkCache.set(rules, (byRules = new WeakMap()));
    byRules.set(schemaKey, network);
  }
  return network;
}
