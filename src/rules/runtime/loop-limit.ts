/**
 * The `rules/loop-limit` error: which rules kept re-firing, and the cycle between them, read off
 * the most recent firings.
 */
import { EavError } from "../../errors.js";

/**
 * Builds the error for a fire that exceeded `max` firings. `recent` holds the latest firings' rule
 * names, oldest first. The cycle is the shortest period that repeats over the whole window.
 */
export function loopLimitError(max: number, recent: readonly string[], firings: ReadonlyMap<string, number>): EavError {
  const cycle = shortestPeriod(recent);
  const counts = new Map<string, number>();
  for (const r of recent) counts.set(r, (counts.get(r) ?? 0) + 1);
  const rules = [...new Set(cycle)].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b));
  const path = cycle.length === 0 ? "none" : cycle.length === 1 ? `${cycle[0]} -> ${cycle[0]}` : [...cycle, cycle[0]].join(" -> ");
  return new EavError(
    "rules/loop-limit",
    `fire stopped after ${max} firings: ${rules.join(", ")} kept re-firing (cycle: ${path}). ` +
      "Break the cycle: make an action falsify its own conditions (a `not` on what it inserts), use noLoop, or raise maxFirings if the work is genuinely this large.",
    { limit: max, rules, cycle, firings: Object.fromEntries(firings) },
  );
}

function shortestPeriod(xs: readonly string[]): string[] {
  const n = xs.length;
  for (let p = 1; p <= n / 2; p++) {
    let ok = true;
    for (let i = n - 1; i >= p && ok; i--) if (xs[i] !== xs[i - p]) ok = false;
    if (ok) return rotate(xs.slice(n - p), xs);
  }
  return [...new Set(xs)];
}

/** Starts the cycle at the rule that fired first in the window, for a stable message. */
function rotate(cycle: string[], window: readonly string[]): string[] {
  const first = window.findIndex((r) => cycle.includes(r));
  const start = first < 0 ? 0 : cycle.indexOf(window[first] as string);
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
