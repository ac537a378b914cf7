/**
 * An accumulator whose `from` pattern has variables bound nowhere before it: as in Clara, they
 * bind, and each parent token gets one result per distinct tuple of their values
 * (`[?todo <- (entity) :from [?e]]` gives one entity map per `?e`). Its tokens' value is the tuple
 * `[result, ...group values]`, read by index ({@link VarLoc.index}).
 *
 * Groups change incrementally and only the changed groups are re-derived when the fire settles:
 * a change to one entity re-derives one entity map, not all of them.
 */
import { equals } from "../expr.js";
import type { AnyAccumulator } from "../accumulators.js";
import { jdelete, jset } from "./journal.js";
import { type Bucket, bucketAdd, bucketItems, bucketRemove, type FactEntry, type Token } from "./memory.js";
import { tupleKey } from "./keys.js";
import { KeyMap } from "./keymap.js";
import { BetaNode, type Rt, type VarLoc } from "./nodes.js";

interface Group {
  readonly id: number;
  readonly n: number;
  readonly acc: unknown;
  /** The group variables' values. */
  readonly values: readonly unknown[];
}

interface GroupedMem {
  readonly left: KeyMap<Bucket<Token>>;
  /** join key -> group key -> group. */
  readonly groups: Map<unknown, Map<unknown, Group>>;
  /** parent token -> group key -> its output token. */
  readonly outputs: Map<Token, Map<unknown, Token>>;
}

/** A grouped accumulator node. */
export class GroupedAccumulateNode extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly leftLocs: readonly VarLoc[],
    readonly rightFields: readonly string[],
    readonly accumulator: AnyAccumulator,
    readonly unifyWith: VarLoc | null,
    /** The fields (null: the whole fact) holding the group variables, in their order. */
    readonly groupFields: readonly (string | null)[],
  ) {
    super(id, level, usedBy);
  }
  createMemory(): GroupedMem {
    return { left: new KeyMap(), groups: new Map(), outputs: new Map() };
  }
  private groupValues(rt: Rt, fact: unknown): unknown[] {
    return this.groupFields.map((f) => (f === null ? fact : rt.field(fact, f)));
  }
  leftAdd(rt: Rt, t: Token): void {
    const m = rt.mem[this.id] as GroupedMem;
    const k = rt.leftKey(t, this.level - 1, this.leftLocs);
    bucketAdd(rt.j, m.left, k, t);
    const groups = m.groups.get(k);
    if (groups === undefined) return;
    const outs = new Map<unknown, Token>();
    jset(rt.j, m.outputs, t, outs);
    for (const [gk, g] of [...groups].sort((x, y) => x[1].id - y[1].id)) this.emitGroup(rt, t, outs, gk, g);
  }
  leftRemove(rt: Rt, t: Token): void {
    const m = rt.mem[this.id] as GroupedMem;
    bucketRemove(rt.j, m.left, rt.leftKey(t, this.level - 1, this.leftLocs), t);
    jdelete(rt.j, m.outputs, t);
  }
  override rightAdd(rt: Rt, e: FactEntry): void {
    this.change(rt, e, 1);
  }
  override rightRemove(rt: Rt, e: FactEntry): void {
    this.change(rt, e, -1);
  }
  private change(rt: Rt, e: FactEntry, delta: 1 | -1): void {
    const m = rt.mem[this.id] as GroupedMem;
    const k = rt.rightKey(e.fact, this.rightFields);
    const values = this.groupValues(rt, e.fact);
    const gk = tupleKey(values);
    let groups = m.groups.get(k);
    if (groups === undefined) {
      if (delta < 0) return;
      jset(rt.j, m.groups, k, (groups = new Map()));
    }
    const g = groups.get(gk);
    const acc = this.accumulator;
    if (delta > 0) {
      const next = rt.guard(this, null, () => acc.reduce(g === undefined ? acc.initial() : g.acc, e.fact));
      jset(rt.j, groups, gk, { id: g?.id ?? rt.nextId(), n: (g?.n ?? 0) + 1, acc: next, values: g?.values ?? values });
    } else {
      if (g === undefined) return;
      if (g.n <= 1) jdelete(rt.j, groups, gk);
      else jset(rt.j, groups, gk, { ...g, n: g.n - 1, acc: rt.guard(this, null, () => acc.retract(g.acc, e.fact)) });
    }
    rt.markDirty(this, k, gk);
  }
  flush(rt: Rt, k: unknown, changed: ReadonlySet<unknown> | null): void {
    const m = rt.mem[this.id] as GroupedMem;
    const tokens = bucketItems(m.left.get(k));
    if (tokens.length === 0 || changed === null) return;
    const groups = m.groups.get(k);
    for (const gk of changed) {
      const g = groups?.get(gk);
      const result = g === undefined ? undefined : rt.guard(this, null, () => this.accumulator.convert(g.acc));
      for (const t of tokens) {
        let outs = m.outputs.get(t);
        const old = outs?.get(gk);
        if (old !== undefined) {
          if (g !== undefined && equals((old.data as readonly unknown[])[0], result)) continue;
          jdelete(rt.j, outs as Map<unknown, Token>, gk);
          rt.removeToken(old);
        }
        if (g === undefined) continue;
        if (outs === undefined) jset(rt.j, m.outputs, t, (outs = new Map()));
        this.emitResult(rt, t, outs, gk, g, result);
      }
    }
  }
  private emitGroup(rt: Rt, t: Token, outs: Map<unknown, Token>, gk: unknown, g: Group): void {
    this.emitResult(rt, t, outs, gk, g, rt.guard(this, t, () => this.accumulator.convert(g.acc)));
  }
  private emitResult(rt: Rt, t: Token, outs: Map<unknown, Token>, gk: unknown, g: Group, result: unknown): void {
    if (this.unifyWith !== null && !equals(rt.valueAt(t, this.level - 1, this.unifyWith), result)) return;
    jset(rt.j, outs, gk, rt.emit(this, t, [result, ...g.values], null));
  }
}
