// Minimal typings for the benchmark peers that ship none: only what the benchmarks call.

declare module "nools" {
  /** A class defined in a .nools file (`define Name { ... }`). */
  export type Defined = new (init?: Record<string, unknown>) => Record<string, unknown>;

  export interface NoolsSession {
    assert(fact: object): object;
    retract(fact: object): object;
    modify(fact: object, cb?: (this: Record<string, unknown>, f: Record<string, unknown>) => void): object;
    match(): PromiseLike<void>;
    getFacts(type?: Defined): Record<string, unknown>[];
    dispose(): void;
    on(event: "fire", listener: (ruleName: string) => void): void;
  }

  export interface Flow {
    getDefined(name: string): Defined;
    getSession(...facts: object[]): NoolsSession;
  }

  export function compile(fileOrSource: string, options?: { name?: string }): Flow;
  export function deleteFlow(name: string): void;
}

declare module "datascript" {
  /** A DataScript database value (opaque here). */
  export interface DB {
    readonly __datascriptDb: unique symbol;
  }
  export function empty_db(schema?: Record<string, Record<string, string>>): DB;
  export function db_with(db: DB, txData: readonly unknown[]): DB;
  export function q(query: string, ...inputs: unknown[]): unknown[][];
  export function datoms(db: DB, index: string, ...components: unknown[]): unknown[];
}
