// Every example's specs run through the CLI (in-process, and once through the real bin), and each
// spec's cases pass through the library harness too.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { runSpec } from "../../src/testing.js";

const root = join(import.meta.dirname, "..", "..");

class Capture {
  text = "";
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, { stdout: out, stderr: err, cwd: root });
  return { code, out: out.text, err: err.text };
}

const SPECS: readonly [string, number][] = [
  ["examples/orders/orders.spec.edn", 8],
  ["examples/eligibility/eligibility.spec.edn", 8],
  ["examples/eligibility/eligibility.spec.json", 2],
  ["examples/access/access.spec.edn", 8],
];

describe("examples through the CLI", () => {
  it.each(SPECS)("clara-eav test %s: every case passes", async (spec, n) => {
    const r = await cli(["test", spec]);
    expect(r.err).toBe("");
    const lines = r.out.trimEnd().split("\n");
    expect(lines.at(-1)).toBe(`${n} passed, 0 failed`);
    expect(lines.filter((l) => l.startsWith("PASS "))).toHaveLength(n);
    expect(r.code).toBe(0);
  });

  it("the bin runs every example from the repository root", () => {
    const r = spawnSync(process.execPath, [join(root, "bin", "clara-eav.js"), "test", "examples"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(`${SPECS.reduce((a, [, n]) => a + n, 0)} passed, 0 failed`);
    expect(r.status).toBe(0);
  });

  it("npm run example's command prints the orders with their totals and statuses", async () => {
    const script = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["example"] ?? "";
    const args = script.replace(/^node bin\/clara-eav\.js /, "").split(" ");
    const r = await cli(args);
    expect(r.code).toBe(0);
    // eids are the store's business: compare the table with them masked
    expect(r.out.replace(/^\d+ /gm, "E ")).toBe(
      ["query orders: 2 row(s)", "o  id    total  status", "-  ----  -----  -------------------------", 'E  "A1"  1080   :status/awaiting-approval', 'E  "B1"  285    :status/accepted', ""].join("\n"),
    );
  });

  it("run --format json on the eligibility example reads back with the fixture conventions", async () => {
    const r = await cli([
      "run",
      "examples/eligibility/eligibility.rules",
      "-s",
      "examples/eligibility/schema.edn",
      "-f",
      "examples/eligibility/fixtures/applicants.edn",
      "-q",
      "decline-reasons",
      "-p",
      "id=P4",
      "-q",
      "portfolio",
    ]);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out) as { queries: Record<string, unknown[]> };
    expect(data.queries["portfolio"]).toEqual([{ accepted: 2, average: 258.5 }]);
    const [row] = data.queries["decline-reasons"] as [{ reasons: { "#set": string[] } }];
    expect(row.reasons["#set"].sort()).toEqual([":reason/excluded-condition", ":reason/over-age"]);
  });

  it("run reads JSON fixtures like EDN ones", async () => {
    const base = ["run", "examples/orders/orders.rules", "-s", "examples/orders/schema.edn", "-f", "examples/orders/fixtures/customers.edn", "-q", "orders"];
    const edn = await cli([...base, "-f", "examples/orders/fixtures/orders.edn"]);
    const json = await cli([...base, "-f", "examples/orders/fixtures/orders.json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(JSON.parse(edn.out));
  });

  it("check reports each example's rules and network", async () => {
    for (const files of [["examples/orders/orders.rules"], ["examples/eligibility/eligibility.rules"], ["examples/access/functions.ts", "examples/access/access.rules", "examples/access/audit.ts"]]) {
      const r = await cli(["check", ...files]);
      const data = JSON.parse(r.out) as { ok: boolean; network: { rules: number; betaNodes: number } };
      expect([r.code, data.ok]).toEqual([0, true]);
      expect(data.network.betaNodes).toBeGreaterThan(data.network.rules);
    }
  });
});

describe("examples through runSpec (the library harness)", () => {
  it.each(SPECS)("%s", async (spec, n) => {
    const r = await runSpec(join(root, spec));
    expect(r.cases.filter((c) => c.status !== "passed").map((c) => `${c.name}: ${c.failures.join("; ")}`)).toEqual([]);
    expect(r.passed).toBe(n);
  });
});
