// Layering check (STYLE.md "Imports flow one way"): fails on an import cycle between files under
// src/, or on an import from a layer that is not allowed to see the target layer.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");

// layer -> layers it may import (besides itself). "errors" is the shared error module.
const allowed = {
  errors: [],
  eav: ["errors"],
  store: ["eav", "errors"],
  rules: ["eav", "errors"],
  session: ["store", "rules", "eav", "errors"],
  dsl: ["rules-spec", "eav", "errors"],
  cli: ["index", "session", "store", "rules", "dsl", "eav", "errors", "testing", "fixtures"],
  testing: ["index", "session", "store", "rules", "dsl", "eav", "errors", "fixtures"],
  fixtures: ["session", "store", "rules", "dsl", "eav", "errors"],
  index: ["session", "store", "rules", "dsl", "eav", "errors"],
};

function layerOf(file) {
  const rel = relative(src, file).replace(/\\/g, "/");
  if (rel === "errors.ts") return "errors";
  if (rel === "index.ts") return "index";
  if (rel === "testing.ts" || rel.startsWith("testing/")) return "testing";
  const top = rel.split("/")[0];
  if (top === "rules" && /^rules\/(spec|signatures)\.ts$/.test(rel)) return "rules-spec";
  return top;
}
function allowedFrom(from, to) {
  if (from === to) return true;
  if (from === "rules-spec" || from === "rules") return to === "rules-spec" || to === "rules" || allowed.rules.includes(to);
  const list = allowed[from] ?? [];
  if (list.includes(to)) return true;
  // importing rules/spec.ts counts as importing "rules" for layers allowed to see rules
  return to === "rules-spec" && list.includes("rules");
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

const files = walk(src);
const graph = new Map();
const problems = [];
const importRe = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/g;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const deps = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1];
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
    deps.push(target);
    const from = layerOf(file);
    const to = layerOf(target);
    if (!allowedFrom(from, to)) {
      problems.push(`${relative(root, file)}: layer "${from}" may not import "${relative(root, target)}" (layer "${to}")`);
    }
  }
  graph.set(file, deps);
}

// cycle detection (Tarjan-free DFS with colours); type-only imports count too: keep the graph a DAG.
const colour = new Map();
const stack = [];
function visit(f) {
  colour.set(f, 1);
  stack.push(f);
  for (const d of graph.get(f) ?? []) {
    if (!graph.has(d)) continue;
    const c = colour.get(d) ?? 0;
    if (c === 1) {
      const cycle = stack.slice(stack.indexOf(d)).concat(d).map((x) => relative(root, x));
      problems.push(`import cycle: ${cycle.join(" -> ")}`);
    } else if (c === 0) visit(d);
  }
  stack.pop();
  colour.set(f, 2);
}
for (const f of files) if (!colour.has(f)) visit(f);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`layers: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`layers: ${files.length} files, no cycles, no upward imports`);
