/**
 * String internalization for the strings a compiled network compares on the hot path.
 */

/**
 * The internalized copy of `s`: the one string V8 keeps per distinct content (an object's property
 * names are internalized). Pure; returns a string equal to `s`.
 *
 * Why: attribute names and constants in rule data come from the DSL as slices of the rule text.
 * Comparing such a string with an equal string from the facts (a Map lookup by attribute, an alpha
 * test) compares contents, through a runtime call for a sliced string; two internalized strings
 * compare by address. Measured on the join workload (issue 7): the alpha type lookups and
 * working-memory reads by a parsed attribute were ~300 instructions per change in
 * `String::SlowEquals` and `Runtime_StringEqual` (callgrind).
 * @example intern(text.slice(1, 15)) === "order/customer" // true, and compared by address
 */
export function intern(s: string): string {
  // no prototype: "__proto__" is then an ordinary key
  const o = Object.create(null) as Record<string, 0>;
  o[s] = 0;
  for (const k in o) return k;
  return s;
}
