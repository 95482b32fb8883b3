/**
 * Validated agency files kept between processes (engine/persistent-cache.ts): a new `govcloud synth`
 * after one agency edit parses and validates that file alone. Parsing and validating YAML is most
 * of what loading a national estate costs (3,400 files).
 *
 * Sixteen cache entries (shards) per environment hold, for each agency file, the SHA-256 of its bytes (and of
 * the name it is shown under in diagnostics) and its validated value with its source tree. The
 * entry's key is a fingerprint of the loader's code as loaded (environments/ and what it imports,
 * as engine/stack-reuse.ts does for the synthesis code) and of package-lock.json: a change to the
 * loader, the schemas or a dependency makes every file a miss. A file is served from the cache only when its bytes
 * hash the same; only files that passed validation are stored, so every error is found again,
 * with its file:line:col, by the loader itself.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { AGENCY_LIMITS, type AgencyFilesLoader, type LoadedAgency } from "../environments";
import { fromPortableAgency, type PortableAgency, toPortableAgency } from "./portable";
import { displayPath, UserError } from "../environments/diagnostics";
import { readYamlBytes } from "../environments/loader";
import { fingerprintFiles, loadedCodeFiles } from "./code-fingerprint";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";

const KIND = "agencies";

const loaderFingerprints = new Map<string, string>();

/**
 * The files of the loader's module graph (environments/index.ts and what it imports, outside
 * node_modules) and package-lock.json, hashed once per process. Not the synthesis code's
 * fingerprint, which loads cdktf: commands that only read the estate do not need it.
 */
export function loaderFingerprint(repoRoot: string): string {
  const known = loaderFingerprints.get(repoRoot);
  if (known !== undefined) return known;
  const fingerprint = fingerprintFiles(repoRoot, loadedCodeFiles(repoRoot, ["../environments"]));
  loaderFingerprints.set(repoRoot, fingerprint);
  return fingerprint;
}

interface Stored {
  /** Agency file (absolute) -> [content hash, validated agency]. */
  readonly files: Map<string, readonly [string, PortableAgency]>;
}

/** What the last load did with the cache, for tests and the bench. */
export interface AgencyCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly written: boolean;
}

let lastStats: AgencyCacheStats = { hits: 0, misses: 0, written: false };

export function lastAgencyCacheStats(): AgencyCacheStats {
  return lastStats;
}

/**
 * Entries per environment: an edit rewrites one of them, not the whole estate's (3,400 files
 * with their source trees). A file's shard comes from its path.
 */
const SHARDS = 16;

function shardOf(agencyFile: string): number {
  return createHash("sha256").update(path.resolve(agencyFile)).digest()[0]! % SHARDS;
}

/** The cache files of an environment's agency files (one per shard); undefined when the cache is off. */
export function agencyCacheFiles(repoRoot: string, environmentPath: string): string[] | undefined {
  const dir = cacheDir(repoRoot);
  if (dir === undefined) return undefined;
  const base = cacheFileName(KIND, path.resolve(environmentPath)).replace(/\.bin$/, "");
  return Array.from({ length: SHARDS }, (_, shard) => path.join(dir, `${base}-${String(shard).padStart(2, "0")}.bin`));
}

function readShard(file: string, key: string): Map<string, readonly [string, PortableAgency]> | undefined {
  const stored = readCacheEntry<Stored>(file, KIND, key);
  return stored?.files instanceof Map ? stored.files : undefined;
}

/** The agency files stored for an environment (absolute path -> content hash), for tests. */
export function storedAgencyFiles(repoRoot: string, environmentPath: string): Map<string, string> {
  const stored = new Map<string, string>();
  for (const file of agencyCacheFiles(repoRoot, environmentPath) ?? []) {
    for (const [name, [hash]] of readShard(file, loaderFingerprint(repoRoot)) ?? []) stored.set(name, hash);
  }
  return stored;
}

/**
 * `load` with the persistent cache of `environmentPath`'s agency files in front of it (or `load`
 * itself when the cache is off). Results are the same, in the same order, as `load`'s own.
 */
export function withAgencyFileCache(repoRoot: string, environmentPath: string, load: AgencyFilesLoader): AgencyFilesLoader {
  const shardFiles = agencyCacheFiles(repoRoot, environmentPath);
  if (shardFiles === undefined) return load;
  return (files) => {
    const key = loaderFingerprint(repoRoot);
    // Shards are read when first needed; a missing or damaged one holds nothing.
    const previous = new Map<number, Map<string, readonly [string, PortableAgency]>>();
    const shard = (n: number) => {
      let entries = previous.get(n);
      if (entries === undefined) {
        entries = readShard(shardFiles[n] as string, key) ?? new Map();
        previous.set(n, entries);
      }
      return entries;
    };
    const next = Array.from({ length: SHARDS }, () => new Map<string, readonly [string, PortableAgency]>());
    const changed = new Set<number>();
    const results: (LoadedAgency | UserError)[] = new Array(files.length);
    const misses: { index: number; shard: number; hash: string | undefined }[] = [];
    for (const [index, agencyFile] of files.entries()) {
      const n = shardOf(agencyFile);
      const hash = contentHash(agencyFile);
      const entry = shard(n).get(path.resolve(agencyFile));
      if (hash !== undefined && entry !== undefined && entry[0] === hash) {
        const result = fromPortableAgency(entry[1]);
        results[index] = result instanceof UserError ? result : { ...result, path: agencyFile };
        next[n]!.set(path.resolve(agencyFile), entry);
      } else {
        misses.push({ index, shard: n, hash });
        changed.add(n);
      }
    }
    const loaded = misses.length === 0 ? [] : load(misses.map((m) => files[m.index] as string));
    for (const [i, miss] of misses.entries()) {
      const agencyFile = files[miss.index] as string;
      const result = loaded[i] as LoadedAgency | UserError;
      results[miss.index] = result;
      // Stored only when valid, and only when the file read the same before and after loading
      // (an edit while it was loaded is left for the next run to see).
      if (result instanceof UserError || miss.hash === undefined || contentHash(agencyFile) !== miss.hash) continue;
      next[miss.shard]!.set(path.resolve(agencyFile), [miss.hash, toPortableAgency(result, agencyFile)]);
    }
    // Shards that lost files (removed agencies) are rewritten too.
    for (const [n, entries] of previous) if (entries.size !== next[n]!.size) changed.add(n);
    let written = false;
    for (const n of [...changed].sort((a, b) => a - b)) {
      written = writeCacheEntry(shardFiles[n] as string, KIND, key, { files: next[n]! } satisfies Stored) || written;
    }
    lastStats = { hits: files.length - misses.length, misses: misses.length, written };
    return results;
  };
}

/** SHA-256 of the name shown in diagnostics and of the file's bytes; undefined when it cannot be read as an agency file. */
function contentHash(file: string): string | undefined {
  try {
    const bytes = readYamlBytes(file, AGENCY_LIMITS);
    return createHash("sha256").update(displayPath(file)).update("\0").update(bytes).digest("hex");
  } catch {
    return undefined;
  }
}
