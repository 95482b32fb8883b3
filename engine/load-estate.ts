/**
 * Configuration files -> validated estate, for every command that needs one. Throws a UserError
 * with every problem of every file.
 */
import { loadEnvironmentConfig, resolveEnvironmentFile, type EnvironmentConfig } from "../environments";
import { displayPath, UserError } from "../environments/diagnostics";
import { lockFilePath, readShardLock, renderShardLock } from "../environments/tenant-stack-lock";
import type { LoadCache } from "./load-cache";
import { withTenantCountCache } from "./tenant-count-cache";
import { type AgencyStoreJob, environmentFileCache, withAgencyFileCache } from "./agency-file-cache";
import { parallelAgencyReader, type ReadingThread } from "./parallel-load";
import { checkRemovals, checkRenamedRegions, type PreviousState, previousState } from "./removals";
import type { SecondThread } from "./second-thread";
import { minFilesForTwoThreads } from "./threads";
import { buildEstate, type Estate } from "../estate/estate";
import type { DeferredWrites } from "./deferred-writes";
import type { EstateMemo } from "./estate-memo";
import { lazyTenants, rememberedTenants, sharedTenants } from "./tenant-builders";

export interface LoadedEstate {
  readonly config: EnvironmentConfig;
  readonly estate: Estate;
  /** The tenant-stack lock file and whether the estate changes it (agencies added or removed). */
  readonly lockPath: string;
  readonly lockChanged: boolean;
  /** Agencies this estate drops because their files retire them (with the removal check). */
  readonly retired: readonly string[];
  /** What the removal check compared with. */
  readonly previous?: PreviousState;
}

export interface LoadEstateOptions {
  /** Fail instead of planning to update the lock file (CI: the committed lock must be current). */
  readonly frozenLock?: boolean;
  /** Validated files of earlier loads (long-running processes). */
  readonly files?: LoadCache;
  /** Per-agency results of earlier builds (long-running processes). */
  readonly memo?: EstateMemo;
  /** A second thread to read agency files and build tenants with, kept by the caller for later work. */
  readonly secondThread?: SecondThread;
  /**
   * Another thread to read half of the agency files with, when there is no second thread (the
   * policy gate's, in a first `govcloud synth`).
   * @default - a thread started for the reading, when there are enough files
   */
  readonly readingThread?: ReadingThread;
  /**
   * Refuse removals of agencies, regions and node pools (engine/removals.ts), comparing with the
   * committed addresses, else with the output in `previousOutdir`.
   * @default - no removal check
   */
  readonly removals?: { readonly previousOutdir: string; readonly allowRemoval?: readonly string[] };
  /**
   * Work for this thread while a second thread reads agency files, for a caller that goes on to
   * need it (the synthesis code): it is done only when the files are read on two threads.
   * @default - none
   */
  readonly whileReading?: () => void;
  /** Where the agency-file cache's writes wait for the caller to flush them. @default - written while loading */
  readonly cacheWrites?: DeferredWrites;
  /**
   * Hands the agency-file cache's writes to another thread instead (`govcloud synth`: the policy
   * gate's thread, idle while this one builds the estate). Takes precedence over `cacheWrites`.
   * @default - written here
   */
  readonly storeAgencyFiles?: (job: AgencyStoreJob) => void;
}

export function loadEstate(repoRoot: string, environment: string, options: LoadEstateOptions = {}): LoadedEstate {
  const config = loadEnvironmentConfig(repoRoot, environment, {
    cache: options.files,
    // Unchanged agency files come from the persistent cache; the others are read on one or two threads.
    loadAgencies: withAgencyFileCache(repoRoot, resolveEnvironmentFile(repoRoot, environment), parallelAgencyReader(minFilesForTwoThreads(), options.secondThread ?? options.readingThread, options.whileReading), {
      ...(options.cacheWrites === undefined ? {} : { later: options.cacheWrites }),
      ...(options.storeAgencyFiles === undefined ? {} : { elsewhere: options.storeAgencyFiles }),
    }),
    // So does an unchanged environment file.
    readEnvironment: environmentFileCache(repoRoot),
  });
  const lockPath = lockFilePath(config.environmentPath);
  const lock = readShardLock(lockPath, options.files);
  const previous =
    options.removals === undefined ? undefined : previousState(config.environmentPath, config.environment.value.name, options.removals.previousOutdir, lock, options.files);
  const removals = options.removals === undefined ? { problems: [], retired: [] } : checkRemovals(config, previous, options.removals);
  const built = buildEstate(config, lock, {
    // A watch session remembers tenants; else the thread that read half of the files builds half
    // of the tenants, for the stacks it will synthesize. Stacks are merged when synthesized.
    // Across processes, tenants whose instance count is known are built only for the stacks
    // synthesized again (engine/tenant-count-cache.ts).
    tenants:
      options.memo !== undefined
        ? rememberedTenants(options.memo)
        : withTenantCountCache(repoRoot, config.environmentPath, options.secondThread !== undefined ? sharedTenants(options.secondThread.tenantHelper()) : lazyTenants),
    ...(options.memo === undefined ? {} : { agencyStep: options.memo.agencyStep }),
  });
  const estate = built.estate;
  // Removals first: deleting a file also breaks what referred to it, and what it destroys matters most.
  const problems = [...removals.problems, ...built.problems, ...(estate === undefined ? [] : checkRenamedRegions(config, estate, previous))];
  if (estate === undefined || problems.length > 0) throw new UserError(problems);
  const lockChanged = renderShardLock(estate.lock) !== renderShardLock(lock);
  if (lockChanged && options.frozenLock) {
    const added = Object.keys(estate.lock.agencies).filter((id) => !(id in lock.agencies));
    const removed = Object.keys(lock.agencies).filter((id) => !(id in estate.lock.agencies));
    throw new UserError([
      {
        file: displayPath(lockPath),
        line: 1,
        col: 1,
        path: "agencies",
        message: `out of date (added: ${added.join(", ") || "none"}; removed: ${removed.join(", ") || "none"}); run govcloud synth without --frozen-lock and commit the lock file`,
      },
    ]);
  }
  return { config, estate, lockPath, lockChanged, retired: removals.retired, ...(previous === undefined ? {} : { previous }) };
}
