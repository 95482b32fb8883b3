/**
 * govcloud's persistent cache: work that a later process can take instead of doing it again,
 * under `node_modules/.cache/govcloud` (GOVCLOUD_CACHE_DIR elsewhere, `off` for none). Safe to
 * delete at any time: every entry is only a shortcut to a result the process can compute, and
 * a missing, unreadable, corrupted or outdated entry is a miss, never an error.
 *
 * One entry is one file: a header line, then the value as V8 serialization (what crosses between
 * threads, so a value comes back as structuredClone would give it):
 *
 *     govcloud-cache <format> <kind> <V8 version> <body bytes> <sha256 of body>\n<body>
 *
 * Reading checks all of it (a truncated or altered file fails the length or the checksum) and
 * then the entry's key, which names everything the value was made from (the code fingerprint
 * among it). Entries are written with write-file-atomic: readers see the old file or the new one.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import writeFileAtomic from "write-file-atomic";

const MAGIC = "govcloud-cache";
/** Bumped whenever the layout of any entry changes. */
const FORMAT = "1";

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
export function readCacheEntry<T>(file: string, kind: string, key: string): T | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 400) return undefined;
  const [magic, format, entryKind, v8Version, length, checksum, ...rest] = bytes.subarray(0, newline).toString("latin1").split(" ");
  if (magic !== MAGIC || format !== FORMAT || entryKind !== kind || v8Version !== process.versions.v8 || rest.length > 0) return undefined;
  const body = bytes.subarray(newline + 1);
  if (String(body.length) !== length || createHash("sha256").update(body).digest("hex") !== checksum) return undefined;
  try {
    const stored = v8.deserialize(body) as { key?: unknown; value?: unknown };
    return stored.key === key ? (stored.value as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value` under `key` in `file`, atomically. A cache that cannot be written is no error. */
export function writeCacheEntry(file: string, kind: string, key: string, value: unknown): boolean {
  try {
    const body = v8.serialize({ key, value });
    const header = `${MAGIC} ${FORMAT} ${kind} ${process.versions.v8} ${body.length} ${createHash("sha256").update(body).digest("hex")}\n`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic.sync(file, Buffer.concat([Buffer.from(header, "latin1"), body]));
    return true;
  } catch {
    return false; // read-only node_modules, a full disk: the next run computes again
  }
}
