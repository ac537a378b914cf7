// Golden files: each test/dsl/golden/NAME.rules beside NAME.json (its rule data in the JSON form
// of src/dsl/json.ts), and each golden/errors/NAME.rules beside NAME.txt (the error's code on the
// first line, then its exact message). Regenerate with UPDATE_GOLDEN=1 and review the diff.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRules, loadRules, parseRules, specsToJsonText } from "../../src/dsl/index.js";
import { isEavError } from "../../src/errors.js";
import { GOLDEN_FUNCTIONS } from "./helpers.js";

const dir = join(import.meta.dirname, "golden");
const errorsDir = join(dir, "errors");
const update = process.env.UPDATE_GOLDEN === "1";


const rulesFiles = readdirSync(dir).filter((f) => f.endsWith(".rules")).sort();
const errorFiles = readdirSync(errorsDir).filter((f) => f.endsWith(".rules")).sort();

function check(expectedPath: string, actual: string): void {
  if (update || !existsSync(expectedPath)) {
    if (!update) throw new Error(`missing golden file ${expectedPath}: run with UPDATE_GOLDEN=1`);
    writeFileSync(expectedPath, actual);
  }
  expect(actual).toBe(readFileSync(expectedPath, "utf8"));
}

describe("golden rule files", () => {
  it("there are golden files to check", () => {
    expect(rulesFiles.length).toBeGreaterThanOrEqual(4);
    expect(errorFiles.length).toBeGreaterThanOrEqual(12);
  });

  it.each(rulesFiles)("%s parses to its .json", (name) => {
    const specs = parseRules(readFileSync(join(dir, name), "utf8"), { file: name, functions: GOLDEN_FUNCTIONS });
    check(join(dir, name.replace(/\.rules$/, ".json")), specsToJsonText(specs));
  });

  it.each(rulesFiles)("%s loads from its path to the same specs", (name) => {
    const path = join(dir, name);
    const loaded = loadRules(path, { functions: GOLDEN_FUNCTIONS });
    expect(loaded.map((s) => s.source?.file)).toEqual(loaded.map(() => path));
    expect(specsToJsonText(loaded)).toBe(specsToJsonText(parseRules(readFileSync(path, "utf8"), { file: path, functions: GOLDEN_FUNCTIONS })));
  });

  it.each(rulesFiles)("%s survives text -> spec -> text -> spec", (name) => {
    const first = parseRules(readFileSync(join(dir, name), "utf8"), { functions: GOLDEN_FUNCTIONS });
    const text = formatRules(first);
    const again = parseRules(text, { functions: GOLDEN_FUNCTIONS });
    expect(specsToJsonText(again.map(withoutSource))).toBe(specsToJsonText(first.map(withoutSource)));
    // The printed text is a fixpoint of format . parse.
    expect(formatRules(again)).toBe(text);
  });
});

describe("golden error fixtures", () => {
  it.each(errorFiles)("%s fails with its .txt", (name) => {
    let caught: unknown;
    try {
      parseRules(readFileSync(join(errorsDir, name), "utf8"), { file: name });
    } catch (e) {
      caught = e;
    }
    if (!isEavError(caught)) throw new Error(`${name} did not fail with an EavError: ${String(caught)}`);
    expect(caught.data).toMatchObject({ file: name });
    check(join(errorsDir, name.replace(/\.rules$/, ".txt")), `${caught.code}\n${caught.message}\n`);
  });
});

function withoutSource<T extends { source?: unknown }>(spec: T): Omit<T, "source"> {
  const { source: _source, ...rest } = spec;
  return rest;
}
