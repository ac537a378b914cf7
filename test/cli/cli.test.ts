import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { splitForms } from "../../src/cli/check.js";
import { parseParams } from "../../src/cli/run.js";
import { kw } from "../../src/eav/index.js";
import { main } from "../../src/cli/main.js";
import { Capture, TODO_FACTS, TODO_RULES, TODO_SCHEMA, cli, project } from "./support.js";

const SPEC = `{:name "todos" :rules ["todos.rules"] :schema "schema.edn" :background [{:facts "facts.edn"}]
 :cases [{:name "overdue" :expect {:queries {overdue-todos [{:t ?w :title "write"}]}}}
         {:name "open" :expect {:queries {open-todos [{:t _ :title "read"} {:t _ :title "write"}]}}}]}`;

const FAILING_SPEC = `{:name "broken" :rules ["todos.rules"] :schema "schema.edn" :background [{:facts "facts.edn"}]
 :cases [{:name "wrong title" :expect {:queries {overdue-todos [{:t _ :title "read"}]}}}
         {:name "fine" :expect {:fired {overdue 1}}}]}`;

function todoProject(extra: Readonly<Record<string, string>> = {}): string {
  return project({ "todos.rules": TODO_RULES, "schema.edn": TODO_SCHEMA, "facts.edn": TODO_FACTS, "specs/todos.spec.edn": SPEC.replace(/"todos\.rules"/, '"../todos.rules"').replace('"schema.edn"', '"../schema.edn"').replace('"facts.edn"', '"../facts.edn"'), ...extra });
}

describe("clara-eav (usage)", () => {
  it("--help lists the commands and the exit codes", async () => {
    const r = await cli(["--help"], process.cwd());
    expect(r.code).toBe(0);
    expect(r.out.text).toContain("Commands:");
    expect(r.out.text).toContain("Exit codes:\n  0  success\n  1  a test case failed, or check found errors\n  2  usage error");
  });

  it.each([
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/],
    ["a missing argument", ["run"], /missing required argument 'rules'/],
    ["an unknown option", ["test", "x", "--colour"], /unknown option '--colour'/],
    ["a bad --format", ["run", "a.rules", "--format", "xml"], /Allowed choices are table, json/],
  ])("%s exits 2", async (_name, args, message) => {
    const r = await cli(args, process.cwd());
    expect(r.code).toBe(2);
    expect(r.err.text).toMatch(message);
  });

  it.each([
    ["--param without =", ["--query", "by-title", "--param", "title"], 'clara-eav: --param needs name=value, got "title" [cli/usage]\n'],
    ["an unknown query", ["--query", "nope"], "clara-eav: no query named nope (queries: open-todos, overdue-todos, by-title) [cli/usage]\n"],
    ["a missing parameter", ["--query", "by-title"], "clara-eav: query by-title needs --param title=... [cli/usage]\n"],
    ["a parameter no query uses", ["--query", "open-todos", "--param", "x=1"], "clara-eav: --param x is not a parameter of open-todos [cli/usage]\n"],
  ])("run: %s exits 2", async (_name, args, message) => {
    const dir = todoProject();
    const r = await cli(["run", "todos.rules", "--facts", "facts.edn", ...args], dir);
    expect([r.code, r.err.text]).toEqual([2, message]);
  });

  it("parses --param values as EDN, bare words as strings", () => {
    expect(parseParams(["a=5", "b=:tier/gold", 'c="5"', "d=A1", "?e=nil", "f=x y"])).toEqual({ a: 5, b: kw("tier/gold"), c: "5", d: "A1", e: null, f: "x y" });
  });
});

describe("clara-eav run", () => {
  it("prints query rows as JSON in a pipe, following the fixture conventions", async () => {
    const dir = todoProject();
    const r = await cli(["run", "todos.rules", "-s", "schema.edn", "-f", "facts.edn", "-q", "overdue-todos", "-q", "by-title", "-p", "title=read"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.text)).toEqual({ queries: { "overdue-todos": [{ t: 1, title: "write" }], "by-title": [{ t: 2, title: "read" }] }, firings: 1 });
  });

  it("prints every entity as a table on a terminal", async () => {
    const dir = todoProject();
    const r = await cli(["run", "todos.rules", "--facts", "facts.edn", "--schema", "schema.edn"], dir, { tty: true });
    expect(r.code).toBe(0);
    expect(r.out.text).toBe(
      [
        "4 entities, 1 firing(s)",
        "eid     attribute      value",
        "------  -------------  --------",
        "1       :todo/title    \"write\"",
        "        :todo/due      5",
        "        :todo/tags     #{:work}",
        "        :todo/overdue  true",
        "2       :todo/title    \"read\"",
        "        :todo/due      20",
        "3       :todo/title    \"ship\"",
        "        :todo/due      3",
        "        :todo/done     true",
        ":clock  :clock/today   10",
        "",
      ].join("\n"),
    );
  });

  it("--trace lists the firings in order with their bindings", async () => {
    const dir = todoProject();
    const table = await cli(["run", "todos.rules", "-f", "facts.edn", "-q", "overdue-todos", "--trace", "--format", "table"], dir);
    expect(table.out.lines.slice(0, 2)).toEqual(["trace: 1 firing(s)", "    1  overdue  {:t 1, :day 5, :today :clock, :now 10}"]);
    const json = await cli(["run", "todos.rules", "-f", "facts.edn", "-q", "overdue-todos", "--trace"], dir);
    expect((JSON.parse(json.out.text) as { trace: unknown }).trace).toEqual([{ rule: "overdue", bindings: { t: 1, day: 5, today: ":clock", now: 10 } }]);
  });

  it("several fixtures are applied in order, firing after each", async () => {
    const dir = todoProject({ "done.edn": '[{:todo/title "write" :todo/done true}]' });
    const r = await cli(["run", "todos.rules", "-s", "schema.edn", "-f", "facts.edn", "-f", "done.edn", "-q", "overdue-todos"], dir);
    expect(JSON.parse(r.out.text)).toEqual({ queries: { "overdue-todos": [] }, firings: 1 });
  });

  it.each([
    ["a missing rule file", ["run", "nope.rules"], 3, /^clara-eav: .*nope\.rules: no such file \[cli\/file-not-found\]\n$/],
    ["a malformed fixture", ["run", "todos.rules", "-f", "bad.edn"], 3, /^clara-eav: .*bad\.edn:1:1: unclosed '\[' \(end of text reached\) \[cli\/invalid-fixture\]\n$/],
    ["a rule file syntax error", ["run", "broken.rules"], 3, /^clara-eav: broken\.rules:3:5: unexpected "\)"; expected "\[", /],
    ["a transaction the schema rejects", ["run", "todos.rules", "-s", "schema.edn", "--preset", "datomic", "-f", "untyped.edn"], 4, /^clara-eav: .*todo\/due.* \[store\/type-violation\]\n$/],
  ])("%s: one clear message, exit %s, no stack trace", async (_name, args, code, message) => {
    const dir = todoProject({ "bad.edn": "[{:todo/title 1}", "broken.rules": "(defrule r\n  [?e :a/b]\n  =>)", "untyped.edn": '[{:todo/title "x" :todo/due "soon"}]' });
    const r = await cli(args, dir);
    expect(r.code).toBe(code);
    expect(r.err.text).toMatch(message);
    expect(r.err.text).not.toMatch(/\n\s+at /);
  });

  it("--verbose adds the stack trace and the error data", async () => {
    const dir = todoProject();
    const r = await cli(["--verbose", "run", "nope.rules"], dir);
    expect(r.code).toBe(3);
    expect(r.err.text).toMatch(/\n\s+at /);
    expect(r.err.text).toMatch(/data: \{"file":/);
  });
});

describe("clara-eav test", () => {
  it("a line per case and the summary line; exit 0", async () => {
    const dir = todoProject();
    const r = await cli(["test", "specs"], dir);
    expect(r.code).toBe(0);
    expect(r.out.lines.map((l) => l.replace(/ \(\d+ ms\)$/, ""))).toEqual(["PASS todos › overdue", "PASS todos › open", "2 passed, 0 failed"]);
  });

  it("a failing case prints its diff and exits 1", async () => {
    const dir = todoProject({ "broken.spec.edn": FAILING_SPEC });
    const r = await cli(["test", "broken.spec.edn"], dir);
    expect(r.code).toBe(1);
    expect(r.out.lines.map((l) => l.replace(/ \(\d+ ms\)$/, ""))).toEqual([
      "FAIL broken › wrong title",
      "     query overdue-todos (exact): expected 1 rows, got 1",
      '       - missing    {:t _, :title "read"}',
      '       + unexpected {:t 1, :title "write"}',
      '         nearest to {:t _, :title "read"}: :title expected "read", got "write"',
      "PASS broken › fine",
      "1 passed, 1 failed",
    ]);
  });

  it("a spec that cannot load counts as a failure and the others still run", async () => {
    const dir = todoProject({ "specs/zz-bad.spec.edn": "{:rules [" });
    const r = await cli(["test", "specs"], dir);
    expect(r.code).toBe(1);
    expect(r.out.lines.slice(-3).map((l) => l.replace(/ \(\d+ ms\)$/, ""))).toEqual([`FAIL ${join("specs", "zz-bad.spec.edn")}: the spec could not run`, `     ${join(dir, "specs", "zz-bad.spec.edn")}:1:9: unclosed '[' (end of text reached) [cli/invalid-fixture]`, "2 passed, 1 failed"]);
  });

  it("--filter runs only matching cases", async () => {
    const r = await cli(["test", "specs", "--filter", "open"], todoProject());
    expect(r.out.lines.at(-1)).toBe("1 passed, 0 failed");
  });

  it("--reporter junit writes XML to stdout, or to --output with the text report on stdout", async () => {
    const dir = todoProject({ "broken.spec.edn": FAILING_SPEC });
    const x = await cli(["test", "broken.spec.edn", "--reporter", "junit"], dir);
    expect(x.code).toBe(1);
    expect(x.out.text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="clara-eav" tests="2" failures="1" skipped="0">\n {2}<testsuite name="broken" file=".*broken\.spec\.edn" tests="2" failures="1" skipped="0"/);
    expect(x.out.text).toContain('<failure message="query overdue-todos (exact): expected 1 rows, got 1">');
    const y = await cli(["test", "broken.spec.edn", "--reporter", "junit", "--output", "report.xml"], dir);
    expect(y.out.lines.at(-1)).toBe("1 passed, 1 failed");
    expect(readFileSync(join(dir, "report.xml"), "utf8")).toContain('<testcase classname="broken" name="fine"');
  });

  it.each([
    ["no spec files", ["test", "."], 2, "clara-eav: no spec files (*.spec.edn, *.spec.json) under . [cli/usage]\n"],
    ["a missing path", ["test", "nowhere"], 3, "clara-eav: nowhere: no such file or folder [cli/file-not-found]\n"],
  ])("%s", async (_name, args, code, message) => {
    const r = await cli(args, project({ "readme.txt": "" }));
    expect([r.code, r.err.text]).toEqual([code, message]);
  });

  it("--watch re-runs after a change and stops on abort", async () => {
    const dir = todoProject();
    const controller = new AbortController();
    const out = new Capture();
    const err = new Capture();
    const running = main(["test", "specs", "--watch"], { stdout: out, stderr: err, cwd: dir, signal: controller.signal });
    const waitFor = async (text: string): Promise<boolean> => {
      for (let i = 0; i < 100 && !out.text.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      return out.text.includes(text);
    };
    expect(await waitFor("watching 4 file(s) (Ctrl-C to stop)")).toBe(true);
    const spec = join(dir, "specs", "todos.spec.edn");
    writeFileSync(spec, readFileSync(spec, "utf8").replace(':title "write"}]}}}', ':title "nope"}]}}}'));
    expect(await waitFor("1 passed, 1 failed")).toBe(true);
    controller.abort();
    expect(await running).toBe(1);
    expect(out.text).toContain("--- change detected: re-running ---");
    expect(out.text.indexOf("2 passed, 0 failed")).toBeLessThan(out.text.indexOf("1 passed, 1 failed"));
  });
});

describe("clara-eav check", () => {
  it("reports the files, the network size and ok", async () => {
    const dir = todoProject();
    const r = await cli(["check", "todos.rules"], dir, { tty: true });
    expect(r.code).toBe(0);
    expect(r.out.lines[0]).toBe("file         rules  queries");
    expect(r.out.lines[2]).toBe("todos.rules  1      3");
    expect(r.out.lines.at(-2)).toMatch(/^network: 1 rules, 3 queries, \d+ alpha nodes, \d+ beta nodes, \d+ shared$/);
    expect(r.out.lines.at(-1)).toBe("ok");
    const json = await cli(["check", "todos.rules"], dir);
    const data = JSON.parse(json.out.text) as { ok: boolean; network: { rules: number; queries: number } };
    expect([data.ok, data.network.rules, data.network.queries]).toEqual([true, 1, 3]);
  });

  it("reports every broken form of a file with file:line:column, and exits 1", async () => {
    const dir = todoProject({
      "two-errors.rules": '(defrule a\n  [?e :x/y]\n  =>\n  (upsert! [?e :x/z (nope 1)]))\n\n(defrule b\n  [?e :x/y]\n  [:test (> ?f 1)]\n  =>\n  (retract! [?e :x/y]))\n(defquery ok [] [?e :x/y])\n',
    });
    const r = await cli(["check", "two-errors.rules", "todos.rules"], dir, { tty: true });
    expect(r.code).toBe(1);
    const located = r.out.lines.filter((l) => /^two-errors\.rules:\d+:\d+: /.test(l)).map((l) => l.split(": ")[0]);
    expect(located).toEqual(["two-errors.rules:4:22", "two-errors.rules:8:13"]);
    expect(r.out.lines.at(-1)).toBe("2 error(s)");
  });

  it("loads TypeScript rule modules and their host functions", async () => {
    const r = await cli(["check", "examples/access/functions.ts", "examples/access/access.rules", "examples/access/audit.ts"], process.cwd());
    expect(JSON.parse(r.out.text)).toMatchObject({ ok: true, files: [{ file: "examples/access/functions.ts", rules: 0, queries: 0 }, { file: "examples/access/access.rules", rules: 9, queries: 6 }, { file: "examples/access/audit.ts", rules: 1, queries: 0 }] });
  });

  it("points compile errors of rule data at their source, also for a .ts module outside an ES-module package (bin)", () => {
    const dir = project({
      "bad.ts": 'export const rules = [{ kind: "rule", name: "bad", conditions: [{ kind: "test", test: { kind: "expr", expr: { kind: "var", name: "?x" } } }], action: { kind: "expr", body: [] }, source: { file: "bad.ts", line: 3, column: 1 } }];\n',
    });
    const r = spawnSync(process.execPath, [join(process.cwd(), "bin", "clara-eav.js"), "check", "bad.ts", "--format", "table"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout.split("\n")[0]).toBe("bad.ts:3:1: rule bad: ?x used in the test is not bound by any condition [rules/unbound-variable]");
    expect(r.status).toBe(1);
  });

  it("splits rule text into top-level forms, skipping strings and comments", () => {
    const forms = splitForms('; (not a form)\n(defrule a "x)" [?e :a/b]\n  => (f))\n  (defquery q [] [?e])');
    expect(forms.map((f) => [f.line, f.column, f.text.slice(0, 10)])).toEqual([
      [2, 1, "(defrule a"],
      [4, 3, "(defquery "],
    ]);
  });
});
