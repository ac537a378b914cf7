/**
 * The mutable memory behind a chain of session values: working memory and node memories, swapped
 * whole between versions that have no journal between them (see journal.ts, session.ts).
 */
import type { NetworkCore } from "../plan.js";
import { StateSnapshot, Version, type Versioned } from "./journal.js";
import { Token } from "./memory.js";
import { WorkingMemory } from "./wm.js";

/** What a version's memory consists of (swapped whole by {@link EngineState.swap}). */
interface Contents {
  readonly wm: WorkingMemory;
  readonly mem: unknown[];
  readonly root: Token;
  readonly initialized: boolean;
}

/** The mutable memory behind a chain of session values (see session.ts). */
export class EngineState implements Versioned {
  /** The version whose contents the memory holds now. */
  current: Version = new Version();
  /** True while a fire runs: a nested fire or query on a sibling session must not reroot. */
  busy = false;
  wm: WorkingMemory;
  mem: unknown[];
  root: Token;
  /** Whether the root token has been propagated (done at the first fire). Journaled. */
  initialized = false;
  /** Monotonic id source; never rolled back (ids only need to be ordered). */
  lastId = 0;
  constructor(readonly net: NetworkCore) {
    const c = this.fresh();
    this.wm = c.wm;
    this.mem = c.mem;
    this.root = c.root;
  }

  private fresh(): Contents {
    return { wm: new WorkingMemory(this.net.factKey, this.net.alphaByType), mem: this.net.nodes.map((n) => n.createMemory()), root: new Token(0, null, null, 0), initialized: false };
  }

  swap(snapshot: StateSnapshot): StateSnapshot {
    const mine = new StateSnapshot({ wm: this.wm, mem: this.mem, root: this.root, initialized: this.initialized } satisfies Contents);
    const c = (snapshot.contents as Contents | null) ?? this.fresh();
    this.wm = c.wm;
    this.mem = c.mem;
    this.root = c.root;
    this.initialized = c.initialized;
    return mine;
  }

  /** Empties the memory (after a failed first fire, which kept no journal). */
  reset(): void {
    this.swap(new StateSnapshot(null));
  }
}
