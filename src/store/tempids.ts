/**
 * The tempids of one transaction attempt and the eids they resolved to. Literal tempids (strings,
 * negative numbers) and generated ones (entity maps without `eav/eid`) live in two tables: a load
 * has one generated tempid per map, and string lookups in one table holding them all measured 4x
 * slower (issue 7). Mutable; lives inside one `transactOps` call.
 */
import { GeneratedTempid, type Eid, type Tempid } from "../eav/index.js";

/** Tempid -> eid for one attempt. */
export class TempidTable {
  /** Literal tempids and their eids (what a transaction's report lists). */
  readonly literal = new Map<Tempid, Eid>();
  private readonly generated = new Map<Tempid, Eid>();
  /** The generated tempid last resolved or set and its eid: the ops of a map ask for it in a row. */
  private lastGenerated: GeneratedTempid | undefined = undefined;
  private lastGeneratedEid: Eid | undefined = undefined;

  /** A table holding `seed`'s entries (a retry starts from the previous attempt's). */
  constructor(seed?: ReadonlyMap<Tempid, Eid>) {
    seed?.forEach((eid, t) => this.set(t, eid));
  }

  /** The eid of `t` so far, or undefined. Reads only (and the one-entry cache). */
  get(t: Tempid): Eid | undefined {
    if (t instanceof GeneratedTempid) {
      if (t === this.lastGenerated) return this.lastGeneratedEid;
      const eid = this.generated.get(t);
      if (eid !== undefined) {
        this.lastGenerated = t;
        this.lastGeneratedEid = eid;
      }
      return eid;
    }
    return this.literal.get(t);
  }

  /** Mutates: `t` resolves to `eid`. */
  set(t: Tempid, eid: Eid): void {
    if (t instanceof GeneratedTempid) {
      this.generated.set(t, eid);
      this.lastGenerated = t;
      this.lastGeneratedEid = eid;
    } else this.literal.set(t, eid);
  }

  /** Every entry, literal and generated, in a new Map (the seed of a retry). */
  all(): Map<Tempid, Eid> {
    const out = new Map(this.literal);
    this.generated.forEach((eid, t) => out.set(t, eid));
    return out;
  }
}
