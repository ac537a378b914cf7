/**
 * The rule DSL: clara-eav's EDN-like syntax, from tagged templates or rule files, to rule data
 * (`RuleSpec` / `QuerySpec`), and back to text. Parsing never evaluates code.
 */
export { rule, query, rules, createDsl, templateText, type DslTags } from "./template.js";
export { parseRules, loadRules, type ParseOptions } from "./load.js";
export { formatRules, formatProduction, formatExpr, formatLiteral } from "./format.js";
export { toJson, specsToJsonText, type Json } from "./json.js";
