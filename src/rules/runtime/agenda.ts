/**
 * The agenda: pending activations in firing order. Salience (higher first), then the rule's load
 * order (earlier first), then recency (the newest activation first, as OPS5/CLIPS depth strategy:
 * it keeps Miss Manners linear).
 *
 * Layout: one stack per (salience, production) group, and a small binary heap of the groups. Within
 * a group only recency orders, and activations are created (and pushed) in increasing id order, so
 * the newest is on top: push and pop are O(1), and only the few groups are heap-ordered. Why: Manners
 * pushes millions of activations and cancels almost all of them; a heap of activations paid a
 * sift-up to the root per push (the newest goes first) and a sift-down per pop. Cancelling is lazy
 * (O(1)): a cancelled activation stays in its stack and is skipped when popped; a stack that is
 * more than half dead is compacted (O(n), amortised O(1) per cancellation).
 *
 * The agenda never outlives a fire: `fire()` runs to a fixpoint (or throws and rolls back), so it
 * needs no journal.
 */
import type { Activation } from "./memory.js";
import { objectArray } from "./arrays.js";

/** The activations of one (salience, production), oldest first (the top is the newest). */
class Group {
  readonly items: Activation[] = objectArray();
  /** Cancelled activations still in `items`. */
  dead = 0;
  /** In the heap of groups (an emptied group stays there until a pop finds it empty). */
  queued = false;
  constructor(
    readonly salience: number,
    readonly production: number,
  ) {}
}

/** The group `a` fires before `b`: higher salience, then earlier production. */
function before(a: Group, b: Group): boolean {
  if (a.salience !== b.salience) return a.salience > b.salience;
  return a.production < b.production;
}

/** A priority queue of activations. Mutable; lives inside one fire. */
export class Agenda {
  private readonly heap: Group[] = objectArray();
  /** production -> salience -> group. */
  private readonly groups = new Map<number, Map<number, Group>>();
  /** The group used last: activations come in runs of one rule. */
  private last: Group | null = null;

  private groupOf(a: Activation): Group {
    const last = this.last;
    if (last !== null && last.production === a.production && Object.is(last.salience, a.salience)) return last;
    let bySalience = this.groups.get(a.production);
    if (bySalience === undefined) this.groups.set(a.production, (bySalience = new Map()));
    let g = bySalience.get(a.salience);
    if (g === undefined) bySalience.set(a.salience, (g = new Group(a.salience, a.production)));
    this.last = g;
    return g;
  }

  /** Adds an activation. */
  push(a: Activation): void {
    const g = this.groupOf(a);
    const items = g.items;
    // ids only grow within a fire, so this loop never runs in practice; it keeps the order exact
    let i = items.length;
    items.push(a);
    while (i > 0 && (items[i - 1] as Activation).id > a.id) {
      items[i] = items[i - 1] as Activation;
      i--;
    }
    items[i] = a;
    if (!g.queued) {
      g.queued = true;
      this.heapPush(g);
    }
  }

  /**
   * Notes that `a`, pending in the agenda, was cancelled. A group more than half dead is compacted.
   */
  cancelled(a: Activation): void {
    const g = this.groupOf(a);
    g.dead++;
    const items = g.items;
    if (g.dead > 64 && g.dead * 2 > items.length) {
      let n = 0;
      for (let i = 0; i < items.length; i++) {
        const x = items[i] as Activation;
        if (x.state === "pending") items[n++] = x;
      }
      items.length = n;
      g.dead = 0;
    }
  }

  /** Removes and returns the next pending activation, skipping cancelled ones; undefined when empty. */
  pop(): Activation | undefined {
    const h = this.heap;
    while (h.length > 0) {
      const g = h[0] as Group;
      const items = g.items;
      while (items.length > 0) {
        const a = items.pop() as Activation;
        if (a.state === "pending") return a;
        g.dead--;
      }
      g.queued = false;
      this.heapPop();
    }
    return undefined;
  }

  private heapPush(g: Group): void {
    const h = this.heap;
    let i = h.length;
    h.push(g);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pg = h[p] as Group;
      if (!before(g, pg)) break;
      h[i] = pg;
      i = p;
    }
    h[i] = g;
  }

  private heapPop(): void {
    const h = this.heap;
    const last = h.pop() as Group;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r] as Group, h[l] as Group) ? r : l;
      if (!before(h[c] as Group, last)) break;
      h[i] = h[c] as Group;
      i = c;
    }
    h[i] = last;
  }
}
