/**
 * String internalization for the names the store and the engine look up on every fact.
 */

/**
 * The internalized copy of `s`: the one string V8 keeps per distinct content (an object's property
 * names are internalized). Pure; returns a string equal to `s`.
 *
 * Why: names read from rule files and EDN (keywords, attributes) are slices of the source text.
 * Looking such a string up in a Map whose key is an equal literal, or comparing it with one,
 * compares contents (`String::SlowEquals`, a runtime call for a slice); two internalized strings
 * compare by address. Measured on the join workload (issue 7, callgrind): about 350 instructions
 * per change of the session's update went to such comparisons.
 * @example intern(text.slice(1, 15)) === "order/customer" // true, and compared by address
 */
export function intern(s: string): string {
  // no prototype: "__proto__" is then an ordinary key
  const o = Object.create(null) as Record<string, 0>;
  o[s] = 0;
  for (const k in o) return k;
  return s;
}
