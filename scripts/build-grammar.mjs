// Compiles src/dsl/grammar.ne into src/dsl/grammar.generated.ts with nearleyc.
//   node scripts/build-grammar.mjs          regenerate (npm run grammar)
//   node scripts/build-grammar.mjs --check  exit 1 if the committed file is stale (npm run grammar:check)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const source = join(root, "src/dsl/grammar.ne");
const target = join(root, "src/dsl/grammar.generated.ts");
const nearleyc = join(root, "node_modules/nearley/bin/nearleyc.js");

const HEADER =
  "// GENERATED from src/dsl/grammar.ne by scripts/build-grammar.mjs: do not edit; run `npm run grammar`.\n" +
  "// The one file where `any` may live (it is excluded from lint); imported only by src/dsl/parse.ts.\n";

const dir = mkdtempSync(join(tmpdir(), "grammar-"));
let generated;
try {
  const out = join(dir, "grammar.ts");
  execFileSync(process.execPath, [nearleyc, source, "-o", out], { stdio: ["ignore", "ignore", "inherit"] });
  generated = HEADER + readFileSync(out, "utf8");
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== generated) {
    console.error("src/dsl/grammar.generated.ts is stale: run `npm run grammar` and commit the result.");
    process.exit(1);
  }
  console.log("grammar: src/dsl/grammar.generated.ts is up to date");
} else {
  writeFileSync(target, generated);
  console.log("grammar: wrote src/dsl/grammar.generated.ts");
}
