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
}

/** Decides whether a fact is a non-EAV object (goes straight to the engine) or an EAV form. */
export type FactTypeFn = (fact: unknown) => string | undefined;

/** Splits facts (a fact, or arrays of facts, nested) into EAV forms and non-EAV objects. */
export function splitFacts(facts: unknown, factType: FactTypeFn): { eavForms: unknown[]; objects: unknown[] } {
  const eavForms: unknown[] = [];
  const objects: unknown[] = [];
  // the common action argument, one EAV or one triple, without a walk
  if (isEav(facts) || isTripleShape(facts)) eavForms.push(facts);
  else visitFacts(facts, factType, eavForms, objects);
  return { eavForms, objects };
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

/**
 * Builds the session's action context on top of the engine's base context: one per firing. Its
 * methods are own closures, not prototype methods, so that an action may destructure its context
 * (`({ upsert, bindings }) => upsert(...)`); that costs a few small objects per firing, measured
 * as noise next to the store transaction an upsert runs. Nothing changes until a method is called.
 */
export function makeSessionContext(base: EngineActionContext, state: FireState, factType: FactTypeFn): SessionActionContext {
  const upsertWith = (facts: unknown, logical: boolean): void => {
    const { eavForms, objects } = splitFacts(facts, factType);
    if (objects.length > 0) insertInto(base, logical, objects);
    if (eavForms.length === 0) return;
    applyReport(state.batch.transactFacts(state.store, eavForms, "add"), base, logical, state);
  };
  const retract = (facts: unknown): void => {
    const { eavForms, objects } = splitFacts(facts, factType);
    if (objects.length > 0) base.retract(objects);
    if (eavForms.length === 0) return;
    applyReport(state.batch.transactFacts(state.store, eavForms, "retract"), base, false, state);
  };
  const transact = (ops: unknown): TxReport => {
    // the report (its stores before and after) goes to the action: a transaction of its own,
    // then the batch sealed, so that later ones copy what they change
    const report = transactStore(state.store, ops);
    state.batch.seal();
    applyReport(report, base, false, state);
    return report;
  };
  const upsert = (f: unknown): void => upsertWith(f, true);
  const upsertUnconditional = (f: unknown): void => upsertWith(f, false);
  return {
    bindings: base.bindings,
    rule: base.rule,
    upsert,
    upsertUnconditional,
    retract,
    transact,
    insert: upsert,
    insertUnconditional: upsertUnconditional,
    query: (name, params) => base.query(name, params),
    get store() {
      // the store escapes to the action: later transactions of the fire must not write it
      state.batch.seal();
      return state.store;
    },
    effects: {
      "upsert!": upsert,
      "upsert-unconditional!": upsertUnconditional,
      "insert!": upsert,
      "insert-unconditional!": upsertUnconditional,
      "retract!": retract,
      "transact!": (ops) => void transact(ops),
    },
  };
}
