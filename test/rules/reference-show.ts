// Printing generated programs as rule-file-like text, for the differential test's failure reports.
import { formatValue } from "../../src/eav/value.js";
import type { Condition, Expr, Term } from "../../src/rules/index.js";
import { sumOfSquares, type Program } from "./reference-gen.js";

function showTerm(t: Term): string {
  return t.kind === "var" ? t.name : t.kind === "wildcard" ? "_" : formatValue(t.value);
}

function showExpr(e: Expr): string {
  switch (e.kind) {
    case "lit":
      return formatValue(e.value);
    case "var":
      return e.name;
    case "call":
      return `(${typeof e.fn === "string" ? e.fn : "#fn"}${e.args.map((a) => ` ${showExpr(a)}`).join("")})`;
    case "and":
    case "or":
      return `(${e.kind}${e.args.map((a) => ` ${showExpr(a)}`).join("")})`;
    case "set":
      return `#{${e.items.map(showExpr).join(" ")}}`;
    case "vector":
      return `[${e.items.map(showExpr).join(" ")}]`;
    default:
      return `#${e.kind}`;
  }
}

/** Rule-file-like text of a condition. */
export function showCondition(c: Condition): string {
  switch (c.kind) {
    case "pattern": {
      const p = `[${c.fields.map((f) => `${f.field}=${showTerm(f.term)}`).join(" ")} :${c.type}]`;
      return c.bind === undefined ? p : `[${c.bind} <- ${p}]`;
    }
    case "accumulate": {
      const a = c.accumulator;
      const text = a.kind === "named" ? [a.name, ...a.args.map((x) => `:${String(x)}`)].join(" ") : a.accumulator === sumOfSquares ? "sum-of-squares" : "distinct-entities";
      return `[${c.bind} <- (${text}) :from ${showCondition(c.from)}]`;
    }
    case "not":
    case "exists":
      return `[:${c.kind} ${showCondition(c.condition)}]`;
    case "and":
    case "or":
      return `[:${c.kind} ${c.conditions.map(showCondition).join(" ")}]`;
    case "test":
      return c.test.kind === "expr" ? `[:test ${showExpr(c.test.expr)}]` : "[:test #fn]";
  }
}

/** The program as text, for a failure message. */
export function showProgram(p: Program): string {
  return p.productions
    .map((x) => {
      const head = x.kind === "rule" ? `(defrule ${x.name}${x.salience === undefined ? "" : ` {:salience ${String(x.salience)}}`}` : `(defquery ${x.name} [${x.params.join(" ")}]`;
      const action =
        x.kind === "rule" ? `\n  =>\n  ${x.action.kind === "expr" ? x.action.body.map(showExpr).join(" ") : `insert ${p.outputs.get(x.name)?.join(" ") ?? ""} via fn(${(x.action.uses ?? []).join(" ")})`}` : "";
      return `${head}\n  ${x.conditions.map(showCondition).join("\n  ")}${action})`;
    })
    .join("\n");
}
