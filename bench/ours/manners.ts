/**
 * Our engine running Miss Manners: bench/workloads/manners.rules (the classic OPS5 rules in our DSL,
 * over EAV facts) in an EAV session. The guest rows go in as entity maps keyed by the guest's name
 * (unique identity), so a guest's several hobby rows merge into one entity with a card-many hobby;
 * the named entities :context, :count and :last-seat start the state machine.
 */
import { readFileSync } from "node:fs";
import type { MannersData, MannersRun, MannersVariant, Seat } from "../workloads/manners.js";
import type { Session, SessionProduction } from "../../src/session/index.js";
import { oursModule, type OursModule } from "./modules.js";
import { BENCH_DIR } from "../harness.js";

const SCHEMA = [
  { ident: "guest/name", cardinality: "one", unique: "identity" },
  { ident: "guest/hobby", cardinality: "many" },
] as const;

let rules: readonly SessionProduction[] | undefined;

/** The parsed Manners rules (parsed once per process). */
export function mannersRuleSpecs(lib: OursModule): readonly SessionProduction[] {
  rules ??= lib.parseRules(readFileSync(new URL("workloads/manners.rules", BENCH_DIR), "utf8"), { file: "manners.rules" });
  return rules;
}

/** Our EAV session running manners.rules. */
export const oursManners: MannersVariant = {
  name: "ours: session, manners.rules",
  side: "ours",
  async create(data: MannersData): Promise<MannersRun> {
    const lib = await oursModule();
    const { kw } = lib;
    const facts: Record<string, unknown>[] = data.rows.map((r) => ({ "guest/name": r.name, "guest/sex": r.sex, "guest/hobby": r.hobby }));
    facts.push(
      { "eav/eid": kw("last-seat"), "last-seat/seat": data.lastSeat },
      { "eav/eid": kw("count"), "count/value": 1 },
      { "eav/eid": kw("context"), "context/state": kw("start") },
    );
    // Compiles the network (cached by the rules' identity): untimed, like compiling a nools flow.
    let session: Session = lib.createSession({ rules: mannersRuleSpecs(lib), schema: SCHEMA });
    return {
      run() {
        session = session.upsert(facts).fire();
      },
      firings() {
        return session.lastFire?.byRule;
      },
      seating() {
        return session.query("seating").map((r): Seat => ({ seat: r.seat as number, name: String(r.name) }));
      },
    };
  },
};
