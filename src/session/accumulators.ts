/**
 * The `entity` and `entities` accumulators: rebuild entity maps from EAV facts, as clara-eav's
 * `er/entity` and `er/entities` do. Card-many attributes (per the session's schema) become arrays.
 *
 * State is an Immutable.js OrderedMap so that `reduce` and `retract` are O(log n) and return new
 * values (the engine may keep old accumulations alive for older session values).
 */
import { OrderedMap } from "immutable";
import { EID, eavKey, formatEid, type EAV, type Eid, type SchemaView } from "../eav/index.js";
import { EavError } from "../errors.js";
import type { Accumulator } from "../rules/spec.js";

/** An entity map as rules and callers see it: `{ "eav/eid": e, "ns/attr": value | value[] }`. */
export type EntityMapOut = Readonly<Record<string, unknown>> & { readonly "eav/eid": Eid };

type Facts = OrderedMap<string, EAV>;

/** Builds one entity map from EAVs ordered as they arrived. Card-many values become arrays. */
export function toEntityMap(eid: Eid, facts: Iterable<EAV>, schema: SchemaView): EntityMapOut {
  const out: Record<string, unknown> = { [EID]: eid };
  for (const f of facts) {
    if (schema.isMany(f.a)) {
      const prev = out[f.a];
      if (Array.isArray(prev)) prev.push(f.v);
      else out[f.a] = [f.v];
    } else {
      out[f.a] = f.v;
    }
  }
  return out as EntityMapOut;
}

/**
 * `entity`: one entity map from EAVs that share an eid. EAVs of two different entities are an error
 * (`session/entity-accumulator`), as in clara-eav. No facts, no match.
 * @example [?todo <- entity :from [?e]]
 */
export function entityAccumulator(schema: SchemaView): Accumulator<EAV, Facts, EntityMapOut | undefined> {
  return {
    initial: () => OrderedMap<string, EAV>(),
    reduce: (acc, f) => {
      const first = acc.first();
      if (first !== undefined && first.e !== f.e) {
        throw new EavError(
          "session/entity-accumulator",
          `the entity accumulator got facts of two entities, ${formatEid(first.e)} and ${formatEid(f.e)}: bind the eid in its :from pattern, or use entities`,
          { eids: [first.e, f.e] },
        );
      }
      return acc.set(eavKey(f), f);
    },
    retract: (acc, f) => acc.delete(eavKey(f)),
    convert: (acc) => {
      const first = acc.first();
      return first === undefined ? undefined : toEntityMap(first.e, acc.values(), schema);
    },
    emptyMatches: false,
  };
}

/**
 * `entities`: a list of entity maps, one per eid, in order of first appearance. No facts gives `[]`.
 * @example [?todos <- entities :from [?e :todo/done true]]
 */
export function entitiesAccumulator(schema: SchemaView): Accumulator<EAV, OrderedMap<Eid, Facts>, EntityMapOut[]> {
  return {
    initial: () => OrderedMap<Eid, Facts>(),
    reduce: (acc, f) => acc.update(f.e, OrderedMap<string, EAV>(), (m) => m.set(eavKey(f), f)),
    retract: (acc, f) => {
      const m = acc.get(f.e);
      if (m === undefined) return acc;
      const next = m.delete(eavKey(f));
      return next.size === 0 ? acc.delete(f.e) : acc.set(f.e, next);
    },
    convert: (acc) => Array.from(acc, ([eid, m]) => toEntityMap(eid, m.values(), schema)),
  };
}
