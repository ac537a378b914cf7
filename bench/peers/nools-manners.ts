/**
 * nools running its own Miss Manners (node_modules/nools/benchmark/manners/manners.nools), as its
 * benchmark.js does: the data's facts into a session, a Count of 1, then `match()`. Its actions call
 * console.log; console.log is silenced for the duration of the run (the runner reads the child's
 * stdout), which also keeps terminal I/O out of the figures.
 */
import { join } from "node:path";
import nools from "nools";
import type { Flow } from "nools";
import { noolsMannersDir, type MannersData, type MannersRun, type MannersVariant, type Seat } from "../workloads/manners.js";

let compiled: Flow | undefined;

/** The flow, compiled once per process from nools' own rules file. */
function mannersFlow(): Flow {
  compiled ??= nools.compile(join(noolsMannersDir(), "manners.nools"));
  return compiled;
}

/** nools, its own manners.nools. */
export const noolsManners: MannersVariant = {
  name: "nools (its manners.nools)",
  side: "peer",
  async create(data: MannersData): Promise<MannersRun> {
    const flow = mannersFlow();
    const Guest = flow.getDefined("guest");
    const LastSeat = flow.getDefined("lastSeat");
    const Context = flow.getDefined("context");
    const Count = flow.getDefined("count");
    const facts: object[] = data.rows.map((r) => new Guest({ name: r.name, sex: r.sex, hobby: r.hobby }));
    facts.push(new LastSeat({ seat: data.lastSeat }), new Context({ state: "start" }));
    const count = new Count({ value: 1 });
    let session: ReturnType<Flow["getSession"]> | undefined;
    const fired: Record<string, number> = {};
    return {
      async run() {
        const log = console.log;
        console.log = () => undefined;
        try {
          session = flow.getSession(...facts);
          session.on("fire", (rule: string) => {
            fired[rule] = (fired[rule] ?? 0) + 1;
          });
          session.assert(count);
          await session.match();
        } finally {
          console.log = log;
        }
      },
      seating() {
        if (session === undefined) return [];
        const lastSeat = data.lastSeat;
        const done = session.getFacts(flow.getDefined("seating")).find((s) => s.rightSeat === lastSeat);
        if (done === undefined) return [];
        return session
          .getFacts(flow.getDefined("path"))
          .filter((p) => p.id === done.id)
          .map((p): Seat => ({ seat: p.seat as number, name: String(p.guestName) }));
      },
      firings() {
        return fired;
      },
      dispose() {
        session?.dispose();
      },
    };
  },
};
