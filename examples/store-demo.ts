// A tour of the schema-enforcing EAV store: `npm run example`.
// Entity maps with nested components, identity upserts, lookup refs, card-many sets, a rejected
// transaction, and retractEntity cascading to components and removing incoming refs.
import { EavError } from "../src/errors.js";
import { kw, type EAV } from "../src/eav/index.js";
import { createStore, transact, type TxReport } from "../src/store/index.js";

const out = (s = ""): void => void process.stdout.write(`${s}\n`);
const show = (ds: readonly EAV[]): string => (ds.length === 0 ? "(none)" : ds.map(String).join(" "));
const report = (title: string, r: TxReport): void => {
  out(`${title}`);
  out(`  added:     ${show(r.added)}`);
  out(`  retracted: ${show(r.retracted)}`);
  if (r.tempids.size > 0) out(`  tempids:   ${[...r.tempids].map(([t, e]) => `${JSON.stringify(t)} -> ${String(e)}`).join(", ")}`);
};

let store = createStore({
  schema: [
    { ident: "person/email", cardinality: "one", valueType: "string", unique: "identity" },
    { ident: "person/name", cardinality: "one", valueType: "string" },
    { ident: "person/tags", cardinality: "many", valueType: "keyword" },
    { ident: "person/address", cardinality: "one", valueType: "ref", isComponent: true },
    { ident: "person/friends", cardinality: "many", valueType: "ref" },
    { ident: "address/city", cardinality: "one", valueType: "string" },
  ],
  preset: "datascript",
  typecheckMode: "enforce",
});

let r = transact(store, [
  { "eav/eid": "ann", "person/email": "ann@example.com", "person/name": "Ann", "person/tags": [kw("admin"), kw("ops")], "person/address": { "address/city": "Oslo" } },
  { "eav/eid": "bob", "person/email": "bob@example.com", "person/name": "Bob", "person/friends": ["ann"] },
]);
report("1. two people, a nested component address, a forward ref by tempid", r);
store = r.after;

r = transact(store, [{ "person/email": "ann@example.com", "person/name": "Ann Smith" }]);
report("2. an entity map without eav/eid upserts through the identity email (card-one replace)", r);
store = r.after;

r = transact(store, [["db/add", ["person/email", "bob@example.com"], "person/tags", kw("dev")]]);
report("3. a lookup ref as the entity; card-many adds a value", r);
store = r.after;

try {
  transact(store, [["db/add", 1, "person/name", 42]]);
} catch (e) {
  if (!(e instanceof EavError)) throw e;
  out(`4. rejected: ${e.code}: ${e.message}`);
}

r = transact(store, [["db/retractEntity", ["person/email", "ann@example.com"]]]);
report("5. retractEntity: Ann's datoms, her address (component) and Bob's ref to her", r);
store = r.after;

out();
out(`entities now: ${JSON.stringify(store.entities())}`);
out(`datoms: ${store.size}, maxEid: ${store.maxEid}`);
