/**
 * The engine's public runtime types: what `fire` takes (options, listener, the action context it
 * builds on) and what it reports.
 */
import type { ActionContext, Bindings, QuerySpec } from "../spec.js";
import type { Row } from "./query.js";

/** A buffered change from outside. */
export interface PendingOp {
  readonly kind: "insert" | "retract";
  readonly facts: readonly unknown[];
}

/** Observes a fire. Every method is optional; an absent listener costs nothing. */
export interface Listener {
  /** A fact entered working memory, from outside (`rule` null) or from a rule's action. */
  inserted?(fact: unknown, rule: string | null, logical: boolean): void;
  /** A fact left working memory: retracted explicitly, or withdrawn by truth maintenance. */
  retracted?(fact: unknown, rule: string | null, reason: "explicit" | "withdrawn"): void;
  /** A rule's conditions matched: an activation joined the agenda. */
  activationAdded?(rule: string, bindings: Bindings): void;
  /** A pending activation stopped matching before it fired. */
  activationCancelled?(rule: string, bindings: Bindings): void;
  /** A rule fired. */
  fired?(rule: string, bindings: Bindings): void;
}

/** The action context the engine offers; the EAV session builds its own on top (`FireOptions.context`). */
export interface EngineActionContext extends ActionContext {
  /** The firing rule's name. */
  readonly rule: string;
  /** Runs a query against working memory as it stands (before this action's own changes). */
  query(nameOrSpec: string | QuerySpec, params?: Readonly<Record<string, unknown>>): Row[];
  /** Every fact in working memory as it stands. */
  facts(): unknown[];
}

/** Options of `RuleSession.fire`. */
export interface FireOptions<C = EngineActionContext> {
  /** The most rule firings this fire may run; more throws `rules/loop-limit`. Default 1,000,000. */
  readonly maxFirings?: number;
  readonly listener?: Listener;
  /** Builds the context actions receive from the engine's base context. */
  readonly context?: (base: EngineActionContext) => C;
  /** Called with facts truth maintenance withdraws, after they left working memory. */
  readonly onWithdraw?: (facts: readonly unknown[]) => void;
}

/** What a fire did. */
export interface FireReport {
  /** Number of rule firings. */
  readonly firings: number;
  /** Firings per rule name. */
  readonly byRule: Readonly<Record<string, number>>;
  /** Facts that entered working memory, in order (a fact inserted and retracted appears in both). */
  readonly inserted: readonly unknown[];
  /** Facts that left it: explicit retractions and truth-maintenance withdrawals, in order. */
  readonly retracted: readonly unknown[];
}

/** The default firing budget of one fire. */
export const DEFAULT_MAX_FIRINGS = 1_000_000;
