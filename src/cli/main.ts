/**
 * The `clara-eav` command line: `run`, `test` and `check`, built with commander. `main` takes its
 * arguments and streams as parameters and returns the exit code, so tests run it in-process and the
 * bin (`bin/clara-eav.js`) only wires it to `process`.
 */
import { Command, CommanderError, Option } from "commander";
import { checkCommand } from "./check.js";
import { EXIT, EXIT_HELP, errorMessage, exitCodeOf, type CliIo, type ExitCode } from "./io.js";
import { runCommand, type RunOptions } from "./run.js";
import { testCommand, type TestOptions } from "./test.js";

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

/**
 * Runs the CLI with `argv` (without the node and script paths). Writes to `io.stdout`/`io.stderr`;
 * returns the exit code (see `EXIT`), never calls `process.exit` and never throws.
 * @example const code = await main(["test", "examples"], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const verbose = argv.includes("--verbose");
  const program = new Command("clara-eav")
    .description("Run, test and check clara-eav rule sets: forward-chaining rules over entity-attribute-value facts.")
    .version("0.1.0", "-V, --version")
    .option("--verbose", "show stack traces and error data")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) });

  program
    .command("run")
    .description("load rules, a schema and fixtures; transact and fire; print query results or every entity")
    .argument("<rules...>", "rule files (.rules) and modules (.ts, .js) exporting rules and/or functions")
    .option("-f, --facts <file>", "a fixture file (EDN or JSON transaction data); repeat for several, applied and fired in order", collect, [])
    .option("-s, --schema <file>", "a schema file (EDN or JSON)")
    .addOption(new Option("--preset <preset>", "store strictness").choices(["datascript", "datomic"]))
    .option("-q, --query <name>", "print this query's rows (repeatable); without it, every entity is printed", collect, [])
    .option("-p, --param <name=value>", "a query parameter, value read as EDN (5, :kw, \"text\"; a bare word is a string)", collect, [])
    .addOption(new Option("--format <format>", "output format (default: table on a terminal, json in a pipe)").choices(["table", "json"]))
    .option("--trace", "print the rules that fired, in order, with their bindings")
    .addHelpText("after", EXIT_HELP)
    .action(async (rules: string[], opts: RunOptions) => {
      code = await runCommand(rules, opts, io);
    });

  program
    .command("test")
    .description("run ruleset specs (*.spec.edn, *.spec.json): a line per case, a diff per failure, and 'N passed, N failed'")
    .argument("<paths...>", "spec files or folders (searched recursively)")
    .addOption(new Option("--reporter <reporter>", "default, or junit (JUnit XML on stdout, or in --output)").choices(["default", "junit"]))
    .option("-o, --output <file>", "with --reporter junit: write the XML here and the default report to stdout")
    .option("--filter <text>", "only run cases whose name contains this text")
    .option("-w, --watch", "re-run when a file the specs read (spec, rules, schema, fixtures) changes")
    .addHelpText("after", EXIT_HELP)
    .action(async (paths: string[], opts: TestOptions) => {
      code = await testCommand(paths, { ...opts, verbose }, io);
    });

  program
    .command("check")
    .description("parse and compile rule files; report every error with file:line:column and the network's size")
    .argument("<rules...>", "rule files (.rules) and modules (.ts, .js)")
    .addOption(new Option("--format <format>", "output format (default: table on a terminal, json in a pipe)").choices(["table", "json"]))
    .addHelpText("after", EXIT_HELP)
    .action(async (files: string[], opts: { format?: string }) => {
      code = await checkCommand(files, { ...opts, verbose }, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are "errors" to commander; everything else it raises is a usage error
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(`clara-eav: ${errorMessage(e, verbose)}\n`);
    return exitCodeOf(e);
  }
}
