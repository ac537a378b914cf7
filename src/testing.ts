/**
 * The ruleset test harness, for use inside vitest (or any test runner):
 * `import { runSpec, assertSpec, v, any, ref, tempid, set } from "clara-eav-ts/testing"`.
 *
 * A spec names rules and a schema, then cases: steps (transactions, fired after each) and
 * expectations (query rows, entities, firing counts, or an error code), compared independently of
 * eid numbering and row order. The format is documented in docs/FIXTURES.md.
 */
import { EavError } from "./errors.js";
import {
  ANY,
  Placeholder,
  RefMarker,
  TempidMarker,
  Unordered,
  formatReport,
  runSpec,
  type RunSpecOptions,
  type SpecInput,
  type SpecResult,
} from "./fixtures/index.js";

export {
  runSpec,
  formatReport,
  junitXml,
  loadFixture,
  loadSchema,
  parseFixture,
  parseSchema,
  type SpecResult,
  type CaseResult,
  type RunSpecOptions,
  type SpecInput,
  type CaseInput,
  type StepInput,
  type ExpectInput,
  type QueryExpectation,
  type SpecOutcome,
} from "./fixtures/index.js";

/**
 * Runs a spec and throws an `Error` (code `cli/spec-failed`) whose message is the readable report
 * of the failing cases, so that a test runner shows the diffs. Returns the result when every case
 * passed. Reads files; changes nothing else.
 * @example it("orders", async () => { await assertSpec("examples/orders/orders.spec.edn"); });
 */
export async function assertSpec(spec: string | SpecInput, options: RunSpecOptions = {}): Promise<SpecResult> {
  const result = await runSpec(spec, options);
  if (result.failed > 0) {
    const report = formatReport([{ kind: "result", ...result }]).filter((l) => !l.startsWith("PASS ") && !l.startsWith("SKIP "));
    throw new EavError("cli/spec-failed", report.join("\n"), { spec: result.name, failed: result.failed, passed: result.passed });
  }
  return result;
}

/**
 * A placeholder (`?name` in spec files): matches any value, the same placeholder the same value
 * across a case's expectations, two placeholders never the same value.
 * @example rows: [{ o: v("order"), total: 1080 }]
 */
export function v(name: string): Placeholder {
  return new Placeholder(name.replace(/^\?/, ""));
}

/** Matches anything (`_` in spec files). @example rows: [{ o: any, sku: "PEN" }] */
export const any = ANY;

/**
 * The eid of the entity whose unique `attribute` has `value`, looked up after the steps ran
 * (`#ref [:attr value]` in spec files).
 * @example entities: [{ "eav/eid": ref("order/id", "A1"), "order/status": kw("status/approved") }]
 */
export function ref(attribute: string, value: unknown): RefMarker {
  return new RefMarker(attribute.replace(/^:/, ""), value);
}

/** The eid a step's tempid resolved to (`#tempid "x"` in spec files). @example ref: tempid("kid") */
export function tempid(id: string | number): TempidMarker {
  return new TempidMarker(id);
}

/** A collection compared without order (`#{...}` in spec files). @example reasons: set([kw("a"), kw("b")]) */
export function set(items: readonly unknown[]): Unordered {
  return new Unordered(items);
}
