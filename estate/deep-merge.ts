/**
 * Merging Helm values: an add-on's pinned defaults with the environment's overrides.
 *
 * Pure functions over plain data (what YAML and JSON produce). Inputs are never mutated and the
 * result shares no object or array with them, so a caller may freeze or change it freely.
 */
import { isPlainObject } from "../core/plain-object";

/** Helm values: a YAML mapping. */
export type Values = Record<string, unknown>;

/**
 * `override` merged over `base`, the way Helm merges a values file over a chart's values:
 * - objects merge key by key, recursively;
 * - arrays and scalars from `override` replace what `base` has (a list is one setting: merging
 *   two lists of tolerations element by element would produce one nobody wrote);
 * - `null` in `override` deletes the key; `undefined` is the same as leaving the key out.
 *
 * `null` values inside `base` stay: for Helm they delete a chart default, which is a setting too.
 */
export function deepMerge(base: Values, override: Values): Values {
  const out: Values = {};
  for (const key of Object.keys(base)) setOwn(out, key, clone(base[key]));
  for (const key of Object.keys(override)) {
    const next = override[key];
    if (next === undefined) continue;
    if (next === null) {
      delete out[key];
      continue;
    }
    const current = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    setOwn(out, key, isPlainObject(current) && isPlainObject(next) ? deepMerge(current, next) : clone(next));
  }
  return out;
}

/**
 * A deep copy with every object's keys in code-unit order (the order of `sortedEntries`), so
 * that serializing it gives the same bytes whatever order the inputs were written in. Array
 * order is meaningful and kept.
 */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeysDeep(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Values = {};
  for (const key of Object.keys(value).sort(compareCodeUnits)) setOwn(out, key, sortKeysDeep(value[key]));
  return out as T;
}

/** Every string anywhere in a value, with the path where it was found (`a.b[2].c`). */
export function* stringsIn(value: unknown, path = ""): Generator<{ path: string; value: string }> {
  if (typeof value === "string") {
    yield { path, value };
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* stringsIn(item, `${path}[${i}]`);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, path === "" ? key : `${path}.${key}`);
  }
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) {
    const out: Values = {};
    for (const key of Object.keys(value)) setOwn(out, key, clone(value[key]));
    return out;
  }
  return value;
}

/**
 * Defines an own, enumerable property. Plain assignment of a key named `__proto__` would change
 * the object's prototype instead; values come from configuration files, so such keys are data.
 */
function setOwn(target: Values, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
