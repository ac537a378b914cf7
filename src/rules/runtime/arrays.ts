/**
 * Arrays for the engine's hot paths (a leaf module: the memories, the agenda and the fire use it).
 */

/**
 * A new, empty array whose elements kind already holds objects. Why: V8 makes `[]` an array of small
 * integers and changes its kind when the first object goes in; optimized code that had met only
 * such fresh arrays deoptimizes then ("not a Smi"). The fire's lists (agenda stacks, report, queues)
 * are fresh in every fire, so that happened again in each of the first updates after a big load
 * (--trace-deopt on the join workload, issue 7). Returns a new array; nothing else changes.
 * @example const queue = objectArray<FactEntry>(); queue.push(entry);
 */
export function objectArray<T>(): T[] {
  const a: unknown[] = [null];
  a.pop();
  return a as T[];
}
