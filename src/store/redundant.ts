/**
 * Which redundant adds a transaction reports (`TxOptions.redundantFor`), asked once per redundant
 * add by the front ends that build an attempt (run.ts) or stream (stream.ts).
 */
import type { Attribute } from "../eav/index.js";

/**
 * The answer for the attribute asked last is kept: a caller's identity upserts re-assert their
 * identity value in every map, and each asked the Set (issue 7). Mutable; one per transaction.
 * @example new RedundantFilter(new Set(["a/b"])).collects("a/b") // true
 */
export class RedundantFilter {
  /** The attribute asked last ("" at first: a string, so the comparison stays a string comparison)... */
  private attr: Attribute = "";
  /** ...and its answer. */
  private answer = false;

  /** `only`: the attributes whose redundant adds are reported; `undefined`: all of them. */
  constructor(private readonly only: ReadonlySet<Attribute> | undefined) {}

  /** True when the redundant adds of attribute `a` are reported. */
  collects(a: Attribute): boolean {
    const only = this.only;
    if (only === undefined) return true;
    if (a !== this.attr) {
      this.attr = a;
      this.answer = only.has(a);
    }
    return this.answer;
  }
}
