/**
 * Which regions back up to which: the cross-region backup topology as plain functions of the
 * region ids. The environment schema uses it to check that every data classification can get the
 * copies it needs; estate/backup.ts uses it to decide the backup storage locations.
 */

/** How regions send backup copies to each other. */
export type BackupTopology = "ring" | "full-mesh";

/**
 * The regions a region sends copies to, besides its own object storage:
 * - `ring`: region ids in sorted order form a ring and each sends to the next (with two regions,
 *   to each other);
 * - `full-mesh`: every other region.
 * Sorted by region id; empty with a single region.
 */
export function backupPartners(topology: BackupTopology, regionIds: readonly string[], regionId: string): string[] {
  const sorted = [...new Set(regionIds)].sort();
  const index = sorted.indexOf(regionId);
  if (index < 0) throw new Error(`internal: unknown region '${regionId}'`);
  if (sorted.length < 2) return [];
  if (topology === "ring") return [sorted[(index + 1) % sorted.length] as string];
  return sorted.filter((id) => id !== regionId);
}

/** The regions a region receives copies from (the inverse of {@link backupPartners}), sorted. */
export function backupSources(topology: BackupTopology, regionIds: readonly string[], regionId: string): string[] {
  return [...new Set(regionIds)].sort().filter((id) => id !== regionId && backupPartners(topology, regionIds, id).includes(regionId));
}

/** The most regions that can hold copies of one tenant's backups: its own and its partners. */
export function maxCopyRegions(topology: BackupTopology, regionIds: readonly string[]): number {
  const n = new Set(regionIds).size;
  return topology === "ring" ? Math.min(n, 2) : n;
}
