/** The EAV data model: keywords, values, EAV records, id predicates and tx normalisation. */
export { Keyword, kw, isKeyword } from "./keyword.js";
export { intern } from "./intern.js";
export { type Value, type StructuredValue, ValueKey, isValue, isPlainObject, valueEquals, valueKey, sameKey, canonicalText, formatValue } from "./value.js";
export {
  EAV,
  eav,
  isEav,
  EID,
  TRANSIENT,
  ALL,
  GeneratedTempid,
  type Attribute,
  type Eid,
  type Tempid,
  type LookupRef,
  type EntityRef,
  isEid,
  isTempid,
  isLiteralTempid,
  isLookupRef,
  isEntityRef,
  isAttribute,
  eidEquals,
  eavEquals,
  eavKey,
  formatEid,
} from "./eav.js";
export { type TxOp, type SchemaView, type EntityMap, type FactInput, type TxEntry, type TxInput, NO_SCHEMA } from "./tx-types.js";
export {
  normalizeTx,
  normalizeFacts,
  normalizeInChunks,
  type InputMode,
  isTripleShape,
} from "./tx.js";
