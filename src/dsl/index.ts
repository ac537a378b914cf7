/**
 * The rule DSL: clara-eav's EDN-like syntax, from tagged templates or rule files, to rule data
 * (`RuleSpec` / `QuerySpec`). Parsing never evaluates code. See docs/ARCHITECTURE.md.
 */
export { rule, query, rules, createDsl, templateText, type DslTags } from "./template.js";
export { parseRules, loadRules, type ParseOptions } from "./load.js";
