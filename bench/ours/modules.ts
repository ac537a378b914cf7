/**
 * Loads the library our benchmark entries measure: the package as users get it, its compiled
 * entry `dist/index.js` (what `import "clara-eav-ts"` resolves to), built by `npm run bench`
 * before it runs. `--source` (BENCH_SOURCE=src in the cells' environment) measures `src/index.ts`
 * through tsx instead, for quick iteration without a build; tsx compiles with esbuild's keepNames,
 * which wraps every closure created at run time in a naming call, so source figures run slower
 * than the package's wherever a hot path creates closures.
 *
 * Everything our entries use (parser, keywords, EAV records, engine, session) comes from this one
 * module: two copies of the library would have two keyword tables and two EAV classes.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { REPO_ROOT, Unavailable } from "../harness.js";
import type * as Library from "../../src/index.js";

/** The library's public entry: the real types (a type-only import, erased at run time). */
export type OursModule = typeof Library;

const DIST_ENTRY = new URL("dist/index.js", REPO_ROOT);
const SOURCE_ENTRY = new URL("src/index.ts", REPO_ROOT);

/** Which build the cells measure: "dist" (default) or "src" (`--source`). Reads the environment. */
export function measuredBuild(): "dist" | "src" {
  return process.env.BENCH_SOURCE === "src" ? "src" : "dist";
}

let loaded: Promise<OursModule> | undefined;

/**
 * The library's entry (cached per process). Throws `Unavailable` when dist/ has not been built.
 * @example const { createSession, parseRules } = await oursModule();
 */
export function oursModule(): Promise<OursModule> {
  loaded ??= (async () => {
    const entry = measuredBuild() === "src" ? SOURCE_ENTRY : DIST_ENTRY;
    if (!existsSync(fileURLToPath(entry))) throw new Unavailable(`${fileURLToPath(entry)} does not exist: run \`npm run build\` (npm run bench builds it first)`);
    return (await import(entry.href)) as OursModule;
  })();
  return loaded;
}
