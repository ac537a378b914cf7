// Helpers for the CLI tests: captured streams, an in-process CLI run, temporary project folders.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../../src/cli/main.js";

/** A stream that keeps what is written. */
export class Capture {
  text = "";
  constructor(readonly isTTY = false) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
  get lines(): string[] {
    return this.text.replace(/\n$/, "").split("\n");
  }
}

/** The result of one in-process CLI run. */
export interface CliRun {
  readonly code: number;
  readonly out: Capture;
  readonly err: Capture;
}

/** Runs the CLI in-process with captured output. */
export async function cli(args: readonly string[], cwd: string, options: { tty?: boolean; signal?: AbortSignal } = {}): Promise<CliRun> {
  const out = new Capture(options.tty ?? false);
  const err = new Capture(options.tty ?? false);
  const code = await main(args, { stdout: out, stderr: err, cwd, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  return { code, out, err };
}

/** A temporary folder with the given files (paths relative to it). Returns its path. */
export function project(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), "clara-eav-cli-"));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** A small rule set used by several tests: todos with a done flag and a counter of open todos. */
export const TODO_RULES = `
(defrule overdue
  "Open todos past their due day are overdue."
  [?t :todo/due ?day]
  [:not [?t :todo/done true]]
  [?today :clock/today ?now]
  [:test (< ?day ?now)]
  =>
  (upsert! [?t :todo/overdue true]))

(defquery open-todos
  []
  [?t :todo/title ?title]
  [:not [?t :todo/done true]])

(defquery overdue-todos
  []
  [?t :todo/overdue true]
  [?t :todo/title ?title])

(defquery by-title
  [?title]
  [?t :todo/title ?title])
`;

/** The schema for {@link TODO_RULES}. */
export const TODO_SCHEMA = `[{:db/ident :todo/title :db/valueType :db.type/string :db/unique :db.unique/identity}
 {:db/ident :todo/due :db/valueType :db.type/long}
 {:db/ident :todo/done :db/valueType :db.type/boolean}
 {:db/ident :todo/overdue :db/valueType :db.type/boolean}
 {:db/ident :todo/tags :db/cardinality :db.cardinality/many :db/valueType :db.type/keyword}
 {:db/ident :clock/today :db/valueType :db.type/long}]`;

/** Facts for {@link TODO_RULES}. */
export const TODO_FACTS = `[{:db/id :clock :clock/today 10}
 {:todo/title "write" :todo/due 5 :todo/tags #{:work}}
 {:todo/title "read" :todo/due 20}
 {:todo/title "ship" :todo/due 3 :todo/done true}]`;
