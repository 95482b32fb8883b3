/**
 * Tenants' instance counts, kept between processes (engine/persistent-cache.ts), so that a new
 * process need not build every tenant before it knows what changed.
 *
 * buildEstate needs each tenant's instance count (shard placement, a stack's resource count)
 * before any stack is synthesized; the blocks themselves are needed only by the stacks that are
 * synthesized (engine/tenant-builders.ts merges them on first use). A tenant's count is a function
 * of its digest (engine/tenant-keys.ts: its task, agency included), the environment and the code
 * of `buildTenant`: the entry's key names the last two, and the entry maps each tenant digest to
 * its count. With every count known, no tenant is built up front: a stack's fingerprint comes
 * from its tenants' digests (engine/stack-reuse.ts), and only the tenants of stacks that are
 * synthesized again are built, when their blocks are merged. Tenants without a known count are
 * built by the builder behind it, as without the cache.
 */
import * as path from "node:path";
import type { TenantBuilder } from "../estate/tenant-builder";
import type { TenantTask } from "../estate/tenant-task";
import { fingerprintFiles, loadedCodeFiles } from "./code-fingerprint";
import { digest } from "./digest";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";
import { tenantDigest } from "./tenant-keys";

const KIND = "tenant-counts";

const builderFingerprints = new Map<string, string>();

/** A fingerprint of `buildTenant` and everything it loads (not cdktf: the estate is plain data). */
function builderFingerprint(repoRoot: string): string {
  let fingerprint = builderFingerprints.get(repoRoot);
  if (fingerprint === undefined) {
    fingerprint = fingerprintFiles(repoRoot, loadedCodeFiles(repoRoot, ["../estate/tenant-task"]));
    builderFingerprints.set(repoRoot, fingerprint);
  }
  return fingerprint;
}

/** The cache file of an environment's tenant counts; undefined when the cache is off. */
export function tenantCountFile(repoRoot: string, environmentPath: string): string | undefined {
  const dir = cacheDir(repoRoot);
  return dir === undefined ? undefined : path.join(dir, cacheFileName(KIND, path.resolve(environmentPath)));
}

/** What the last build with the cache did: tenants built up front, and tenants whose count was known. */
let lastUse = { built: 0, known: 0 };

export function lastTenantCountUse(): { readonly built: number; readonly known: number } {
  return lastUse;
}

/**
 * `inner` with the persistent counts of `environmentPath`'s tenants in front of it (or `inner`
 * itself when the cache is off): `inner` is started with the tenants whose count is not known
 * only. Counts and blocks are those of `inner` alone.
 */
export function withTenantCountCache(repoRoot: string, environmentPath: string, inner: TenantBuilder): TenantBuilder {
  const file = tenantCountFile(repoRoot, environmentPath);
  if (file === undefined) return inner;
  return {
    start(environment, tasks) {
      const key = digest(builderFingerprint(repoRoot), environment);
      const stored = readCacheEntry<unknown>(file, KIND, key);
      const known = stored instanceof Map ? (stored as Map<unknown, unknown>) : undefined;
      // Without an entry, every tenant is built: no digest is computed here (a second thread
      // digests the tenants it builds).
      const missing = known === undefined ? tasks : tasks.filter((task) => typeof known.get(tenantDigest(task)) !== "number");
      const building = inner.start(environment, missing);
      lastUse = { built: missing.length, known: tasks.length - missing.length };
      let counts: readonly number[] | undefined;
      return {
        counts: () => {
          if (counts !== undefined) return counts;
          const built = new Map<TenantTask, number>();
          building.counts().forEach((count, i) => built.set(missing[i] as TenantTask, count));
          counts = tasks.map((task) => built.get(task) ?? (known?.get(tenantDigest(task)) as number));
          if (missing.length > 0) {
            const all = counts;
            writeCacheEntry(file, KIND, key, new Map(tasks.map((task, i) => [tenantDigest(task), all[i] as number])));
          }
          return counts;
        },
        stack: (shape) => building.stack(shape),
      };
    },
  };
}
