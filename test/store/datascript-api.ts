// The parts of the `datascript` npm package (no bundled types) that the store's differential test
// and benchmark use, loaded through createRequire with local types: no ambient `declare module`,
// so other folders can declare the package their own way. Attributes are strings, op names are
// strings such as ":db/add", entity maps use ":db/id".
import { createRequire } from "node:module";

export interface DsDatom {
  readonly e: number;
  readonly a: string;
  readonly v: unknown;
}
export type DsDb = { readonly __dsDb: unique symbol };
export type DsConn = { readonly __dsConn: unique symbol };
export interface DsReport {
  readonly db_before: DsDb;
  readonly db_after: DsDb;
  readonly tempids: Readonly<Record<string, number>>;
}
export interface DataScript {
  empty_db(schema?: Record<string, Record<string, unknown>>): DsDb;
  conn_from_db(db: DsDb): DsConn;
  db(conn: DsConn): DsDb;
  transact(conn: DsConn, tx: readonly unknown[]): DsReport;
  db_with(db: DsDb, tx: readonly unknown[]): DsDb;
  datoms(db: DsDb, index: ":eavt" | ":aevt" | ":avet", ...components: unknown[]): DsDatom[];
}

/** The datascript module. */
export const ds = createRequire(import.meta.url)("datascript") as DataScript;
