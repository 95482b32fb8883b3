/**
 * Validated agency files kept between processes (engine/persistent-cache.ts): a new `govcloud synth`
 * after one agency edit parses and validates that file alone. Parsing and validating YAML is most
 * of what loading a national estate costs (3,400 files).
 *
 * Sixty-four cache entries (shards) per environment hold, for each agency file (by absolute path),
 * the name it is shown under in diagnostics, the SHA-256 of its bytes, its validated value
 * and the few positions in it that every synthesis asks for (`agencySourceLookups`,
 * environments/source-map-file.ts: where the id and each workload are written, for sources.json),
 * and the value's digest (engine/digest.ts), which every synthesis needs for the fingerprints of
 * the agency's tenants: a new process need not write 3,400 values out as text again to hash them.
 * Entries are JSON (values are plain data, checked when stored: `isPlainJson`), which parses
 * about twice as fast as V8 serialization and leaves fewer objects for the garbage collector.
 *
 * A cached agency's source tree is not stored: its source map is a `LazySourceMap` that parses
 * the file's bytes the first time it is asked for any other position (a diagnostic, a
 * suppression the policy gate locates). The content hash guarantees that these are the bytes the
 * value was validated from (a file that changed since is refused), so every position is the one
 * a cold load gives.
 *
 * The entry's key is a fingerprint of the loader's code as loaded (environments/ and what it imports,
 * as engine/stack-reuse.ts does for the synthesis code), of engine/digest.ts and of
 * package-lock.json: a change to the loader, the schemas, the digest or a dependency makes every
 * file a miss. A file is served from the cache only when its bytes hash the same, or, without
 * reading them, when its stamp is the one recorded with them (engine/file-stamps.ts, as git's
 * index); only files that passed validation are stored, so every error is found again, with its
 * file:line:col, by the loader itself.
 */
import * as path from "node:path";
import { AGENCY_LIMITS, type AgencyFilesLoader, ENVIRONMENT_LIMITS, type EnvironmentFileReader, type LoadedAgency } from "../environments";
import { type AgencyRead, type AgencyReader, readContent, sameBytes, shownInFolder } from "./agency-read";
import type { Agency } from "../environments/agency-schema";
import { UserError } from "../environments/diagnostics";
import { readSourceMap } from "../environments/loader";
import type { Environment } from "../environments/schema";
import { type KnownPositions, LazySourceMap, type SourceTree, TreeSourceMap } from "../environments/source-map";
import { fingerprintFiles, loadedCodeFiles } from "./code-fingerprint";
import { digestOf, rememberDigest } from "./digest";
import { type Stamp, stampOf, unchangedSince } from "./file-stamps";
import type { DeferredWrites } from "./deferred-writes";
import { cacheDir, cacheFileName, isPlainJson, readCacheEntry, writeCacheEntry } from "./persistent-cache";

const KIND = "agencies";

const loaderFingerprints = new Map<string, string>();

/**
 * The files of the loader's module graph (environments/index.ts and what it imports, outside
 * node_modules), engine/digest.ts and package-lock.json, hashed once per process. Not the synthesis code's
 * fingerprint, which loads cdktf: commands that only read the estate do not need it.
 */
export function loaderFingerprint(repoRoot: string): string {
  const known = loaderFingerprints.get(repoRoot);
  if (known !== undefined) return known;
  const fingerprint = fingerprintFiles(repoRoot, loadedCodeFiles(repoRoot, ["../environments", "./digest"]));
  loaderFingerprints.set(repoRoot, fingerprint);
  return fingerprint;
}

/**
 * One agency file as stored: its absolute path, the name shown in diagnostics, content hash, known
 * positions, validated value and its digest, and the file's stamp when it was read
 * (engine/file-stamps.ts; "" for none) with the time it was taken.
 */
type StoredFile = readonly [file: string, shown: string, hash: string, known: KnownPositions, value: Agency, digest: string, stamp: string, stampedAtMs: number];

interface Stored {
  readonly files: readonly StoredFile[];
}

/** What the last load did with the cache, for tests and the bench. */
export interface AgencyCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Whether a shard was written: false too when the writes were handed to another thread. */
  readonly written: boolean;
}

let lastStats: AgencyCacheStats = { hits: 0, misses: 0, written: false };

export function lastAgencyCacheStats(): AgencyCacheStats {
  return lastStats;
}

let lastRead = 0;

/** How many agency files the last load through the cache read (the others' stamps were unchanged), for tests. */
export function lastAgencyFilesRead(): number {
  return lastRead;
}

/**
 * Entries per environment: an edit rewrites one of them, not the whole estate's (3,400 files).
 * A file's shard comes from its path. With 64, an entry of a 3,400-agency estate is about 90 kB:
 * its text stays below V8's large-object size (128 kB), and reading all of them costs a third
 * less than reading 16 entries four times as large (measured: 75 against 105 ms).
 */
const SHARDS = 64;

/** The shard of an absolute path: FNV-1a of its UTF-16 code units (stable across processes). */
function shardOf(agencyFile: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < agencyFile.length; i++) h = Math.imul(h ^ agencyFile.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SHARDS;
}

/** The cache files of an environment's agency files (one per shard); undefined when the cache is off. */
export function agencyCacheFiles(repoRoot: string, environmentPath: string): string[] | undefined {
  const dir = cacheDir(repoRoot);
  if (dir === undefined) return undefined;
  const base = cacheFileName(KIND, path.resolve(environmentPath)).replace(/\.bin$/, "");
  return Array.from({ length: SHARDS }, (_, shard) => path.join(dir, `${base}-${String(shard).padStart(2, "0")}.bin`));
}

function readShard(file: string, key: string): Map<string, StoredFile> | undefined {
  const stored = readCacheEntry<Stored>(file, KIND, key, "json");
  if (!Array.isArray(stored?.files)) return undefined;
  return new Map(stored.files.map((entry) => [entry[0], entry]));
}

/** The agency files stored for an environment (absolute path -> content hash), for tests. */
export function storedAgencyFiles(repoRoot: string, environmentPath: string): Map<string, string> {
  const stored = new Map<string, string>();
  for (const file of agencyCacheFiles(repoRoot, environmentPath) ?? []) {
    for (const [name, [, , contentHash]] of readShard(file, loaderFingerprint(repoRoot)) ?? []) stored.set(name, contentHash);
  }
  return stored;
}

/** An agency file loaded (not served from the cache) and valid, to be stored. */
interface LoadedFile {
  readonly absolute: string;
  /** The path as it was given to the loader. */
  readonly file: string;
  readonly shown: string;
  /** SHA-256 of the bytes it was loaded from. */
  readonly hash: string;
  readonly known: KnownPositions;
  readonly value: Agency;
  readonly stamp: Stamp | undefined;
  /** The value's digest, when the thread that read the file worked it out. */
  readonly digest: string | undefined;
}

/**
 * Everything that storing one load's agency files takes, as plain data that another thread can
 * take over (`govcloud synth` hands it to the policy gate's thread, engine/synth.ts): each shard
 * to write, with the entries it keeps and the files loaded into it.
 */
export interface AgencyStoreJob {
  readonly key: string;
  readonly shards: readonly { readonly file: string; readonly kept: readonly StoredFile[]; readonly loaded: readonly LoadedFile[] }[];
}

/** Where a load's agency files are stored: now, when `later` is flushed, or by `elsewhere` (another thread). */
export interface AgencyStoreOptions {
  readonly later?: DeferredWrites;
  readonly elsewhere?: (job: AgencyStoreJob) => void;
}

/**
 * Writes the shards of `job`. A loaded file is stored only when its value is plain data and the
 * file still reads the same as when it was loaded (an edit since is left for the next run to see):
 * its stamp unchanged and settled, else its bytes hashed again. Returns whether a shard was
 * written; a cache that cannot be written is no error.
 */
export function storeAgencyFiles(job: AgencyStoreJob): boolean {
  let written = false;
  for (const shard of job.shards) {
    const entries = [...shard.kept];
    for (const loaded of shard.loaded) {
      const now = loaded.stamp === undefined ? undefined : stampOf(loaded.file);
      const unchanged = loaded.stamp !== undefined && now !== undefined && unchangedSince(loaded.stamp.stamp, loaded.stamp.atMs, now);
      if (!isPlainJson(loaded.value) || (!unchanged && readContent(loaded.file, AGENCY_LIMITS.maxBytes)?.hash !== loaded.hash)) continue;
      const stored: StoredFile = [loaded.absolute, loaded.shown, loaded.hash, loaded.known, loaded.value, loaded.digest ?? digestOf(loaded.value), "", 0];
      entries.push(loaded.stamp === undefined ? stored : withStamp(stored, loaded.stamp));
    }
    written = writeCacheEntry(shard.file, KIND, job.key, { files: entries } satisfies Stored, "json") || written;
  }
  return written;
}

/**
 * `readFiles` with the persistent cache of `environmentPath`'s agency files in front of it (or
 * `readFiles` alone when the cache is off): the results are its own, in the same order. A file
 * never stored is left to `readFiles`, which reads it once and works out what the cache stores of it
 * (engine/agency-read.ts); a stored file is served when its stamp is unchanged since it was
 * recorded, or when its bytes hash the same. The files read are stored as `store` says (before
 * this returns by default).
 */
export function withAgencyFileCache(repoRoot: string, environmentPath: string, readFiles: AgencyReader, store: AgencyStoreOptions = {}): AgencyFilesLoader {
  const shardFiles = agencyCacheFiles(repoRoot, environmentPath);
  if (shardFiles === undefined) return (files) => readFiles(files, "none").map((r) => r.result);
  return (files) => {
    const key = loaderFingerprint(repoRoot);
    // Shards are read when first needed; a missing or damaged one holds nothing.
    const previous = new Map<number, Map<string, StoredFile>>();
    const shard = (n: number) => {
      let entries = previous.get(n);
      if (entries === undefined) {
        entries = readShard(shardFiles[n] as string, key) ?? new Map<string, StoredFile>();
        previous.set(n, entries);
      }
      return entries;
    };
    const next = Array.from({ length: SHARDS }, () => new Map<string, StoredFile>());
    const changed = new Set<number>();
    const results: (LoadedAgency | UserError)[] = new Array(files.length);
    const misses: { index: number; absolute: string; shard: number }[] = [];
    const shownIn = shownInFolder();
    // Files whose bytes are read: stored ones hashed here (their stamps did not vouch for them),
    // and ones never stored, read where they are validated. A changed file is read twice, counted once.
    let read = 0;
    for (const [index, agencyFile] of files.entries()) {
      // Only the key of the entry: a path written otherwise is a miss, never a wrong hit (the content hash decides).
      const absolute = path.isAbsolute(agencyFile) ? agencyFile : path.resolve(agencyFile);
      const n = shardOf(absolute);
      const entry = shard(n).get(absolute);
      const miss = () => {
        misses.push({ index, absolute, shard: n });
        changed.add(n);
      };
      // Never stored (a first run): read once, by the thread that validates it.
      if (entry === undefined) {
        read++;
        miss();
        continue;
      }
      const stamp = stampOf(agencyFile);
      const shown = shownIn(agencyFile);
      const hit = (source: LazySourceMap, stored: StoredFile) => {
        results[index] = { value: stored[4], source, path: agencyFile };
        rememberDigest(stored[4], stored[5]);
        next[n]!.set(absolute, stored);
        if (stored !== entry) changed.add(n);
      };
      if (entry[1] === shown && stamp !== undefined && storedUnchanged(entry, stamp)) {
        // The bytes the value was validated from, read only if a position is asked for.
        hit(new LazySourceMap(shown, entry[3], () => readSourceMap(sameBytes(agencyFile, entry[2], shown), shown, AGENCY_LIMITS)), entry);
        continue;
      }
      read++;
      const content = readContent(agencyFile, AGENCY_LIMITS.maxBytes, () => shown);
      if (content !== undefined && entry[2] === content.hash && entry[1] === content.shown) {
        const { bytes } = content;
        // The same bytes under a new stamp (a checkout, a touch): recorded, so that the next run need not read them.
        const restamped = stamp?.settled === true ? withStamp(entry, stamp) : entry;
        hit(new LazySourceMap(shown, entry[3], () => readSourceMap(bytes, shown, AGENCY_LIMITS)), restamped);
      } else {
        // Changed (a few files after an edit): read again where it is validated.
        miss();
      }
    }
    const stats = { hits: files.length - misses.length, misses: misses.length, written: false };
    lastStats = stats;
    lastRead = read;
    const reads = misses.length === 0 ? [] : readFiles(misses.map((m) => files[m.index] as string), "cache");
    // Valid files read, by shard (each shard with misses is rewritten).
    const loadedInto = new Map<number, LoadedFile[]>();
    for (const [i, miss] of misses.entries()) {
      const { result, facts } = reads[i] as AgencyRead;
      results[miss.index] = result;
      if (result instanceof UserError || facts === undefined) continue;
      const entry: LoadedFile = { absolute: miss.absolute, file: files[miss.index] as string, shown: facts.shown, hash: facts.hash, known: facts.known, value: result.value, stamp: facts.stamp, digest: facts.digest };
      const into = loadedInto.get(miss.shard);
      if (into === undefined) loadedInto.set(miss.shard, [entry]);
      else into.push(entry);
    }
    // Shards that lost files (removed agencies) are rewritten too.
    for (const [n, entries] of previous) if (entries.size !== next[n]!.size + (loadedInto.get(n)?.length ?? 0)) changed.add(n);
    const job: AgencyStoreJob = {
      key,
      shards: [...changed].sort((a, b) => a - b).map((n) => ({ file: shardFiles[n] as string, kept: [...next[n]!.values()], loaded: loadedInto.get(n) ?? [] })),
    };
    if (store.elsewhere !== undefined) store.elsewhere(job);
    else if (store.later !== undefined) store.later.add(() => (stats.written = storeAgencyFiles(job)));
    else stats.written = storeAgencyFiles(job);
    return results;
  };
}

const ENVIRONMENT_KIND = "environment";

/** The environment file as stored: the name shown in diagnostics, content hash, validated value and source tree. */
interface StoredEnvironment {
  readonly shown: string;
  readonly hash: string;
  readonly value: Environment;
  readonly tree: SourceTree;
}

/** The cache file of an environment file; undefined when the cache is off. */
export function environmentCacheFile(repoRoot: string, environmentPath: string): string | undefined {
  const dir = cacheDir(repoRoot);
  return dir === undefined ? undefined : path.join(dir, cacheFileName(ENVIRONMENT_KIND, path.resolve(environmentPath)));
}

let lastEnvironmentHit = false;

/** Whether the last environment file read with the cache came from it, for tests. */
export function lastEnvironmentCacheHit(): boolean {
  return lastEnvironmentHit;
}

/**
 * Reads environment files through the persistent cache (or validates them every time when the
 * cache is off): the validated value with its source tree (one file, a small tree: every run
 * locates settings in it for sources.json, and the policy gate's thread receives it), served when
 * the file's bytes hash the same under the same loader code; stored when valid.
 */
export function environmentFileCache(repoRoot: string): EnvironmentFileReader | undefined {
  if (cacheDir(repoRoot) === undefined) return undefined;
  return (file, load) => {
    const cacheFile = environmentCacheFile(repoRoot, file) as string;
    const key = loaderFingerprint(repoRoot);
    const content = readContent(file, ENVIRONMENT_LIMITS.maxBytes);
    const stored = content === undefined ? undefined : readCacheEntry<StoredEnvironment>(cacheFile, ENVIRONMENT_KIND, key);
    lastEnvironmentHit = content !== undefined && stored?.hash === content.hash && stored.shown === content.shown;
    if (lastEnvironmentHit) return { value: (stored as StoredEnvironment).value, source: new TreeSourceMap(content!.shown, (stored as StoredEnvironment).tree) };
    const loaded = load();
    if (content !== undefined && loaded.source instanceof TreeSourceMap && isPlainJson(loaded.value) && readContent(file, ENVIRONMENT_LIMITS.maxBytes)?.hash === content.hash) {
      writeCacheEntry(cacheFile, ENVIRONMENT_KIND, key, { shown: content.shown, hash: content.hash, value: loaded.value, tree: loaded.source.tree } satisfies StoredEnvironment);
    }
    return loaded;
  };
}

/** Whether the file of `stored` is unchanged since it was stamped. */
function storedUnchanged(stored: StoredFile, now: Stamp): boolean {
  return unchangedSince(stored[6], stored[7], now);
}

function withStamp(stored: StoredFile, stamp: Stamp): StoredFile {
  return [stored[0], stored[1], stored[2], stored[3], stored[4], stored[5], stamp.stamp, stamp.atMs];
}
