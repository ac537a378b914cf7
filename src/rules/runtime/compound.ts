/**
 * Nodes over groups of matches: `not`/`exists` of a conjunction (a sub-network and its partner) and
 * accumulators. Memories live in the session state and change only through journaled helpers.
 */
import { jdelete, jset } from "./journal.js";
import { type Bucket, bucketAdd, bucketItems, bucketRemove, childAt, type FactEntry, type Token } from "./memory.js";
import { KeyMap } from "./keymap.js";
import { BetaNode, negCountDown, negCountUp, negLeftAdd, type NegMem, type Rt, type VarLoc } from "./nodes.js";
import type { AnyAccumulator } from "../accumulators.js";
import { equals } from "../expr.js";

interface NccMem {
  /** Per parent token ("owner"): how many matches of the negated conjunction it has. */
  readonly count: Map<Token, number>;
}

/**
 * `not` (or `exists`) of a conjunction. The conjunction is compiled as a sub-network under the
 * same parent, ending in an {@link NccPartner} that counts each owner's matches. The sub-network is
 * created before this node, so it sees each owner first and the count is known when the owner
 * arrives here (Doorenbos's ordering; tested in negation.test.ts "not of a conjunction").
 */
export class NccNode extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly exists: boolean,
  ) {
    super(id, level, usedBy);
  }
  createMemory(): NccMem {
    return { count: new Map() };
  }
  leftAdd(rt: Rt, t: Token): void {
    const m = rt.mem[this.id] as NccMem;
    let c = m.count.get(t);
    if (c === undefined) jset(rt.j, m.count, t, (c = 0));
    if (c > 0 === this.exists) rt.emit(this, t, null, null);
  }
  leftRemove(rt: Rt, t: Token): void {
    // deleting the owner's count first makes the partner ignore the sub-network tokens removed after
    jdelete(rt.j, (rt.mem[this.id] as NccMem).count, t);
  }
}

/** The end of an NCC sub-network: counts matches per owner and flips the NCC node's output. */
export class NccPartner extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly ncc: NccNode,
  ) {
    super(id, level, usedBy);
  }
  createMemory(): null {
    return null;
  }
  private owner(t: Token): Token {
    let o = t;
    for (let l = this.level - 1; l > this.ncc.level - 1; l--) o = o.parent as Token;
    return o;
  }
  leftAdd(rt: Rt, t: Token): void {
    const m = rt.mem[this.ncc.id] as NccMem;
    const o = this.owner(t);
    const c = m.count.get(o);
    jset(rt.j, m.count, o, (c ?? 0) + 1);
    if (c !== 0) return; // undefined: the owner has not reached the NCC node yet; >0: no change
    if (this.ncc.exists) rt.emit(this.ncc, o, null, null);
    else {
      const out = childAt(o, this.ncc.id);
      if (out !== null) rt.removeToken(out);
    }
  }
  leftRemove(rt: Rt, t: Token): void {
    const m = rt.mem[this.ncc.id] as NccMem;
    const o = this.owner(t);
    const c = m.count.get(o);
    if (c === undefined) return; // the owner itself is going away
    jset(rt.j, m.count, o, c - 1);
    if (c !== 1) return;
    if (this.ncc.exists) {
      const out = childAt(o, this.ncc.id);
      if (out !== null) rt.removeToken(out);
    } else rt.emit(this.ncc, o, null, null);
  }
}


/**
 * `not` (or `exists`) of a conjunction compiled independently of the outer match (see the
 * compiler's `unnested`): parent tokens pass while no (resp. some) token of the conjunction's own
 * chain shares their key. Only counts per key are kept.
 */
export class BetaNegationNode extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly leftLocs: readonly VarLoc[],
    /** The shared variables in the conjunction's tokens. */
    readonly rightLocs: readonly VarLoc[],
    /** Level of the conjunction's last tokens. */
    readonly rightLevel: number,
    readonly exists: boolean,
  ) {
    super(id, level, usedBy);
  }
  createMemory(): NegMem {
    return { left: new KeyMap(), count: new Map() };
  }
  leftAdd(rt: Rt, t: Token): void {
    negLeftAdd(rt, this, rt.mem[this.id] as NegMem, rt.leftKey(t, this.level - 1, this.leftLocs), t);
  }
  leftRemove(rt: Rt, t: Token): void {
    bucketRemove(rt.j, (rt.mem[this.id] as NegMem).left, rt.leftKey(t, this.level - 1, this.leftLocs), t);
  }
  /** A token of the conjunction arrived. */
  tokenAdd(rt: Rt, t: Token): void {
    negCountUp(rt, this, rt.mem[this.id] as NegMem, rt.leftKey(t, this.rightLevel, this.rightLocs));
  }
  /** A token of the conjunction is going away. */
  tokenRemove(rt: Rt, t: Token): void {
    negCountDown(rt, this, rt.mem[this.id] as NegMem, rt.leftKey(t, this.rightLevel, this.rightLocs));
  }
}

/** The end of an unnested conjunction: hands its tokens to the {@link BetaNegationNode}. */
export class NegationFeed extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly target: BetaNegationNode,
  ) {
    super(id, level, usedBy);
  }
  createMemory(): null {
    return null;
  }
  leftAdd(rt: Rt, t: Token): void {
    this.target.tokenAdd(rt, t);
  }
  leftRemove(rt: Rt, t: Token): void {
    this.target.tokenRemove(rt, t);
  }
}

/** One group's accumulation: how many facts, and the accumulated value. */
interface Group {
  readonly n: number;
  readonly acc: unknown;
}

interface AccMem {
  readonly left: KeyMap<Bucket<Token>>;
  readonly groups: Map<unknown, Group>;
}

/**
 * An accumulator over the facts of a pattern, grouped by the variables the pattern shares with
 * earlier conditions: each parent token gets the result of its group. Facts update the group
 * incrementally (reduce / retract); results propagate once per settled batch (see engine.ts
 * `settle`), so a thousand inserts into one group produce one new result, not a thousand.
 */
export class AccumulateNode extends BetaNode {
  constructor(
    id: number,
    level: number,
    usedBy: string[],
    readonly leftLocs: readonly VarLoc[],
    readonly rightFields: readonly string[],
    readonly accumulator: AnyAccumulator,
    /** The result variable when it was bound earlier: the result must equal it. */
    readonly unifyWith: VarLoc | null,
  ) {
    super(id, level, usedBy);
  }
  createMemory(): AccMem {
    return { left: new KeyMap(), groups: new Map() };
  }
  leftAdd(rt: Rt, t: Token): void {
    const m = rt.mem[this.id] as AccMem;
    const k = rt.leftKey(t, this.level - 1, this.leftLocs);
    bucketAdd(rt.j, m.left, k, t);
    const g = m.groups.get(k);
    if (g === undefined && this.accumulator.emptyMatches === false) return;
    const result = rt.guard(this, t, () => this.accumulator.convert(g === undefined ? this.accumulator.initial() : g.acc));
    this.emitResult(rt, t, result);
  }
  leftRemove(rt: Rt, t: Token): void {
    const m = rt.mem[this.id] as AccMem;
    bucketRemove(rt.j, m.left, rt.leftKey(t, this.level - 1, this.leftLocs), t);
  }
  override rightAdd(rt: Rt, e: FactEntry): void {
    const m = rt.mem[this.id] as AccMem;
    const k = rt.rightKey(e.fact, this.rightFields);
    const g = m.groups.get(k);
    const acc = rt.guard(this, null, () => this.accumulator.reduce(g === undefined ? this.accumulator.initial() : g.acc, e.fact));
    jset(rt.j, m.groups, k, { n: (g?.n ?? 0) + 1, acc });
    rt.markDirty(this, k);
  }
  override rightRemove(rt: Rt, e: FactEntry): void {
    const m = rt.mem[this.id] as AccMem;
    const k = rt.rightKey(e.fact, this.rightFields);
    const g = m.groups.get(k);
    if (g === undefined) return;
    if (g.n <= 1) jdelete(rt.j, m.groups, k);
    else jset(rt.j, m.groups, k, { n: g.n - 1, acc: rt.guard(this, null, () => this.accumulator.retract(g.acc, e.fact)) });
    rt.markDirty(this, k);
  }
  /** Re-derives the result of group `k` for its parent tokens, replacing changed results. */
  flush(rt: Rt, k: unknown, _groups: ReadonlySet<unknown> | null): void {
    const m = rt.mem[this.id] as AccMem;
    const tokens = bucketItems(m.left.get(k));
    if (tokens.length === 0) return;
    const g = m.groups.get(k);
    const has = g !== undefined || this.accumulator.emptyMatches !== false;
    const result = has ? rt.guard(this, null, () => this.accumulator.convert(g === undefined ? this.accumulator.initial() : g.acc)) : undefined;
    for (const t of tokens) {
      const old = childAt(t, this.id);
      if (old !== null) {
        if (has && equals(old.value, result)) continue;
        rt.removeToken(old);
      }
      if (has) this.emitResult(rt, t, result);
    }
  }
  private emitResult(rt: Rt, t: Token, result: unknown): void {
    if (this.unifyWith !== null && !equals(rt.valueAt(t, this.level - 1, this.unifyWith), result)) return;
    rt.emit(this, t, result, null);
  }
}
