/**
 * The agenda: pending activations in firing order. Salience (higher first), then the rule's load
 * order (earlier first), then recency (the newest activation first, as OPS5/CLIPS depth strategy:
 * it keeps Miss Manners linear). A binary heap with lazy deletion: a cancelled activation stays in
 * the heap and is skipped when popped, so cancelling is O(1).
 *
 * The agenda never outlives a fire: `fire()` runs to a fixpoint (or throws and rolls back), so it
 * needs no journal.
 */
import type { Activation } from "./memory.js";

function before(a: Activation, b: Activation): boolean {
  if (a.salience !== b.salience) return a.salience > b.salience;
  if (a.production !== b.production) return a.production < b.production;
  return a.id > b.id;
}

/** A priority queue of activations. Mutable; lives inside one fire. */
export class Agenda {
  private heap: Activation[] = [];
  /** Cancelled activations still in the heap. */
  private dead = 0;

  /**
   * Notes that an activation in the heap was cancelled. When more than half the heap is dead it is
   * rebuilt without them (O(n), amortised O(1) per cancellation). Why: Manners cancels almost every
   * activation it creates; popping each dead one cost a sift-down, and the heap grew with them.
   */
  cancelled(): void {
    this.dead++;
    if (this.dead > 64 && this.dead * 2 > this.heap.length) {
      const live = this.heap.filter((a) => a.state === "pending");
      this.heap = [];
      this.dead = 0;
      for (const a of live) this.push(a);
    }
  }

  /** Adds an activation. */
  push(a: Activation): void {
    const h = this.heap;
    let i = h.length;
    h.push(a);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pa = h[p] as Activation;
      if (!before(a, pa)) break;
      h[i] = pa;
      i = p;
    }
    h[i] = a;
  }

  /** Removes and returns the next pending activation, skipping cancelled ones; undefined when empty. */
  pop(): Activation | undefined {
    const h = this.heap;
    while (h.length > 0) {
      const top = h[0] as Activation;
      const last = h.pop() as Activation;
      if (h.length > 0) {
        let i = 0;
        const n = h.length;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= n) break;
          const r = l + 1;
          const c = r < n && before(h[r] as Activation, h[l] as Activation) ? r : l;
          if (!before(h[c] as Activation, last)) break;
          h[i] = h[c] as Activation;
          i = c;
        }
        h[i] = last;
      }
      if (top.state === "pending") return top;
      this.dead--;
    }
    return undefined;
  }
}
