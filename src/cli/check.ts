/**
 * `clara-eav check <rule files...>`: parses and compiles rule files without running them; reports
 * every error with file:line:column and prints the network's size (rules, queries, nodes, sharing).
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseRules } from "../dsl/index.js";
import { EavError, isEavError } from "../errors.js";
import { isRuleModule, loadRuleSources } from "../fixtures/index.js";
import type { HostFunction } from "../rules/index.js";
import { createSession, type SessionProduction } from "../session/index.js";
import { jsonText, table } from "./format.js";
import { importRuleModule } from "./modules.js";
import { EXIT, errorMessage, type CliIo, type ExitCode } from "./io.js";

/** Options of `check`. */
export interface CheckOptions {
  readonly format?: string;
  readonly verbose?: boolean;
}

/** A top-level form of a rule file and where it starts. */
export interface FormSlice {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Splits rule text into its top-level parenthesised forms, skipping strings and comments, so that
 * each form can be parsed alone and every broken form reported, not only the first. Nothing changes.
 * @example splitForms("(defrule a ...)\n(defrule b ...)").map((f) => f.line) // [1, 2]
 */
export function splitForms(text: string): FormSlice[] {
  const out: FormSlice[] = [];
  let depth = 0;
  let start = -1;
  let startLine = 1;
  let startCol = 1;
  let line = 1;
  let col = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ";") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
      col = 1;
      continue;
    }
    if (c === '"') {
      i++;
      col++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") {
          i++;
          col++;
        }
        if (text[i] === "\n") {
          line++;
          col = 0;
        }
        i++;
        col++;
      }
    } else if (c === "(" || c === "[" || c === "{") {
      if (depth === 0 && c === "(") {
        start = i;
        startLine = line;
        startCol = col;
      }
      depth++;
    } else if (c === ")" || c === "]" || c === "}") {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && start >= 0) {
        out.push({ text: text.slice(start, i + 1), line: startLine, column: startCol });
        start = -1;
      }
    }
    if (c === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  if (start >= 0) out.push({ text: text.slice(start), line: startLine, column: startCol });
  return out;
}

/** Every syntax error of a rule file: the whole-file error, plus each form's own, deduplicated. */
function ruleFileErrors(file: string, shown: string, first: unknown, functions: Readonly<Record<string, HostFunction>>): unknown[] {
  const errors: unknown[] = [first];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return errors;
  }
  for (const form of splitForms(text)) {
    // padding keeps each form at its own line and column in the messages
    const padded = "\n".repeat(form.line - 1) + " ".repeat(form.column - 1) + form.text;
    try {
      parseRules(padded, { file: shown, functions });
    } catch (e) {
      errors.push(e);
    }
  }
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = e instanceof Error ? e.message : String(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Runs the `check` command: every file is loaded on its own (so every broken file is reported),
 * then all rules are compiled together. Prints a summary table (or JSON) and returns 0 when there
 * is no error, 1 when errors were found.
 */
export async function checkCommand(files: readonly string[], opts: CheckOptions, io: CliIo): Promise<ExitCode> {
  const format = opts.format ?? (io.stdout.isTTY === true ? "table" : "json");
  if (format !== "table" && format !== "json") throw new EavError("cli/usage", `--format must be table or json, not ${format}`);
  const verbose = opts.verbose === true;
  const errors: string[] = [];
  let unreadable = false;
  const perFile: { file: string; rules: number; queries: number }[] = [];
  const all: SessionProduction[] = [];
  const byName = new Map<string, string>();

  // modules first: the functions they export are callable from the rule files
  let functions: Record<string, HostFunction> = {};
  for (const f of files.filter(isRuleModule)) {
    try {
      functions = { ...functions, ...(await loadRuleSources([f], io.cwd, {}, importRuleModule)).functions };
    } catch {
      // reported below, when the module is loaded in order
    }
  }
  for (const f of files) {
    const abs = resolve(io.cwd, f);
    const shown = relative(io.cwd, abs) || f;
    try {
      const loaded = await loadRuleSources([f], io.cwd, functions, importRuleModule);
      all.push(...loaded.productions);
      for (const p of loaded.productions) byName.set(p.name, shown);
      perFile.push({ file: shown, rules: loaded.productions.filter((p) => p.kind === "rule").length, queries: loaded.productions.filter((p) => p.kind === "query").length });
    } catch (e) {
      if (isEavError(e, "cli/file-not-found")) unreadable = true;
      const found = isEavError(e) && e.code.startsWith("dsl/") && !isRuleModule(f) ? ruleFileErrors(abs, shown, e, functions) : [e];
      errors.push(...found.map((x) => errorMessage(x, verbose)));
    }
  }
  let stats: Record<string, number> | undefined;
  if (errors.length === 0) {
    try {
      stats = { ...createSession({ rules: all, options: Object.keys(functions).length === 0 ? {} : { functions } }).network.plan.stats };
    } catch (e) {
      // compile errors name the rule: point at its file and line when the rule data carries them
      const rule = isEavError(e) && typeof e.data["rule"] === "string" ? e.data["rule"] : undefined;
      const source = rule === undefined ? undefined : all.find((p) => p.name === rule)?.source;
      const at = source === undefined ? "" : `${source.file ?? byName.get(rule ?? "") ?? ""}:${source.line}:${source.column}: `;
      errors.push(`${at}${errorMessage(e, verbose)}`);
    }
  }
  if (format === "json") {
    io.stdout.write(jsonText({ ok: errors.length === 0, files: perFile, ...(stats === undefined ? {} : { network: stats }), errors }));
  } else {
    const out: string[] = [];
    for (const e of errors) out.push(e, "");
    if (perFile.length > 0) out.push(table(["file", "rules", "queries"], perFile.map((p) => [p.file, String(p.rules), String(p.queries)])));
    if (stats !== undefined) {
      out.push("", `network: ${stats["rules"] ?? 0} rules, ${stats["queries"] ?? 0} queries, ${stats["alphaNodes"] ?? 0} alpha nodes, ${stats["betaNodes"] ?? 0} beta nodes, ${stats["sharedNodes"] ?? 0} shared`);
    }
    out.push(errors.length === 0 ? "ok" : `${errors.length} error(s)`);
    io.stdout.write(`${out.join("\n")}\n`);
  }
  return unreadable ? EXIT.input : errors.length === 0 ? EXIT.ok : EXIT.failed;
}
