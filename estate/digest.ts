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

/** SHA-256 (hex) of the parts, in order; strings are taken as they are. */
export function digest(...parts: unknown[]): string {
  const h = createHash("sha256");
  for (const part of parts) h.update(typeof part === "string" ? part : JSON.stringify(part, canonical) ?? "undefined").update("\0");
  return h.digest("hex");
}
