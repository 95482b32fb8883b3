/**
 * Configuration files -> validated estate, for every command that needs one. Throws a UserError
 * with every problem of every file.
 */
import { loadEnvironmentConfig, type EnvironmentConfig } from "../environments";
import { displayPath, UserError } from "../environments/diagnostics";
import { lockFilePath, readShardLock, renderShardLock } from "../environments/tenant-stack-lock";
import { buildEstate, type Estate } from "../estate/estate";

export interface LoadedEstate {
  readonly config: EnvironmentConfig;
  readonly estate: Estate;
  /** The tenant-stack lock file and whether the estate changes it (agencies added or removed). */
  readonly lockPath: string;
  readonly lockChanged: boolean;
}

export interface LoadEstateOptions {
  /** Fail instead of planning to update the lock file (CI: the committed lock must be current). */
  readonly frozenLock?: boolean;
}

export function loadEstate(repoRoot: string, environment: string, options: LoadEstateOptions = {}): LoadedEstate {
  const config = loadEnvironmentConfig(repoRoot, environment);
  const lockPath = lockFilePath(config.environmentPath);
  const lock = readShardLock(lockPath);
  const { estate, problems } = buildEstate(config, lock);
  if (estate === undefined) throw new UserError(problems);
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
  return { config, estate, lockPath, lockChanged };
}
