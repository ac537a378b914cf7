/**
 * The rules engine: rule data, builders, the compiler (rule data -> network plan -> live network),
 * immutable rule sessions, and the expression language's evaluator.
 */
export type * from "./spec.js";
export { BUILTIN_SIGNATURES, SPECIAL_FORMS, type FunctionSignature } from "./signatures.js";
export { compileRules } from "./compile.js";
export type { CompileOptions, Network, NetworkPlan, PlanNode, PlanNodeKind, PlanAlpha, PlanProduction } from "./plan.js";
export { RuleSession, newRuleSession } from "./session.js";
export { DEFAULT_MAX_FIRINGS, type EngineActionContext, type FireOptions, type FireReport, type Listener } from "./runtime/api.js";
export type { Row, Row as QueryRow } from "./runtime/query.js";
export { BUILTIN_ACCUMULATORS, type AccumulatorFactory, type FieldOf } from "./accumulators.js";
export { pattern, fact, term, lit, not_, exists, and, or, test, acc, accumulate, rule, query, type TermInput, type RuleOptions } from "./builders.js";
export {
  evaluate,
  compileExpr,
  interpret,
  isTruthy,
  equals,
  compareValues,
  showValue,
  freeVariables,
  checkCalls,
  checkHostFunctions,
  type EvalEnv,
  type CompiledExpr,
  type CallProblem,
  type CheckCallsOptions,
} from "./expr.js";
