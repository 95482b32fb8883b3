/**
 * Content digests of estate data (plain JSON, Maps included), for fingerprints: the same data
 * always gives the same digest, whatever the order its Maps were filled in.
 */
import { hash } from "node:crypto";

/** Maps become sorted entry lists. */
function canonical(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return value;
}

/**
 * The canonical JSON text of a value: what its digest is the SHA-256 of. Written first without the
 * replacer, which makes JSON.stringify take its slow path: a Map, the one thing the replacer
 * changes, is written `{}` without it (estate data sets no properties on its Maps), so a text
 * with no `{}` anywhere is the canonical one.
 */
export function canonicalText(value: unknown): string {
  const plain = JSON.stringify(value);
  if (plain !== undefined && !plain.includes("{}")) return plain;
  return JSON.stringify(value, canonical) ?? "undefined";
}

function sha256(text: string): string {
  return hash("sha256", text, "hex");
}

/**
 * The digests of objects already digested. Estate data is never changed once built, and the same
 * object is often digested more than once (an agency for its home and its DR tenant). Only the
 * digest is kept, not the text: a text as long as the object would outlive it in the young
 * generation, which every scavenge copies.
 */
const objectDigests = new WeakMap<object, string>();

/** What a part contributes: a string as it is, an object the digest of its canonical text (once). */
function partOf(part: unknown): string {
  if (typeof part === "string") return part;
  if (part === null || typeof part !== "object") return canonicalText(part);
  let value = objectDigests.get(part);
  if (value === undefined) {
    value = sha256(canonicalText(part));
    objectDigests.set(part, value);
  }
  return value;
}

/**
 * SHA-256 (hex) of the parts, in order; strings are taken as they are, an object by the SHA-256
 * of its canonical JSON (so every field of it counts, as with its text). One object alone is
 * its own digest, {@link digestOf}.
 */
export function digest(...parts: unknown[]): string {
  if (parts.length === 1 && parts[0] !== null && typeof parts[0] === "object") return partOf(parts[0]);
  let text = "";
  for (const part of parts) text += `${partOf(part)}\0`;
  return sha256(text);
}

/**
 * Records `value`'s digest, worked out from the same data by an earlier process (the persistent
 * cache keeps each validated agency's, engine/agency-file-cache.ts): `digest(value)` then returns
 * it without writing the text out again.
 */
export function rememberDigest(value: object, known: string): void {
  objectDigests.set(value, known);
}

/**
 * The digest of one object, `digest(value)`, without remembering it: for an object made only to
 * be digested, which nothing will digest again.
 */
export function digestOf(value: object): string {
  return objectDigests.get(value) ?? sha256(canonicalText(value));
}
