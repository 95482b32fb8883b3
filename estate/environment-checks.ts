/**
 * Rules of an environment file that need the estate's knowledge: which add-ons exist and what
 * they require (estate/add-ons/), what a backup topology can hold (estate/backup-topology.ts)
 * and the green targets (estate/green-targets.ts). They run on the validated environment, before
 * anything is built, so the environment's schema never needs the estate (environments ->
 * estate, one way). Each problem is located at its field of the environment file.
 */
import { type Diagnostic, formatPath } from "../environments/diagnostics";
import type { Loaded } from "../environments/loader";
import { DATA_CLASSIFICATIONS, type Environment, hostOf, isAllowedHost } from "../environments/schema";
import { addOnProblems, installedAddOns } from "./add-ons";
import { maxCopyRegions } from "./backup-topology";
import { greenTargetProblems, todayInVietnam } from "./green-targets";

/** A problem at a path from the environment's root. */
interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Every problem of the add-on, backup and green settings, all at once. `today` (`YYYY-MM-DD`,
 * Vietnamese time) decides which green exemptions have expired.
 */
export function checkEnvironment(environment: Loaded<Environment>, today: string = todayInVietnam()): Diagnostic[] {
  const env = environment.value;
  const problems: Problem[] = [
    ...addOnProblems(env.platform).map((p) => ({ path: ["platform", ...p.path], message: p.message })),
    ...backupProblems(env),
    ...greenTargetProblems(env, today),
  ];
  return problems.map((p) => ({ ...environment.source.locate(p.path), path: formatPath(p.path), message: p.message }));
}

/** Problems of the backup section that need the rest of the environment; paths from the root. */
export function backupProblems(env: Environment): Problem[] {
  const backup = env.backup;
  if (backup === undefined) return [];
  const problems: Problem[] = [];
  const regionIds = Object.keys(env.regions).sort();
  if (!installedAddOns(env.platform).includes("velero")) {
    problems.push({
      path: ["backup"],
      message: "needs the velero add-on: declare platform.namespaces.velero (privileged, for the node-agent) and do not disable platform.addOns.velero",
    });
  }
  for (const id of Object.keys(backup.regions)) {
    if (!(id in env.regions)) {
      problems.push({ path: ["backup", "regions", id], message: `names no region of this environment; regions: ${regionIds.join(", ")}` });
    }
  }
  for (const id of regionIds.filter((r) => !(r in backup.regions))) {
    problems.push({
      path: ["backup", "regions"],
      message: `has no entry for region '${id}': every region backs up to its own object storage, so it needs a bucket and a credentials reference`,
    });
  }
  const longest = Math.max(...Object.values(backup.retentionDays));
  const longestClass = DATA_CLASSIFICATIONS.find((c) => backup.retentionDays[c] === longest);
  const stores = new Map<string, string>();
  for (const [id, settings] of Object.entries(backup.regions)) {
    const lock = settings.objectLock;
    const lockHost = hostOf(lock.endpoint);
    if (!isAllowedHost(lockHost, env.sovereignty.allowedDomains)) {
      problems.push({
        path: ["backup", "regions", id, "objectLock", "endpoint"],
        message: `[endpoints-in-country] object-lock replication target host '${lockHost}' is not in Vietnam: backups of region '${id}' would be copied abroad; it must be one of, or below one of, sovereignty.allowedDomains (${env.sovereignty.allowedDomains.join(", ")})`,
      });
    }
    if (lock.retentionDays < longest) {
      problems.push({
        path: ["backup", "regions", id, "objectLock", "retentionDays"],
        message: `is ${lock.retentionDays} days, shorter than the longest backup retention (${longestClass}: ${longest} days in backup.retentionDays): locked copies would expire while Velero still counts on them`,
      });
    }
    const endpoint = env.regions[id]?.objectStorage.endpoint;
    if (endpoint !== undefined) {
      const store = `${hostOf(endpoint)}/${settings.bucket}/${settings.prefix}`;
      const other = stores.get(store);
      if (other !== undefined) {
        problems.push({ path: ["backup", "regions", id, "bucket"], message: `is the same store as region '${other}' (${store}): each region needs its own bucket or prefix` });
      }
      stores.set(store, id);
      if (hostOf(endpoint) === lockHost && settings.bucket === lock.bucket) {
        problems.push({ path: ["backup", "regions", id, "objectLock", "bucket"], message: "is the backup bucket itself: the object-locked copy must be a separate bucket" });
      }
    }
    for (const [i, storageClass] of (settings.volumeSnapshots?.storageClasses ?? []).entries()) {
      if (!(storageClass in env.platform.storageClasses)) {
        problems.push({
          path: ["backup", "regions", id, "volumeSnapshots", "storageClasses", i],
          message: `names no StorageClass of platform.storageClasses (${Object.keys(env.platform.storageClasses).sort().join(", ") || "none"})`,
        });
      }
    }
  }
  const most = maxCopyRegions(backup.topology, regionIds);
  for (const classification of DATA_CLASSIFICATIONS) {
    const needed = backup.minCopyRegions[classification];
    if (needed > most) {
      problems.push({
        path: ["backup", "topology"],
        message: `'${backup.topology}' over ${regionIds.length} region(s) (${regionIds.join(", ")}) gives copies in at most ${most} region(s), but ${classification} data needs ${needed} (backup.minCopyRegions.${classification}): ${most === 1 ? "a single-region copy is lost with the region; add a region" : "use full-mesh or add regions"}`,
      });
    }
  }
  return problems;
}

