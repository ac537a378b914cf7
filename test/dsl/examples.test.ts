// The example rule sets (examples/*/*.rules) parse, and survive text -> spec -> text -> spec.
// A sibling functions.ts exporting `functions` supplies the host functions a rule set calls.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRules, parseRules } from "../../src/dsl/index.js";
import type { HostFunction } from "../../src/rules/spec.js";
import { withoutSource } from "./helpers.js";

const root = join(import.meta.dirname, "../../examples");
const files = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith(".rules")).map((f) => join(d.name, f)))
      .sort()
  : [];

async function functionsFor(file: string): Promise<Readonly<Record<string, HostFunction>>> {
  const path = join(root, file, "..", "functions.ts");
  if (!existsSync(path)) return {};
  const mod = (await import(path)) as { functions?: Readonly<Record<string, HostFunction>> };
  return mod.functions ?? {};
}

describe.runIf(files.length > 0)("example rule sets", () => {
  it.each(files)("%s parses and round-trips", async (file) => {
    const functions = await functionsFor(file);
    const specs = parseRules(readFileSync(join(root, file), "utf8"), { file, functions });
    expect(specs.length).toBeGreaterThan(0);
    const again = parseRules(formatRules(specs), { functions });
    expect(withoutSource(again)).toEqual(withoutSource(specs));
  });
});
