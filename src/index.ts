/**
 * clara-eav-ts: a Rete rules engine over entity-attribute-value facts with a schema-enforcing store.
 *
 * @example
 * import { createSession, rules, kw } from "clara-eav-ts";
 * const productions = rules`
 *   (defrule big-order {:salience 10}
 *     [?o :order/total ?t] [:test (> ?t 1000)] [:not [?o :order/reviewed true]]
 *     => (upsert! [?o :order/needs-review true]))
 *   (defquery pending [] [?o :order/needs-review true])`;
 * const s = createSession({ rules: productions }).upsert([1, "order/total", 1500]).fire();
 * s.query("pending"); // [{ o: 1 }]
 */

// errors
export { EavError, isEavError, type ErrorCode, type ErrorData } from "./errors.js";

// the EAV model
export {
  Keyword,
  kw,
  isKeyword,
  EAV,
  eav,
  isEav,
  EID,
  TRANSIENT,
  ALL,
  isEid,
  isTempid,
  isLookupRef,
  valueEquals,
  formatValue,
  normalizeTx,
  normalizeFacts,
  type Value,
  type Attribute,
  type Eid,
  type Tempid,
  type LookupRef,
  type EntityRef,
  type TxOp,
  type EntityMap,
  type FactInput,
  type TxEntry,
  type TxInput,
} from "./eav/index.js";

// the store
export {
  Store,
  createStore,
  transact,
  transactOps,
  transactFacts,
  TxBatch,
  PRESETS,
  type TxReport,
  type SchemaEntry,
  type SchemaInput,
  type ValueType,
  type ValueTypeName,
  type StoreOptions,
  type StoreWarning,
  type Mode,
  type Preset,
} from "./store/index.js";

// the rule engine (rule data, compiler, runtime); builders under `build` (their names `rule` and
// `query` are the DSL's template tags at the top level)
export type * from "./rules/spec.js";
export {
  compileRules,
  newRuleSession,
  RuleSession,
  DEFAULT_MAX_FIRINGS,
  BUILTIN_SIGNATURES,
  BUILTIN_ACCUMULATORS,
  evaluate,
  type CompileOptions,
  type Network,
  type NetworkPlan,
  type EngineActionContext,
  type FireOptions,
  type FireReport,
  type Listener,
  type QueryRow,
} from "./rules/index.js";
export * as build from "./rules/builders.js";

// the EAV session
export {
  createSession,
  Session,
  entityAccumulator,
  entitiesAccumulator,
  type SessionConfig,
  type SessionOptions,
  type SessionProduction,
  type SessionActionContext,
  type FireCallOptions,
  type EntityMapOut,
} from "./session/index.js";

// the DSL
export { rule, query, rules, createDsl, parseRules, loadRules, formatRules, type ParseOptions } from "./dsl/index.js";
