/**
 * govcloud's persistent cache: work that a later process can take instead of doing it again,
 * under `node_modules/.cache/govcloud` (GOVCLOUD_CACHE_DIR elsewhere, `off` for none). Safe to
 * delete at any time: every entry is only a shortcut to a result the process can compute, and
 * a missing, unreadable, corrupted or outdated entry is a miss, never an error.
 *
 * One entry is one file: a header line, then the value in one of two encodings:
 *
 *     govcloud-cache <format> <kind> <encoding> <body bytes> <sha256 of body>\n<body>
 *
 * - `v8:<V8 version>`: V8 serialization (what crosses between threads, so a value comes back as
 *   structuredClone would give it: Maps, undefined, shared objects);
 * - `json`: JSON text in ASCII (other characters escaped as `\uXXXX`), for plain data only (the caller checks that it is, {@link isPlainJson}).
 *   Parsing JSON is about twice as fast as V8 deserialization for large plain values, and makes
 *   fewer objects for the garbage collector to move.
 *
 * Reading checks all of it (a truncated or altered file fails the length or the checksum) and
 * then the entry's key, which names everything the value was made from (the code fingerprint
 * among it). Entries are written with write-file-atomic: readers see the old file or the new one.
 */
import { createHash, hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import writeFileAtomic from "write-file-atomic";

const MAGIC = "govcloud-cache";
/** Bumped whenever the layout of any entry changes. */
const FORMAT = "2";

/** How an entry's value is written: V8 serialization (any value a thread can receive) or JSON (plain data). */
export type CacheEncoding = "v8" | "json";

function encodingName(encoding: CacheEncoding): string {
  return encoding === "json" ? "json" : `v8:${process.versions.v8}`;
}

/** The cache folder, or undefined when the cache is off (GOVCLOUD_CACHE_DIR=off). */
export function cacheDir(repoRoot: string): string | undefined {
  const setting = process.env.GOVCLOUD_CACHE_DIR;
  if (setting === "off") return undefined;
  return setting !== undefined && setting !== "" ? path.resolve(setting) : path.join(repoRoot, "node_modules", ".cache", "govcloud");
}

/** A short name for a cache file from what it belongs to (an environment file, ...). */
export function cacheFileName(kind: string, owner: string): string {
  return `${kind}-${createHash("sha256").update(owner).digest("hex").slice(0, 24)}.bin`;
}

/** The value stored in `file` under `key`, or undefined when it is missing, damaged, or of another key. */
export function readCacheEntry<T>(file: string, kind: string, key: string, encoding: CacheEncoding = "v8"): T | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 400) return undefined;
  const [magic, format, entryKind, entryEncoding, length, checksum, ...rest] = bytes.subarray(0, newline).toString("latin1").split(" ");
  if (magic !== MAGIC || format !== FORMAT || entryKind !== kind || entryEncoding !== encodingName(encoding) || rest.length > 0) return undefined;
  const body = bytes.subarray(newline + 1);
  if (String(body.length) !== length || hash("sha256", body, "hex") !== checksum) return undefined;
  try {
    // JSON bodies are ASCII (written so): latin1 decodes them fastest, to a one-byte string.
    const stored = (encoding === "json" ? JSON.parse(body.toString("latin1")) : v8.deserialize(body)) as { key?: unknown; value?: unknown } | null;
    return stored?.key === key ? (stored.value as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value` under `key` in `file`, atomically. A cache that cannot be written is no error. */
export function writeCacheEntry(file: string, kind: string, key: string, value: unknown, encoding: CacheEncoding = "v8"): boolean {
  try {
    const body = encoding === "json" ? asciiJson({ key, value }) : v8.serialize({ key, value });
    const header = `${MAGIC} ${FORMAT} ${kind} ${encodingName(encoding)} ${body.length} ${hash("sha256", body, "hex")}\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // No fsync (write-file-atomic's default; 0.1 s of a first national synthesis): a file a crash
    // leaves short or garbled fails its length or checksum above and is computed again.
    writeFileAtomic.sync(file, Buffer.concat([Buffer.from(header, "latin1"), body]), { fsync: false });
    return true;
  } catch {
    return false; // read-only node_modules, a full disk: the next run computes again
  }
}

/**
 * The JSON text of `value` in ASCII, every other character escaped as `\uXXXX` (JSON.parse gives
 * the same value). Encoded to UTF-8 natively, then each multi-byte sequence is replaced by the
 * escapes of its UTF-16 code units: a regular expression with a replacer function over the text
 * of a cache shard (6 MB, a few thousand Vietnamese letters) took about four times as long.
 * JSON.stringify escapes lone surrogates itself, so the UTF-8 is well formed.
 */
export function asciiJson(value: unknown): Buffer {
  const utf8 = Buffer.from(JSON.stringify(value), "utf8");
  let length = utf8.length;
  for (let i = 0; i < utf8.length; i++) {
    const byte = utf8[i] as number;
    // A lead byte: 2, 3 or 4 bytes become one escape (6 bytes), or two for a 4-byte sequence.
    if (byte >= 0xf0) length += 12 - 4;
    else if (byte >= 0xe0) length += 6 - 3;
    else if (byte >= 0xc0) length += 6 - 2;
  }
  if (length === utf8.length) return utf8;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  let from = 0;
  const escape = (unit: number) => {
    at += out.write(`\\u${unit.toString(16).padStart(4, "0")}`, at, "latin1");
  };
  for (let i = 0; i < utf8.length; ) {
    const byte = utf8[i] as number;
    if (byte < 0x80) {
      i++;
      continue;
    }
    at += utf8.copy(out, at, from, i);
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    let point = byte & (size === 4 ? 0x07 : size === 3 ? 0x0f : 0x1f);
    for (let k = 1; k < size; k++) point = (point << 6) | ((utf8[i + k] as number) & 0x3f);
    if (point >= 0x10000) {
      escape(0xd800 + ((point - 0x10000) >> 10));
      escape(0xdc00 + ((point - 0x10000) & 0x3ff));
    } else escape(point);
    i += size;
    from = i;
  }
  at += utf8.copy(out, at, from, utf8.length);
  if (at !== length) throw new Error("internal: ASCII JSON length");
  return out;
}

/**
 * Whether JSON gives `value` back exactly (JSON.parse(JSON.stringify(value)) is deeply equal,
 * own keys in the same order): only strings, finite numbers but -0, booleans, null, dense arrays
 * and plain objects of enumerable data properties, to a bounded depth. Dates, Maps, undefined,
 * class instances, getters and `__proto__` keys are not.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > 100) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || Reflect.ownKeys(value).length !== value.length + 1) return false; // + "length"
    for (let i = 0; i < value.length; i++) if (!Object.hasOwn(value, i) || !isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  if (proto !== Object.prototype) return false;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== "string" || key === "__proto__") return false;
    const property = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
    if (!property.enumerable || !("value" in property) || !isPlainJson(property.value, depth + 1)) return false;
  }
  return true;
}
