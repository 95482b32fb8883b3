/**
 * File stamps, for the persistent caches that skip reading files which have not changed since
 * they were recorded, as git's index does: device, inode, size, modification and change times
 * (nanoseconds). The change time cannot be set back by any program, so a write, a rename over
 * the file or a reset of its modification time always gives another stamp. A file modified less
 * than {@link RACY_MS} before its stamp was taken may be modified again with the same stamp on a
 * file system whose clock is coarse: such a stamp is never trusted (the "racy" entries of git's
 * index). Used by the watch session's file cache (engine/load-cache.ts) and the persistent ones.
 */
import * as fs from "node:fs";

export const RACY_MS = 2000;

export interface Stamp {
  readonly stamp: string;
  readonly mtimeMs: number;
  /** When the stamp was taken (epoch ms). */
  readonly atMs: number;
  /** Last modified more than RACY_MS before the stamp was taken: trusted once recorded. */
  readonly settled: boolean;
}

/** The stamp of a regular file; undefined for anything else, or when it cannot be read. */
export function stampOf(file: string): Stamp | undefined {
  let s: fs.BigIntStats | undefined;
  try {
    s = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined; // unreadable: the loader reads it and reports why
  }
  if (s === undefined || !s.isFile()) return undefined;
  const atMs = Date.now();
  const mtimeMs = Number(s.mtimeMs);
  return { stamp: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, mtimeMs, atMs, settled: mtimeMs < atMs - RACY_MS };
}

/**
 * Whether a file whose stamp is `now` is unchanged since `recorded` was recorded at `recordedAtMs`:
 * the same stamp, of a file already settled then.
 */
export function unchangedSince(recorded: string, recordedAtMs: number, now: Stamp): boolean {
  return recorded !== "" && recorded === now.stamp && now.mtimeMs < recordedAtMs - RACY_MS;
}
