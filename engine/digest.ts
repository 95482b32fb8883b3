/**
 * Content digests of estate data (plain JSON, Maps included), for fingerprints: the same data
 * always gives the same digest, whatever the order its Maps were filled in.
 */
import { createHash } from "node:crypto";

/** Maps become sorted entry lists. */
function canonical(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return value;
}

/**
 * The text of objects already digested. Estate data is never changed once built, and the same
 * object is often digested more than once (an agency for its home and its DR tenant).
 */
const texts = new WeakMap<object, string>();

function textOf(part: unknown): string {
  if (typeof part === "string") return part;
  if (part === null || typeof part !== "object") return JSON.stringify(part, canonical) ?? "undefined";
  let text = texts.get(part);
  if (text === undefined) {
    text = JSON.stringify(part, canonical) ?? "undefined";
    texts.set(part, text);
  }
  return text;
}

/** SHA-256 (hex) of the parts, in order; strings are taken as they are. */
export function digest(...parts: unknown[]): string {
  const h = createHash("sha256");
  for (const part of parts) h.update(textOf(part)).update("\0");
  return h.digest("hex");
}
