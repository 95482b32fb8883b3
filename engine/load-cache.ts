/**
 * Validated files remembered between loads, for long-running processes (`govcloud synth
 * --watch`): after an edit, only the files that changed are read, parsed and validated again.
 * A file is unchanged when its stamp (engine/file-stamps.ts: device, inode, size, modification and
 * change times) is the same and it was last modified well before it was cached; a file modified
 * around the time it was cached (the "racy" case of file systems with coarse timestamps, as in
 * git's index) is compared byte for byte instead.
 */
import * as fs from "node:fs";
import { UserError } from "../environments/diagnostics";
import { RACY_MS, type Stamp, stampOf } from "./file-stamps";

interface Entry {
  readonly stamp: string;
  readonly mtimeMs: number;
  readonly cachedAtMs: number;
  readonly bytes: Buffer;
  readonly result: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: UserError };
}

export class LoadCache {
  private readonly entries = new Map<string, Entry>();
  private hitCount = 0;
  private missCount = 0;

  /** `load()`, or what it returned (or threw as a UserError) when `file` was last loaded unchanged. */
  public load<T>(file: string, load: () => T): T {
    const [result] = this.loadAll([file], () => {
      try {
        return [load()];
      } catch (error) {
        if (error instanceof UserError) return [error];
        throw error;
      }
    });
    if (result instanceof UserError) throw result;
    return result as T;
  }

  /**
   * Like `load()` for many files: those not served from the cache are loaded in one call of
   * `loadMany`, which returns, in order, each file's value or the UserError it failed with (so
   * that it can spread the work over threads). Results are in the order of `files`.
   */
  public loadAll<T>(files: readonly string[], loadMany: (files: readonly string[]) => (T | UserError)[]): (T | UserError)[] {
    const results: (T | UserError | undefined)[] = [];
    const misses: { index: number; file: string; stat: Stamp | undefined; bytes: Buffer | undefined }[] = [];
    for (const [index, file] of files.entries()) {
      const stat = stampOf(file);
      const cached = stat === undefined ? undefined : this.unchanged(file, stat);
      if (cached !== undefined) {
        this.hitCount++;
        results[index] = cached.result.ok ? (cached.result.value as T) : cached.result.error;
        continue;
      }
      this.missCount++;
      // Read before loading: a write while the loader reads makes the next load miss, never hit.
      misses.push({ index, file, stat, bytes: stat === undefined ? undefined : readOrUndefined(file) });
    }
    let loaded: (T | UserError)[];
    try {
      loaded = misses.length === 0 ? [] : loadMany(misses.map((m) => m.file));
    } catch (error) {
      for (const miss of misses) this.entries.delete(miss.file);
      throw error;
    }
    for (const [i, miss] of misses.entries()) {
      const result = loaded[i] as T | UserError;
      results[miss.index] = result;
      if (miss.stat === undefined || miss.bytes === undefined) this.entries.delete(miss.file);
      else {
        this.entries.set(miss.file, {
          stamp: miss.stat.stamp,
          mtimeMs: miss.stat.mtimeMs,
          cachedAtMs: Date.now(),
          bytes: miss.bytes,
          result: result instanceof UserError ? { ok: false, error: result } : { ok: true, value: result },
        });
      }
    }
    return results as (T | UserError)[];
  }

  /** Files served from the cache and files loaded again, since the last call. */
  public takeStats(): { hits: number; misses: number } {
    const stats = { hits: this.hitCount, misses: this.missCount };
    this.hitCount = 0;
    this.missCount = 0;
    return stats;
  }

  private unchanged(file: string, stat: Stamp): Entry | undefined {
    const entry = this.entries.get(file);
    if (entry === undefined || entry.stamp !== stat.stamp) return undefined;
    if (entry.mtimeMs < entry.cachedAtMs - RACY_MS) return entry;
    const bytes = readOrUndefined(file);
    if (bytes === undefined || !bytes.equals(entry.bytes)) return undefined;
    // Same content seen now: once the file is old enough, its stamp alone will do.
    const confirmed = { ...entry, cachedAtMs: Date.now() };
    this.entries.set(file, confirmed);
    return confirmed;
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
