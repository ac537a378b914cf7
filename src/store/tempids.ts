/**
 * The tempids of one transaction attempt and the eids they resolved to. Literal tempids (strings,
 * negative numbers) and generated ones (entity maps without `eav/eid`) live in two tables: a load
 * has one generated tempid per map, and string lookups in one table holding them all measured 4x
 * slower (issue 7). Mutable; lives inside one `transactOps` call.
 */
import { GeneratedTempid, type Eid, type Tempid } from "../eav/index.js";

/** Tempid -> eid for one attempt. */
export class TempidTable {
  /**
   * Literal tempids and their eids (what a transaction's report lists), made on the first: most
   * of a fire's one-datom transactions have none, and a Map allocates its hash table.
   */
  private literals: Map<Tempid, Eid> | undefined = undefined;
  /**
   * Generated tempids by their number, with their eids in a parallel array: a load has one per
   * map, numbered densely in document order, and a Map keyed by the tempid objects cost an identity
   * hash and a hash-table entry each. The object is kept to tell apart equal numbers of separately
   * normalised batches; those, and numbers far past the end, go to `others`.
   */
  private genTempids: Array<GeneratedTempid | undefined> | undefined = undefined;
  private genEids: Array<Eid | undefined> | undefined = undefined;
  private others: Map<Tempid, Eid> | undefined = undefined;

  /** A table holding `seed`'s entries (a retry starts from the previous attempt's). */
  constructor(seed?: ReadonlyMap<Tempid, Eid>) {
    seed?.forEach((eid, t) => this.set(t, eid));
  }

  /** The eid of `t` so far, or undefined. Reads only. */
  get(t: Tempid): Eid | undefined {
    if (t instanceof GeneratedTempid) {
      if (this.genTempids?.[t.id] === t) return this.genEids![t.id];
      return this.others?.get(t);
    }
    return this.literals?.get(t);
  }

  /** True when a literal tempid has an eid. Reads only. */
  hasLiterals(): boolean {
    return this.literals !== undefined;
  }

  /** Calls `f` on each literal tempid and its eid. */
  forEachLiteral(f: (eid: Eid, t: Tempid) => void): void {
    this.literals?.forEach(f);
  }

  /** Mutates: `t` resolves to `eid`. */
  set(t: Tempid, eid: Eid): void {
    if (!(t instanceof GeneratedTempid)) {
      (this.literals ??= new Map()).set(t, eid);
      return;
    }
    const i = t.id;
    // made on the first (a fire's transactions have none)
    const genTempids = (this.genTempids ??= []);
    const genEids = (this.genEids ??= []);
    const held = genTempids[i];
    // dense while numbers come roughly in order (a few holes are fine, a far one would make a sparse array)
    if (held === t || (held === undefined && Number.isInteger(i) && i >= 0 && i <= genTempids.length + 64)) {
      genTempids[i] = t;
      genEids[i] = eid;
    } else (this.others ??= new Map()).set(t, eid);
  }

  /** Every entry, literal and generated, in a new Map (the seed of a retry). */
  all(): Map<Tempid, Eid> {
    const out = new Map(this.literals);
    const { genTempids, genEids } = this;
    if (genTempids !== undefined) {
      for (let i = 0; i < genTempids.length; i++) {
        const t = genTempids[i];
        if (t !== undefined) out.set(t, genEids![i]!);
      }
    }
    this.others?.forEach((eid, t) => out.set(t, eid));
    return out;
  }
}
