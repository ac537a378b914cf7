/**
 * Syntax tree -> rule data. Headers (name, docstring, property map), conditions (EAV patterns as in
 * clara-eav's fact-DSL table, accumulators, boolean conditions, tests), actions and query
 * parameters, with the checks that need the whole production (variables bound, names unique).
 */
import type {
  AccumulatorRef,
  Accumulator,
  Action,
  ActionContext,
  Condition,
  FieldConstraint,
  PatternCondition,
  ProductionSpec,
  QuerySpec,
  RuleSpec,
  Salience,
  SourceLocation,
  Term,
  Test,
} from "../rules/spec.js";
import { ALL } from "../eav/eav.js";
import { isKeyword } from "../eav/keyword.js";
import { isValue } from "../eav/value.js";
import { assertNever } from "../errors.js";
import type { CondNode, EavNode, Form, Pos, ProductionNode } from "./ast.js";
import { type BuildContext, type Scope, badHole, constant, holeValue, pairs, toExpr } from "./expr.js";
import { locatedError } from "./source.js";

const RULE_SHAPE = '(defrule name "doc"? {:salience 10 :no-loop true}? conditions... => actions...)';
const QUERY_SHAPE = '(defquery name "doc"? [?param ...] conditions...)';

/** Builds every production of a parsed text; names must be unique within it. */
export function buildProductions(ctx: BuildContext, nodes: readonly ProductionNode[]): ProductionSpec[] {
  const seen = new Map<string, Pos>();
  return nodes.map((node) => {
    const spec = buildProduction(ctx, node);
    const first = seen.get(spec.name);
    if (first !== undefined) {
      throw locatedError("dsl/invalid-rule", ctx.src, node.pos, `${spec.name} is already defined at line ${first.line}; rule and query names must be unique`, {
        name: spec.name,
      });
    }
    seen.set(spec.name, node.pos);
    return spec;
  });
}

/** Builds one production. */
export function buildProduction(ctx: BuildContext, node: ProductionNode): ProductionSpec {
  const shape = node.kind === "rule" ? RULE_SHAPE : QUERY_SHAPE;
  const head = [...node.head];
  const name = productionName(ctx, node, head.shift(), shape);
  const production = `${node.kind} ${name}`;
  let doc: string | undefined;
  const docForm = head[0];
  if (docForm !== undefined && isStringForm(ctx, docForm)) {
    doc = stringOf(ctx, docForm);
    head.shift();
  }
  let props: (Form & { kind: "map" }) | undefined;
  const propsForm = head[0];
  if (node.kind === "rule" && propsForm?.kind === "map") {
    props = propsForm;
    head.shift();
  }
  const extra = head[0];
  if (extra !== undefined) {
    throw locatedError("dsl/invalid-rule", ctx.src, extra.pos, `unexpected ${extra.pos.text} in the header of ${production}; expected ${shape}`, { expected: shape });
  }
  if (node.conditions.length === 0) {
    const at = node.kind === "rule" ? node.thenPos : node.pos;
    throw locatedError("dsl/invalid-rule", ctx.src, at, `${production} needs at least one condition; expected ${shape}`, { expected: shape });
  }

  const bound = boundVariables(node.conditions);
  const scope: Scope = { bound, production };
  const conditions = node.conditions.map((c) => buildCondition(ctx, c, scope));
  const source: SourceLocation = { line: node.pos.line, column: node.pos.column, ...(ctx.src.file === undefined ? {} : { file: ctx.src.file }) };
  const common = { name, ...(doc === undefined ? {} : { doc }) };

  if (node.kind === "query") {
    const params = queryParams(ctx, node.params, scope);
    const q: QuerySpec = { kind: "query", ...common, params, conditions, source };
    return q;
  }
  const rule: RuleSpec = {
    kind: "rule",
    ...common,
    ...(props === undefined ? {} : ruleProps(ctx, props, scope)),
    conditions,
    action: buildAction(ctx, node.actions, scope),
    source,
  };
  return rule;
}

function productionName(ctx: BuildContext, node: ProductionNode, form: Form | undefined, shape: string): string {
  if (form?.kind === "symbol") return form.name;
  if (form?.kind === "hole") {
    const v = holeValue(ctx, form);
    if (typeof v === "string" && v.length > 0) return v;
    throw badHole(ctx, form, "a non-empty string (the name)", v);
  }
  const at = form?.pos ?? node.pos;
  throw locatedError("dsl/invalid-rule", ctx.src, at, `expected a ${node.kind} name after def${node.kind}: ${shape}`, { expected: shape });
}

function isStringForm(ctx: BuildContext, form: Form): boolean {
  if (form.kind === "literal") return typeof form.value === "string";
  return form.kind === "hole" && ctx.src.template && typeof ctx.holes[form.index] === "string";
}

function stringOf(ctx: BuildContext, form: Form): string {
  if (form.kind === "literal" && typeof form.value === "string") return form.value;
  if (form.kind === "hole") return String(holeValue(ctx, form));
  return "";
}

// ---------------------------------------------------------------- header properties

const PROPS = ":salience or :no-loop";

function ruleProps(ctx: BuildContext, form: Form & { kind: "map" }, scope: Scope): { salience?: Salience; noLoop?: boolean } {
  const out: { salience?: Salience; noLoop?: boolean } = {};
  const seen = new Set<string>();
  for (const [k, v] of pairs(ctx, form)) {
    const key = k.kind === "keyword" ? k.name : undefined;
    if (key !== undefined && seen.has(key)) throw locatedError("dsl/invalid-rule", ctx.src, k.pos, `${k.pos.text} is given twice`, { property: k.pos.text });
    if (key !== undefined) seen.add(key);
    if (key === "salience") out.salience = salience(ctx, v, scope);
    else if (key === "no-loop") {
      const b = v.kind === "hole" ? holeValue(ctx, v) : v.kind === "literal" ? v.value : undefined;
      if (typeof b !== "boolean") throw locatedError("dsl/invalid-rule", ctx.src, v.pos, ":no-loop takes true or false", { property: "no-loop" });
      out.noLoop = b;
    } else {
      throw locatedError("dsl/invalid-rule", ctx.src, k.pos, `unknown rule property ${k.pos.text}; expected ${PROPS}`, { property: k.pos.text, expected: PROPS });
    }
  }
  return out;
}

function salience(ctx: BuildContext, form: Form, scope: Scope): Salience {
  if (form.kind === "literal" && typeof form.value === "number") return form.value;
  if (form.kind === "hole") {
    const v = holeValue(ctx, form);
    if (typeof v === "number") return v;
    if (typeof v === "function") return { kind: "fn", fn: v as (b: Readonly<Record<string, unknown>>) => number };
    throw badHole(ctx, form, "a number or a function of the bindings (the salience)", v);
  }
  if (form.kind === "list" || form.kind === "variable") return { kind: "expr", expr: toExpr(ctx, form, scope, "salience") };
  throw locatedError("dsl/invalid-rule", ctx.src, form.pos, ":salience takes a number or an expression such as (- ?priority)", { property: "salience" });
}

// ---------------------------------------------------------------- variables

/**
 * Variables a list of conditions binds for what follows them: pattern terms and `?x <-` bindings,
 * accumulator results and the variables of their `:from` patterns, through `:and` and `:or`; not
 * inside `:not` or `:exists`, which bind nothing outside.
 */
function boundVariables(conditions: readonly CondNode[], out = new Set<string>()): Set<string> {
  for (const c of conditions) {
    switch (c.kind) {
      case "pattern":
        if (c.bind?.kind === "variable") out.add(c.bind.name);
        for (const f of [c.eav.e, c.eav.a, c.eav.v]) if (f !== undefined) formVariables(f, out);
        break;
      case "accumulate":
        if (c.bind.kind === "variable") out.add(c.bind.name);
        // As in Clara, variables of the :from pattern bind too (one result per distinct binding).
        for (const f of [c.from.e, c.from.a, c.from.v]) if (f !== undefined) formVariables(f, out);
        break;
      case "bool":
        if (c.op === "and" || c.op === "or") boundVariables(c.children, out);
        break;
      case "test":
        break;
      default:
        assertNever(c, "condition");
    }
  }
  return out;
}

function formVariables(form: Form, out: Set<string>): void {
  if (form.kind === "variable") out.add(form.name);
  else if (form.kind === "vector" || form.kind === "map" || form.kind === "list" || form.kind === "set") for (const f of form.items) formVariables(f, out);
}

// ---------------------------------------------------------------- conditions

function buildCondition(ctx: BuildContext, node: CondNode, scope: Scope): Condition {
  switch (node.kind) {
    case "pattern":
      return buildPattern(ctx, node.eav, node.bind);
    case "accumulate":
      return { kind: "accumulate", bind: variableName(ctx, node.bind), accumulator: accumulatorRef(ctx, node.acc), from: buildPattern(ctx, node.from, undefined) };
    case "bool": {
      // Inside :not / :exists, tests may also use the variables bound within.
      const inner: Scope = node.op === "not" || node.op === "exists" ? { ...scope, bound: boundVariables(node.children, new Set(scope.bound)) } : scope;
      const children = node.children.map((c) => buildCondition(ctx, c, inner));
      if (node.op === "and" || node.op === "or") return { kind: node.op, conditions: children };
      const only = children.length === 1 ? children[0] : undefined;
      return { kind: node.op, condition: only ?? { kind: "and", conditions: children } };
    }
    case "test":
      return { kind: "test", test: buildTest(ctx, node.expr, scope) };
    default:
      return assertNever(node, "condition");
  }
}

function variableName(ctx: BuildContext, form: Form): string {
  if (form.kind === "variable") return form.name;
  throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "expected a variable before <-");
}

/**
 * An EAV vector as a pattern, per clara-eav's table: a keyword attribute is the pattern's type;
 * a variable or `_` attribute (or none) means type `eav/all`. Wildcards constrain nothing and
 * are left out of `fields`.
 */
function buildPattern(ctx: BuildContext, eav: EavNode, bind: Form | undefined): PatternCondition {
  const fields: FieldConstraint[] = [];
  const e = term(ctx, eav.e, "entity");
  if (e !== undefined) fields.push({ field: "e", term: e });
  let type: string = ALL;
  if (eav.a !== undefined) {
    const a = eav.a;
    if (a.kind === "keyword") type = a.name;
    else if (a.kind === "hole") {
      const v = holeValue(ctx, a);
      if (typeof v === "string" && v.length > 0) type = v;
      else if (isKeyword(v)) type = v.name;
      else throw badHole(ctx, a, "an attribute (a string such as \"todo/done\" or a keyword)", v);
    } else {
      const t = term(ctx, a, "attribute");
      if (t !== undefined) fields.push({ field: "a", term: t });
    }
  }
  if (eav.v !== undefined) {
    const v = term(ctx, eav.v, "value");
    if (v !== undefined) fields.push({ field: "v", term: v });
  }
  const p: PatternCondition = { kind: "pattern", type, fields };
  return bind === undefined ? p : { ...p, bind: variableName(ctx, bind) };
}

function term(ctx: BuildContext, form: Form, position: "entity" | "attribute" | "value"): Term | undefined {
  switch (form.kind) {
    case "variable":
      return { kind: "var", name: form.name };
    case "wildcard":
      return undefined;
    case "literal":
      if (position === "entity" && !(typeof form.value === "number" && Number.isSafeInteger(form.value) && form.value > 0)) {
        throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "an entity id in a pattern is a positive integer, a keyword, a variable or _");
      }
      return { kind: "const", value: constant(ctx, form, "a pattern value") };
    default:
      if (form.kind === "list" || form.kind === "set" || form.kind === "symbol") {
        throw locatedError("dsl/invalid-rule", ctx.src, form.pos, `a pattern's ${position} is a variable, _ or a constant; test expressions go in [:test ...]`);
      }
      return { kind: "const", value: constant(ctx, form, `a pattern's ${position}`) };
  }
}

// ---------------------------------------------------------------- accumulators

/** Accumulator names that may be written with a namespace (`er/entity`, `acc/sum`). */
const ACCUMULATOR_NAMES = new Set(["all", "count", "sum", "min", "max", "average", "distinct", "grouping-by", "entity", "entities"]);

function accumulatorName(name: string): string {
  const slash = name.lastIndexOf("/");
  const local = slash > 0 ? name.slice(slash + 1) : name;
  return ACCUMULATOR_NAMES.has(local) ? local : name;
}

/** `entity`, `(sum :v)`, `acc/all`, or a hole carrying an accumulator object. */
function accumulatorRef(ctx: BuildContext, form: Form): AccumulatorRef {
  if (form.kind === "symbol") return { kind: "named", name: accumulatorName(form.name), args: [] };
  if (form.kind === "hole") {
    const v = holeValue(ctx, form);
    if (typeof v === "string" && v.length > 0) return { kind: "named", name: accumulatorName(v), args: [] };
    if (isAccumulator(v)) return { kind: "custom", accumulator: v };
    throw badHole(ctx, form, "an accumulator ({ initial, reduce, retract, convert }) or an accumulator name", v);
  }
  if (form.kind === "list") {
    const [head, ...args] = form.items;
    if (head?.kind === "symbol") {
      // A keyword argument names a field (`(sum :v)` -> "v").
      const values = args.map((a) => (a.kind === "keyword" ? a.name : constant(ctx, a, "an accumulator argument")));
      return { kind: "named", name: accumulatorName(head.name), args: values };
    }
  }
  throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "expected an accumulator: a name (entity, count, ...) or a call such as (sum :v)");
}

function isAccumulator(v: unknown): v is Accumulator<never, unknown, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return ["initial", "reduce", "retract", "convert"].every((k) => typeof o[k] === "function");
}

// ---------------------------------------------------------------- tests, actions, params

function buildTest(ctx: BuildContext, form: Form, scope: Scope): Test {
  if (form.kind === "hole") {
    const v = holeValue(ctx, form);
    if (typeof v === "function") return { kind: "fn", fn: v as (b: Readonly<Record<string, unknown>>) => unknown };
    if (!isValue(v)) throw badHole(ctx, form, "a predicate function of the bindings or a value", v);
  }
  return { kind: "expr", expr: toExpr(ctx, form, scope, "test") };
}

function buildAction(ctx: BuildContext, forms: readonly Form[], scope: Scope): Action {
  const fnHoles = forms.filter((f) => f.kind === "hole" && typeof holeValue(ctx, f) === "function");
  const first = fnHoles[0];
  if (first?.kind === "hole") {
    if (forms.length > 1) {
      throw locatedError("dsl/invalid-hole", ctx.src, first.pos, `a function action must be the only action of ${scope.production}`, { index: first.index });
    }
    return { kind: "fn", fn: holeValue(ctx, first) as (c: ActionContext) => void };
  }
  return { kind: "expr", body: forms.map((f) => toExpr(ctx, f, scope, "action")) };
}

function queryParams(ctx: BuildContext, form: Form, scope: Scope): string[] {
  if (form.kind !== "vector") throw locatedError("dsl/invalid-rule", ctx.src, form.pos, `expected a parameter vector: ${QUERY_SHAPE}`, { expected: QUERY_SHAPE });
  return form.items.map((p) => {
    // clara-eav writes parameters as keywords: [:?e].
    const name = p.kind === "variable" ? p.name : p.kind === "keyword" && p.name.startsWith("?") ? p.name : undefined;
    if (name === undefined) {
      throw locatedError("dsl/invalid-rule", ctx.src, p.pos, `a query parameter is a variable (?e, or :?e as clara-eav writes it); expected ${QUERY_SHAPE}`, { expected: QUERY_SHAPE });
    }
    if (!scope.bound.has(name)) {
      throw locatedError("dsl/unbound-variable", ctx.src, p.pos, `parameter ${name} is not bound by any condition of ${scope.production}`, {
        variable: name,
        production: scope.production,
      });
    }
    return name;
  });
}
