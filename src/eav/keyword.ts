import { intern as internString } from "./intern.js";

/**
 * Interned keywords, as in Clojure/EDN: `kw("todo/done") === kw("todo/done")`.
 * Used as values (`:open`) and as named entity ids (`:global`). Attributes are plain strings.
 */
export class Keyword {
  /** The keyword's name without the leading colon, e.g. `"todo/done"` or `"global"`. */
  readonly name: string;
  private constructor(name: string) {
    this.name = name;
    Object.freeze(this);
  }

  /** The namespace part (`"todo"` for `:todo/done`), or `undefined` for `:global`. */
  get namespace(): string | undefined {
    const i = this.name.indexOf("/");
    return i > 0 ? this.name.slice(0, i) : undefined;
  }

  /** The local part (`"done"` for `:todo/done`). */
  get local(): string {
    const i = this.name.indexOf("/");
    return i > 0 ? this.name.slice(i + 1) : this.name;
  }

  /** EDN form: `:todo/done`. */
  toString(): string {
    return `:${this.name}`;
  }

  toJSON(): string {
    return `:${this.name}`;
  }

  /** @internal interning table; only {@link kw} creates keywords. */
  static readonly table = new Map<string, Keyword>();

  /** @internal */
  static intern(name: string): Keyword {
    let k = Keyword.table.get(name);
    if (k === undefined) {
      // the name internalized: a keyword read from a rule file names an attribute, which the store
      // and the engine look up in Maps keyed by equal strings (see intern.ts)
      k = new Keyword(internString(name));
      Keyword.table.set(k.name, k);
    }
    return k;
  }
}

/**
 * Returns the interned keyword for `name` (a leading `:` is accepted and dropped).
 * Nothing changes except the intern table.
 * @example kw("todo/done") === kw(":todo/done") // true
 */
export function kw(name: string): Keyword {
  const n = name.startsWith(":") ? name.slice(1) : name;
  if (n.length === 0) throw new TypeError("a keyword needs a name");
  return Keyword.intern(n);
}

/** True when `x` is a {@link Keyword}. */
export function isKeyword(x: unknown): x is Keyword {
  return x instanceof Keyword;
}
