// The committed grammar.generated.ts must be what nearleyc makes of grammar.ne (the same check as
// `npm run grammar:check`, run here so the test suite catches a stale grammar too).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("the generated grammar", () => {
  it("is up to date with src/dsl/grammar.ne", () => {
    const root = join(import.meta.dirname, "../..");
    const out = execFileSync(process.execPath, [join(root, "scripts/build-grammar.mjs"), "--check"], { encoding: "utf8" });
    expect(out.trim()).toBe("grammar: src/dsl/grammar.generated.ts is up to date");
  });
});
