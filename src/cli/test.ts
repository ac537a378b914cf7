/**
 * `clara-eav test <spec files or folders...>`: runs ruleset specs, prints a line per case, a diff
 * per failure and the summary `N passed, N failed`; `--reporter junit` writes JUnit XML;
 * `--watch` re-runs when a file the specs read changes.
 */
import { readdirSync, statSync, unwatchFile, watchFile, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { EavError } from "../errors.js";
import { formatReport, junitXml, runSpec, totals, type SpecOutcome } from "../fixtures/index.js";
import { EXIT, errorMessage, type CliIo, type ExitCode } from "./io.js";
import { importRuleModule } from "./modules.js";

/** Options of `test`, as commander parses them. */
export interface TestOptions {
  readonly reporter?: string;
  readonly output?: string;
  readonly watch?: boolean;
  readonly filter?: string;
  readonly verbose?: boolean;
}

const SPEC_FILE = /\.spec\.(edn|json)$/i;

/**
 * The spec files named by `paths`: files as given, folders searched recursively for
 * `*.spec.edn` and `*.spec.json` (skipping `node_modules` and dot-folders), sorted. Reads the file
 * system. Throws `cli/file-not-found` for a missing path and `cli/usage` when nothing is found.
 */
export function findSpecFiles(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SPEC_FILE.test(name)) out.push(p);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new EavError("cli/file-not-found", `${p}: no such file or folder`, { file: p });
    }
    if (isDir) walk(abs);
    else out.push(abs);
  }
  if (out.length === 0) throw new EavError("cli/usage", `no spec files (*.spec.edn, *.spec.json) under ${paths.join(", ")}`);
  return [...new Set(out)];
}

async function runAll(files: readonly string[], opts: TestOptions, io: CliIo): Promise<SpecOutcome[]> {
  const outcomes: SpecOutcome[] = [];
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    try {
      const r = await runSpec(file, { importer: importRuleModule, ...(opts.filter === undefined ? {} : { filter: opts.filter }) });
      outcomes.push({ kind: "result", ...r, name: r.name });
    } catch (e) {
      outcomes.push({ kind: "load-failure", file: shown, message: errorMessage(e, opts.verbose === true) });
    }
  }
  return outcomes;
}

function report(outcomes: readonly SpecOutcome[], opts: TestOptions, io: CliIo): ExitCode {
  const reporter = opts.reporter ?? "default";
  if (reporter === "junit") {
    const x = junitXml(outcomes);
    if (opts.output === undefined) io.stdout.write(x);
    else {
      writeFileSync(resolve(io.cwd, opts.output), x);
      io.stdout.write(`${formatReport(outcomes).join("\n")}\n`);
    }
  } else {
    io.stdout.write(`${formatReport(outcomes).join("\n")}\n`);
  }
  return totals(outcomes).failed > 0 ? EXIT.failed : EXIT.ok;
}

/**
 * Runs the `test` command. Returns the exit code (1 when a case failed). With `--watch`, keeps
 * re-running on changes until `io.signal` aborts, and returns the last run's code.
 */
export async function testCommand(paths: readonly string[], opts: TestOptions, io: CliIo): Promise<ExitCode> {
  const reporter = opts.reporter ?? "default";
  if (reporter !== "default" && reporter !== "junit") throw new EavError("cli/usage", `--reporter must be default or junit, not ${reporter}`);
  if (opts.output !== undefined && reporter !== "junit") throw new EavError("cli/usage", "--output is for --reporter junit");
  const files = findSpecFiles(paths, io.cwd);
  const outcomes = await runAll(files, opts, io);
  let code = report(outcomes, opts, io);
  if (opts.watch !== true) return code;
  if (io.signal === undefined) throw new EavError("cli/usage", "--watch needs an interactive session");
  return watchLoop(files, outcomes, opts, io, io.signal, (c) => (code = c)).then(() => code);
}

// Re-runs after a change to any file the specs read (spec, rules, schema, fixtures). Files are
// polled with fs.watchFile: recursive fs.watch misses events on Linux right after it starts, and
// rule files often live outside the specs' folder. Changes are debounced: a save may touch a file twice.
async function watchLoop(files: readonly string[], first: readonly SpecOutcome[], opts: TestOptions, io: CliIo, signal: AbortSignal, setCode: (c: ExitCode) => void): Promise<void> {
  const watched = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const onChange = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void rerun(), 100);
  };
  const watchInputs = (outcomes: readonly SpecOutcome[]): void => {
    const inputs = new Set<string>(files);
    for (const o of outcomes) if (o.kind === "result") for (const f of o.files) inputs.add(f);
    for (const f of inputs) {
      if (watched.has(f)) continue;
      watched.add(f);
      watchFile(f, { interval: 150 }, (cur, prev) => {
        if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) onChange();
      });
    }
  };
  const rerun = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      io.stdout.write("\n--- change detected: re-running ---\n");
      const outcomes = await runAll(files, opts, io);
      setCode(report(outcomes, opts, io));
      watchInputs(outcomes);
    } while (again && !signal.aborted);
    running = false;
  };
  watchInputs(first);
  io.stdout.write(`watching ${watched.size} file(s) (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    if (signal.aborted) done();
    else signal.addEventListener("abort", () => done(), { once: true });
  });
  if (timer !== undefined) clearTimeout(timer);
  for (const f of watched) unwatchFile(f);
}
