/**
 * Every benchmark variant, by workload, under a short key (`--only` matches keys and names).
 * The order here is the order of the table: our entries first, then the peers.
 */
import { oursEngineJoin } from "./ours/engine-join.js";
import { oursManners } from "./ours/manners.js";
import { oursSessionJoin } from "./ours/session-join.js";
import { datascriptJoin } from "./peers/datascript-join.js";
import { jsonRulesEngineJoin } from "./peers/json-rules-engine-join.js";
import { noolsPerDatom, noolsPerEntity } from "./peers/nools-join.js";
import { noolsManners } from "./peers/nools-manners.js";
import { plainJoin } from "./peers/plain-join.js";
import type { JoinVariant } from "./workloads/join.js";
import type { MannersVariant } from "./workloads/manners.js";

/** Manners variants by key. */
export const MANNERS_VARIANTS: ReadonlyMap<string, MannersVariant> = new Map([
  ["ours", oursManners],
  ["nools", noolsManners],
]);

/** Join variants by key. */
export const JOIN_VARIANTS: ReadonlyMap<string, JoinVariant> = new Map([
  ["ours-session", oursSessionJoin],
  ["ours-engine", oursEngineJoin],
  ["plain", plainJoin],
  ["nools-entity", noolsPerEntity],
  ["nools-datom", noolsPerDatom],
  ["datascript", datascriptJoin],
  ["json-rules-engine", jsonRulesEngineJoin],
]);

/**
 * The variant of a workload under `key`, or undefined. Reads the registry; changes nothing.
 * @example findVariant("join", "plain")?.name // "plain JS hash join (floor)"
 */
export function findVariant(workload: "manners" | "join", key: string): MannersVariant | JoinVariant | undefined {
  return workload === "manners" ? MANNERS_VARIANTS.get(key) : JOIN_VARIANTS.get(key);
}
