/**
 * Validated files remembered between loads, for long-running processes (`govcloud synth
 * --watch`): after an edit, only the files that changed are read, parsed and validated again.
 * A file is unchanged when its stamp (inode, size, modification and change times) is the same
 * and it was last modified well before it was cached; a file modified around the time it was
 * cached (the "racy" case of file systems with coarse timestamps, as in git's index) is compared
 * byte for byte instead.
 */
import * as fs from "node:fs";
import { UserError } from "./diagnostics";

/** A file modified less than this before it was cached is compared by content, not by stamp. */
const RACY_MS = 2000;

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
    const stat = statOf(file);
    const cached = stat === undefined ? undefined : this.unchanged(file, stat);
    if (cached !== undefined) {
      this.hitCount++;
      if (cached.result.ok) return cached.result.value as T;
      throw cached.result.error;
    }
    this.missCount++;
    // Read before loading: a write while the loader reads makes the next load miss, never hit.
    const bytes = stat === undefined ? undefined : readOrUndefined(file);
    const remember = (result: Entry["result"]) => {
      if (stat === undefined || bytes === undefined) return this.entries.delete(file);
      return this.entries.set(file, { stamp: stat.stamp, mtimeMs: stat.mtimeMs, cachedAtMs: Date.now(), bytes, result });
    };
    try {
      const value = load();
      remember({ ok: true, value });
      return value;
    } catch (error) {
      if (error instanceof UserError) remember({ ok: false, error });
      else this.entries.delete(file);
      throw error;
    }
  }

  /** Files served from the cache and files loaded again, since the last call. */
  public takeStats(): { hits: number; misses: number } {
    const stats = { hits: this.hitCount, misses: this.missCount };
    this.hitCount = 0;
    this.missCount = 0;
    return stats;
  }

  private unchanged(file: string, stat: Stat): Entry | undefined {
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

interface Stat {
  readonly stamp: string;
  readonly mtimeMs: number;
}

function statOf(file: string): Stat | undefined {
  try {
    const s = fs.statSync(file, { bigint: true });
    return { stamp: `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, mtimeMs: Number(s.mtimeMs) };
  } catch {
    return undefined; // unreadable: never cached, the loader reports it
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
