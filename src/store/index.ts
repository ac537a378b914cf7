/** The schema-enforcing EAV store: schema, options, immutable indexes and transactions. */
export { Store, createStore, type EntityView } from "./store.js";
export { TxBatch, transact, transactFacts, transactOps, type TxOptions, type TxReport } from "./transact.js";
export { Schema, validateSchema, type SchemaEntry, type SchemaInput, type ValueType, type ValueTypeName, type AttrInfo } from "./schema.js";
export { PRESETS, resolveOptions, type Mode, type Preset, type StoreOptions, type StoreWarning, type ResolvedOptions } from "./options.js";
