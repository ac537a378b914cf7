/**
 * The action context of an EAV session: what a rule's right-hand side can do. Every EAV change goes
 * through the store (cardinality, identity upserts, unique values, ref tempids, component cascades)
 * and the store's net delta is what the rule engine sees, in the same fire.
 */
import { isEav, isTripleShape, type Attribute, type EAV } from "../eav/index.js";
import { transact as transactStore, type Store, type TxBatch, type TxReport } from "../store/index.js";
import type { Bindings } from "../rules/spec.js";
import type { EngineActionContext, QueryRow } from "../rules/index.js";

/** What a rule's action receives inside an EAV session. */
export interface SessionActionContext {
  /** The activation's bindings, keyed without `?`. */
  readonly bindings: Bindings;
  /** The name of the rule that is firing. */
  readonly rule: string;
  /** Upserts EAV facts (EAVs, triples, entity maps), truth-maintained: withdrawn when this match goes away. */
  upsert(facts: unknown): void;
  /** Upserts EAV facts without truth maintenance. */
  upsertUnconditional(facts: unknown): void;
  /** Retracts EAV facts (not truth-maintained, as in Clara); non-EAV facts leave working memory. */
  retract(facts: unknown): void;
  /** Runs a transaction (entity maps and list forms, incl. db/retractEntity); its effects are unconditional. */
  transact(ops: unknown): TxReport;
  /** Inserts facts: EAV forms as {@link upsert}; non-EAV facts straight into working memory (logical). */
  insert(facts: unknown): void;
  /** Inserts facts without truth maintenance: EAV forms as {@link upsertUnconditional}. */
  insertUnconditional(facts: unknown): void;
  /** Runs a query against the session as it stands (mid-fire). */
  query(name: string, params?: Readonly<Record<string, unknown>>): QueryRow[];
  /** The store as it stands (mid-fire), for reads. */
  readonly store: Store;
  /** The DSL's action functions, by name. */
  readonly effects: Readonly<Record<string, (arg: unknown) => void>>;
}

/** The mutable cell a fire threads through its actions; lives only inside one `fire()`. */
export interface FireState {
  store: Store;
  /**
   * The fire's store transactions: each spends the store before it (see `TxBatch`), which is
   * fine while only `store` is read; sealed whenever a store escapes to the caller's code.
   */
  readonly batch: TxBatch;
  /**
   * The attributes of the EAV facts rules have inserted logically (in this fire or before): only
   * they can be derived facts, so only their redundant adds matter to the engine when the caller
   * upserts (see `TxOptions.redundantFor`). Grows only.
   */
  readonly derived: Set<Attribute>;
  /** Transient facts inserted during this fire, to retract when it reaches its fixpoint. */
  transients: EAV[];
  /** The context of the firing in progress (the DSL's action functions act on it). */
  acting?: SessionActionContext;
  /** The DSL's action functions of this fire, made on first use. */
  effects?: Readonly<Record<string, (arg: unknown) => void>>;
}

/** Decides whether a fact is a non-EAV object (goes straight to the engine) or an EAV form. */
export type FactTypeFn = (fact: unknown) => string | undefined;

/**
 * The session's default factType: class instances (not plain objects, arrays, EAVs, Dates,
 * keywords) are non-EAV facts typed by their constructor's name; everything else is an EAV form
 * (undefined). Reads only.
 * @example defaultFactType(new Temperature(20)) // "Temperature"; defaultFactType({ "a/b": 1 }) // undefined
 */
export function defaultFactType(f: unknown): string | undefined {
  if (typeof f !== "object" || f === null) return undefined;
  // a plain object (the caller's entity maps) first: its prototype alone says it is no array, EAV
  // or Date, without their checks (two prototype-chain walks per map, ~80 instructions per change
  // of the join 100k session update, callgrind, issue 7)
  const proto = Object.getPrototypeOf(f) as { constructor?: { name?: string } } | null;
  if (proto === null || proto === Object.prototype) return undefined;
  if (Array.isArray(f) || isEav(f) || f instanceof Date) return undefined;
  const name = proto.constructor?.name;
  return name === undefined || name === "Keyword" ? undefined : name;
}

/** Splits facts (a fact, or arrays of facts, nested) into EAV forms and non-EAV objects. */
export function splitFacts(facts: unknown, factType: FactTypeFn): { eavForms: unknown[]; objects: unknown[] } {
  // the common action argument, one EAV or one triple, without a walk
  if (isEav(facts) || isTripleShape(facts)) return { eavForms: [facts], objects: [] };
  // the common caller's argument, a flat array of EAV forms: the array itself
  if (Array.isArray(facts) && flatEavForms(facts, factType)) return { eavForms: facts as unknown[], objects: [] };
  const eavForms: unknown[] = [];
  const objects: unknown[] = [];
  visitFacts(facts, factType, eavForms, objects);
  return { eavForms, objects };
}

/**
 * Whether {@link visitFacts} would find every item of `xs` an EAV form, in order, without
 * flattening: no nested array that is not a triple, no non-EAV object. Reads only. Why: the walk
 * pushed a benchmark update's 5,000 maps one by one into a growing array (its copies and the
 * recursion were ~260 instructions per map of the join 100k session update, callgrind, issue 7).
 */
function flatEavForms(xs: readonly unknown[], factType: FactTypeFn): boolean {
  // the default factType answers undefined for an EAV itself, after its cheaper plain-object test:
  // the EAV check first (a prototype-chain walk per map) is only needed for a custom factType,
  // which is not called with EAVs
  const isDefault = factType === defaultFactType;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (Array.isArray(x) ? !isTripleShape(x) : (isDefault || !isEav(x)) && factType(x) !== undefined) return false;
  }
  return true;
}

function visitFacts(x: unknown, factType: FactTypeFn, eavForms: unknown[], objects: unknown[]): void {
  if (Array.isArray(x) && !isTripleShape(x)) for (const y of x as readonly unknown[]) visitFacts(y, factType, eavForms, objects);
  else if (!Array.isArray(x) && !isEav(x) && factType(x) !== undefined) objects.push(x);
  else eavForms.push(x);
}

/**
 * Applies a store report to the engine through the base context: redundant adds first (the fact
 * gains this support), then retractions (a card-one replace retracts the old value), then additions.
 */
export function applyReport(report: TxReport, base: EngineActionContext, logical: boolean, state: FireState): void {
  state.store = report.after;
  if (logical) {
    for (const f of report.added) state.derived.add(f.a);
    for (const f of report.redundant) state.derived.add(f.a);
    for (const f of report.transients) state.derived.add(f.a);
  }
  // redundant adds first: their new support must be in place before the retractions withdraw anything
  if (report.redundant.length > 0) insertInto(base, logical, report.redundant);
  if (report.retracted.length > 0) base.retract(report.retracted);
  if (report.transients.length > 0) {
    state.transients.push(...report.transients);
    insertInto(base, logical, [...report.added, ...report.transients]);
  } else if (report.added.length > 0) insertInto(base, logical, report.added);
}

function insertInto(base: EngineActionContext, logical: boolean, facts: readonly unknown[]): void {
  if (logical) base.insert(facts);
  else base.insertUnconditional(facts);
}

/** The action functions of one context, as own values an action may destructure. */
interface ActionFns {
  readonly upsert: (facts: unknown) => void;
  readonly upsertUnconditional: (facts: unknown) => void;
  readonly retract: (facts: unknown) => void;
  readonly transact: (ops: unknown) => TxReport;
  readonly query: (name: string, params?: Readonly<Record<string, unknown>>) => QueryRow[];
}

/**
 * The session's action context on top of the engine's base context: one per firing. An action may
 * destructure it (`({ upsert, bindings }) => upsert(...)`): its functions are closures over this
 * context, made together on the first read of one of them. The DSL's action functions (`effects`)
 * are made once per fire and act on the context of the firing in progress, as the engine's own do.
 * Why: an object literal of closures, a getter and an effects table per firing allocated about
 * 1.5 KB per firing (11.8 MB in the benchmark's load fire) for actions that mostly use one of them.
 */
class SessionContext implements SessionActionContext {
  readonly rule: string;
  private fns: ActionFns | undefined = undefined;

  constructor(
    private readonly base: EngineActionContext,
    private readonly state: FireState,
    private readonly factType: FactTypeFn,
  ) {
    this.rule = base.rule;
  }

  /** The base context's bindings, read only when asked for (the engine makes them on first read). */
  get bindings(): Bindings {
    return this.base.bindings;
  }

  get upsert(): (facts: unknown) => void {
    return this.own().upsert;
  }
  get upsertUnconditional(): (facts: unknown) => void {
    return this.own().upsertUnconditional;
  }
  get retract(): (facts: unknown) => void {
    return this.own().retract;
  }
  get transact(): (ops: unknown) => TxReport {
    return this.own().transact;
  }
  get insert(): (facts: unknown) => void {
    return this.own().upsert;
  }
  get insertUnconditional(): (facts: unknown) => void {
    return this.own().upsertUnconditional;
  }
  get query(): (name: string, params?: Readonly<Record<string, unknown>>) => QueryRow[] {
    return this.own().query;
  }

  get store(): Store {
    // the store escapes to the action: later transactions of the fire must not write it
    this.state.batch.seal();
    return this.state.store;
  }

  get effects(): Readonly<Record<string, (arg: unknown) => void>> {
    return (this.state.effects ??= fireEffects(this.state));
  }

  /** Mutates the fire's state: upserts `facts` through the store, then into the engine. */
  upsertWith(facts: unknown, logical: boolean): void {
    const { eavForms, objects } = splitFacts(facts, this.factType);
    if (objects.length > 0) insertInto(this.base, logical, objects);
    if (eavForms.length === 0) return;
    applyReport(this.state.batch.transactFacts(this.state.store, eavForms, "add"), this.base, logical, this.state);
  }

  /** Mutates the fire's state: retracts `facts` from the store and the engine. */
  retractFacts(facts: unknown): void {
    const { eavForms, objects } = splitFacts(facts, this.factType);
    if (objects.length > 0) this.base.retract(objects);
    if (eavForms.length === 0) return;
    applyReport(this.state.batch.transactFacts(this.state.store, eavForms, "retract"), this.base, false, this.state);
  }

  /** Mutates the fire's state: runs a transaction, whose report goes to the action. */
  transactOps(ops: unknown): TxReport {
    // the report (its stores before and after) goes to the action: a transaction of its own,
    // then the batch sealed, so that later ones copy what they change
    const report = transactStore(this.state.store, ops);
    this.state.batch.seal();
    applyReport(report, this.base, false, this.state);
    return report;
  }

  private own(): ActionFns {
    return (this.fns ??= {
      upsert: (f) => this.upsertWith(f, true),
      upsertUnconditional: (f) => this.upsertWith(f, false),
      retract: (f) => this.retractFacts(f),
      transact: (ops) => this.transactOps(ops),
      query: (name, params) => this.base.query(name, params),
    });
  }
}

/**
 * The DSL's action functions of one fire: they act on the context of the firing in progress.
 * Frozen: the engine then merges them with its own once per fire, not per firing (engine.ts, `effectsFor`).
 */
function fireEffects(state: FireState): Readonly<Record<string, (arg: unknown) => void>> {
  const acting = (): SessionContext => state.acting as SessionContext;
  return Object.freeze({
    "upsert!": (f) => acting().upsertWith(f, true),
    "upsert-unconditional!": (f) => acting().upsertWith(f, false),
    "insert!": (f) => acting().upsertWith(f, true),
    "insert-unconditional!": (f) => acting().upsertWith(f, false),
    "retract!": (f) => acting().retractFacts(f),
    "transact!": (ops) => void acting().transactOps(ops),
  });
}

/**
 * Builds the session's action context of one firing on top of the engine's base context, and makes
 * it the fire's acting one. Nothing else changes until a method is called.
 */
export function makeSessionContext(base: EngineActionContext, state: FireState, factType: FactTypeFn): SessionActionContext {
  const ctx = new SessionContext(base, state, factType);
  state.acting = ctx;
  return ctx;
}
