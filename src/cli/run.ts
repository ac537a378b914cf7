/**
 * `clara-eav run <rule files...> --facts <fixture>`: load rules, a schema and fixtures; transact
 * and fire each fixture in order; print query results (or every entity), optionally the trace of
 * firings.
 */
import { resolve } from "node:path";
import { EavError } from "../errors.js";
import { formatData, loadFixture, loadRuleSources, loadSchema, readDocument, sortedEntities, toValue } from "../fixtures/index.js";
import type { Bindings, Listener, QuerySpec } from "../rules/index.js";
import { createSession, type Session } from "../session/index.js";
import type { SchemaInput } from "../store/index.js";
import { entitiesTable, jsonText, rowsTable } from "./format.js";
import { EXIT, type CliIo, type ExitCode } from "./io.js";
import { importRuleModule } from "./modules.js";

/** Options of `run`, as commander parses them. */
export interface RunOptions {
  readonly facts: readonly string[];
  readonly schema?: string;
  readonly preset?: string;
  readonly query: readonly string[];
  readonly param: readonly string[];
  readonly format?: string;
  readonly trace?: boolean;
}

/** One firing, for `--trace`. */
interface Firing {
  readonly rule: string;
  readonly bindings: Bindings;
}

function usage(message: string): EavError {
  return new EavError("cli/usage", message);
}

/**
 * Parses `--param k=v` values: the value is read as EDN (`5`, `:tier/gold`, `"A1"`), and a bare
 * word that is not EDN data (`A1`) is taken as a string. Throws `cli/usage` for a missing `=`.
 * @example parseParams(["id=A1", "n=5"]) // { id: "A1", n: 5 }
 */
export function parseParams(params: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const i = p.indexOf("=");
    if (i <= 0) throw usage(`--param needs name=value, got ${JSON.stringify(p)}`);
    const name = p.slice(0, i).replace(/^\?/, "");
    const text = p.slice(i + 1);
    let value: unknown;
    try {
      const doc = readDocument(text, "edn");
      value = doc.root.kind === "symbol" ? text : toValue(doc.root, { file: undefined, path: `--param ${name}` });
    } catch {
      value = text;
    }
    out[name] = value;
  }
  return out;
}

/**
 * Runs the `run` command. Writes the results to `io.stdout`; returns the exit code. Throws
 * EavErrors for the caller to report (input and runtime failures).
 */
export async function runCommand(ruleFiles: readonly string[], opts: RunOptions, io: CliIo): Promise<ExitCode> {
  const format = opts.format ?? (io.stdout.isTTY === true ? "table" : "json");
  if (format !== "table" && format !== "json") throw usage(`--format must be table or json, not ${format}`);
  if (opts.preset !== undefined && opts.preset !== "datascript" && opts.preset !== "datomic") throw usage(`--preset must be datascript or datomic, not ${opts.preset}`);
  const params = parseParams(opts.param);
  const loaded = await loadRuleSources(ruleFiles, io.cwd, {}, importRuleModule);
  const queries = opts.query.map((name) => {
    const q = loaded.productions.find((p): p is QuerySpec => p.kind === "query" && p.name === name);
    if (q === undefined) {
      const known = loaded.productions.filter((p) => p.kind === "query").map((p) => p.name);
      throw usage(`no query named ${name}${known.length === 0 ? " (the rules define no query)" : ` (queries: ${known.join(", ")})`}`);
    }
    return q;
  });
  const used = new Set(queries.flatMap((q) => q.params.map((p) => p.replace(/^\?/, ""))));
  for (const name of Object.keys(params)) if (!used.has(name)) throw usage(`--param ${name} is not a parameter of ${queries.length === 0 ? "any --query" : queries.map((q) => q.name).join(", ")}`);
  for (const q of queries) {
    const missing = q.params.map((p) => p.replace(/^\?/, "")).filter((p) => !(p in params));
    if (missing.length > 0) throw usage(`query ${q.name} needs ${missing.map((m) => `--param ${m}=...`).join(" ")}`);
  }

  const schema = opts.schema === undefined ? undefined : loadSchema(resolve(io.cwd, opts.schema));
  const trace: Firing[] = [];
  const listener: Listener = { fired: (rule, bindings) => void trace.push({ rule, bindings }) };
  let session: Session = createSession({
    rules: loaded.productions,
    ...(schema === undefined ? {} : { schema: schema as SchemaInput }),
    options: {
      ...(opts.preset === undefined ? {} : { store: { preset: opts.preset } }),
      ...(Object.keys(loaded.functions).length === 0 ? {} : { functions: loaded.functions }),
    },
  });
  const fireOptions = opts.trace === true ? { listener } : {};
  let firings = 0;
  if (opts.facts.length === 0) {
    session = session.fire(fireOptions);
    firings += session.lastFire?.firings ?? 0;
  }
  for (const f of opts.facts) {
    session = session.transact(loadFixture(resolve(io.cwd, f))).fire(fireOptions);
    firings += session.lastFire?.firings ?? 0;
  }

  const entities = sortedEntities(session.entities());
  const results = queries.map((q) => {
    const own = Object.fromEntries(q.params.map((p) => p.replace(/^\?/, "")).map((p) => [p, params[p]]));
    return { name: q.name, params: own, rows: session.query(q.name, own) };
  });
  if (format === "json") {
    io.stdout.write(
      jsonText({
        ...(opts.trace === true ? { trace: trace.map((t) => ({ rule: t.rule, bindings: t.bindings })) } : {}),
        ...(queries.length > 0 ? { queries: Object.fromEntries(results.map((r) => [r.name, r.rows])) } : { entities }),
        firings,
      }),
    );
    return EXIT.ok;
  }
  const out: string[] = [];
  if (opts.trace === true) {
    out.push(`trace: ${trace.length} firing(s)`);
    trace.forEach((t, i) => out.push(`  ${String(i + 1).padStart(3)}  ${t.rule}  ${formatData(t.bindings)}`));
    out.push("");
  }
  if (queries.length === 0) {
    out.push(`${entities.length} entities, ${firings} firing(s)`, entitiesTable(entities));
  }
  for (const r of results) {
    const p = Object.keys(r.params).length === 0 ? "" : ` ${formatData(r.params)}`;
    out.push(`query ${r.name}${p}: ${r.rows.length} row(s)`);
    if (r.rows.length > 0) out.push(rowsTable(r.rows));
    out.push("");
  }
  io.stdout.write(`${out.join("\n").trimEnd()}\n`);
  return EXIT.ok;
}
