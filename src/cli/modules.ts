/**
 * How the CLI imports rule modules. Under the bin, tsx is registered for the whole process, so a
 * plain `import()` loads `.ts` files and shares one module graph with the CLI (one Keyword intern
 * table: keywords made by a module's DSL are the CLI's keywords). A `.ts` file outside an ES-module
 * package (no `"type": "module"`) cannot be loaded that way, so it falls back to tsx's `tsImport`.
 */
import { pathToFileURL } from "node:url";
import { nativeImport, type ModuleImporter } from "../fixtures/index.js";

const TS = /\.(c|m)?ts$/i;

/** Imports a rule module: native `import()`, then tsx's `tsImport` for TypeScript it could not load. */
export const importRuleModule: ModuleImporter = async (file) => {
  try {
    return await nativeImport(file);
  } catch (e) {
    if (!TS.test(file)) throw e;
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  }
};
