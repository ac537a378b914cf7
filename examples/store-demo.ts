// Placeholder demo until the store lands: normalises transaction data and prints the ops.
import { NO_SCHEMA, normalizeTx } from "../src/eav/index.js";

const ops = normalizeTx([{ "person/name": "Ann", "person/email": "ann@example.com" }, ["db/retractEntity", 7]], NO_SCHEMA);
for (const op of ops) process.stdout.write(`${op.kind} ${"a" in op ? op.a : ""}\n`);
