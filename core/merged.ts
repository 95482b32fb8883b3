/**
 * `{ ...a, ...b }` for plain data, made so that objects built the same way share a hidden class.
 *
 * V8 as Node.js 20 ships it (11.3) gives every object made by spreading and then adding
 * properties (`{ ...meta, name, data }`, or `{ ...values }` and then `copy[field] = ...`) a
 * hidden class of its own: 19,991 of 20,000 such objects in a row had a map different from the
 * one before, against none for the same objects made with `Object.assign({}, ...)` or
 * `Object.fromEntries`. A cold `govcloud synth` of the 3,400-agency estate held 98,000 objects
 * with a hidden class each (26 MiB of maps and 15 MiB of their descriptors in a heap of 199 MiB,
 * heap snapshot), and every function that reads those objects met a new shape each time
 * (docs/tenant-stacks.md). Tenant instances and their per-instance copies are made with this.
 */

/**
 * The parts' own enumerable properties, later parts winning, in the order `{ ...a, ...b }` gives
 * them. Made with Object.assign, which sets properties where spreading defines them: the same for
 * plain data, but for a key named `__proto__`, which configuration can hold as data; a part that
 * has one is spread instead. Undefined and null parts add nothing, as in a spread.
 */
export function merged<const P extends readonly (object | null | undefined)[]>(...parts: P): Merged<P> {
  for (const part of parts) {
    if (part !== undefined && part !== null && Object.hasOwn(part, "__proto__")) return parts.reduce<object>((out, p) => ({ ...out, ...p }), {}) as Merged<P>;
  }
  return Object.assign({}, ...parts) as Merged<P>;
}

/** The type of `{ ...P[0], ...P[1], ... }`: later parts' properties replace earlier ones; an undefined or null part adds nothing. */
export type Merged<P extends readonly (object | null | undefined)[], Acc = unknown> = P extends readonly [infer Head, ...infer Rest extends readonly (object | null | undefined)[]]
  ? Merged<Rest, Head extends undefined | null ? Acc : unknown extends Acc ? Head : Omit<Acc, keyof Head> & Head>
  : unknown extends Acc
    ? Record<string, never>
    : Acc;
