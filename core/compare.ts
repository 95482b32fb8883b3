/**
 * Ordering that does not depend on the machine: strings by UTF-16 code units (as `Array.sort`
 * without a comparator, and as json-stable-stringify sorts keys), never by locale.
 */

/** Orders two strings by UTF-16 code units: a comparator for `sort`. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted entries of a record: iteration order of config maps never leaks into the output. */
export function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compare(a, b));
}

/**
 * `items` ordered by `key` (UTF-16 code units, stable): `items` itself when already in order, as
 * the agencies handed down by buildEstate are, else a sorted copy.
 */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if (key(items[i - 1] as T) > key(items[i] as T)) return [...items].sort((a, b) => compare(key(a), key(b)));
  }
  return items;
}
