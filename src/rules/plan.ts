/**
 * The compiled network: a printable plan (plain data: what tests inspect and `check` prints) and
 * the live nodes the runtime runs. Sessions share a network; nothing in it changes after
 * compilation.
 */
import type { AccumulatorFactory, FieldOf } from "./accumulators.js";
import type { AlphaNode } from "./runtime/alpha.js";
import type { BetaNode } from "./runtime/nodes.js";
import type { QueryNode } from "./runtime/terminals.js";
import type { HostFunction, ProductionSpec, QuerySpec } from "./spec.js";

/** Options of `compileRules`. */
export interface CompileOptions {
  /** Accumulators by name beyond the built-ins (the EAV session registers `entity` and `entities`). */
  readonly accumulators?: Readonly<Record<string, AccumulatorFactory>>;
  /** Host functions callable from expressions, by name. */
  readonly functions?: Readonly<Record<string, HostFunction>>;
  /** The alpha type of a fact. Default: an EAV's attribute; other facts need this option. */
  readonly factType?: (fact: unknown) => string;
  /** A field of a fact. Default: property access (`e`, `a`, `v` of an EAV). */
  readonly fieldOf?: FieldOf;
  /** The identity of a fact in working memory. Default: `eavKey` for EAVs, the object itself otherwise. */
  readonly factKey?: (fact: unknown) => unknown;
}

/** Kinds of nodes in a plan. */
export type PlanNodeKind = "root" | "join" | "not" | "exists" | "not-conjunction" | "exists-conjunction" | "conjunction-end" | "test" | "accumulate" | "terminal" | "query";

/** One beta node of the plan. */
export interface PlanNode {
  readonly id: number;
  readonly kind: PlanNodeKind;
  readonly parent: number | null;
  /** The alpha node feeding it (joins, negations, accumulators). */
  readonly alpha: number | null;
  /** The variables the join is hash-indexed on (shared with earlier conditions). */
  readonly joinOn: readonly string[];
  /** The variables this node binds for later conditions. */
  readonly binds: readonly string[];
  /** The condition, as readable text. */
  readonly condition: string;
  /** Rules and queries whose branches pass through this node. */
  readonly usedBy: readonly string[];
}

/** One alpha node: facts of one type passing constant tests. */
export interface PlanAlpha {
  readonly id: number;
  readonly type: string;
  /** `field = constant` tests, as text. */
  readonly tests: readonly string[];
  /** Pairs of fields that must be equal (one variable twice in a pattern). */
  readonly equalities: readonly (readonly [string, string])[];
  /** Beta nodes fed by it. */
  readonly successors: readonly number[];
}

/** A production in the plan: its DNF branches end in these terminal (or query) nodes. */
export interface PlanProduction {
  readonly name: string;
  readonly kind: "rule" | "query";
  readonly order: number;
  readonly branches: readonly number[];
}

/** The network plan: plain, printable data. */
export interface NetworkPlan {
  readonly alpha: readonly PlanAlpha[];
  readonly nodes: readonly PlanNode[];
  readonly productions: readonly PlanProduction[];
  readonly stats: {
    readonly alphaNodes: number;
    readonly betaNodes: number;
    /** How many times a condition reused an existing node (identical prefixes). */
    readonly sharedNodes: number;
    readonly rules: number;
    readonly queries: number;
  };
}

/** What the runtime needs of a network (internal). */
export interface NetworkCore {
  readonly nodes: readonly BetaNode[];
  readonly alphaByType: ReadonlyMap<string, readonly AlphaNode[]>;
  /** `eav/all` alpha nodes: every EAV goes through them. */
  readonly alphaAll: readonly AlphaNode[];
  readonly queries: ReadonlyMap<string, { readonly spec: QuerySpec; readonly nodes: readonly QueryNode[] }>;
  readonly factType: (fact: unknown) => string;
  readonly fieldOf: FieldOf;
  /**
   * `fieldOf` is the default one: an EAV's field `v` is its own value, so a join key on it may be
   * read from the fact's entry in working memory (FactEntry.vkey) instead of the fact.
   */
  readonly eavFields: boolean;
  /** The custom fact key, or null for the default (EAVs by value, other facts by identity). */
  readonly factKey: ((fact: unknown) => unknown) | null;
  readonly functions: Readonly<Record<string, HostFunction>>;
  readonly isEavFact: (fact: unknown) => boolean;
  /**
   * Attributes whose entity joins read working memory's EAV index (runtime/nodes.ts JoinNode). A
   * non-EAV fact whose custom type is one of them is refused (`rules/invalid-fact`): the index
   * holds EAVs only, so such a join could not see it.
   */
  readonly wmTypes: ReadonlySet<string>;
}

/**
 * A compiled rule set: the plan (plain data) and the live network. Immutable; any number of
 * sessions may share it.
 */
export interface Network {
  readonly plan: NetworkPlan;
  /** The productions as given (their action context type erased). */
  readonly productions: readonly ProductionSpec<never>[];
  /** @internal the live nodes; use `newRuleSession`. */
  readonly core: NetworkCore;
}
