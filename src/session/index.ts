/** The EAV session: engine and store as one truth. */
export { createSession, Session, type SessionConfig, type SessionOptions, type SessionProduction, type FireCallOptions } from "./session.js";
export { type SessionActionContext, type FactTypeFn } from "./context.js";
export { entityAccumulator, entitiesAccumulator, toEntityMap, type EntityMapOut } from "./accumulators.js";
