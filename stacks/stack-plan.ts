/**
 * The stacks of an estate and their deploy order, as plain data: what `buildApp` creates, what
 * the manifest says, and how work is split across threads.
 */
import type { Estate } from "../estate/estate";

export interface StackEntry {
  readonly name: string;
  /** Stacks that must be deployed first. */
  readonly dependencies: readonly string[];
  /** Resource instances, when known without synthesizing (tenant stacks). */
  readonly resources?: number;
}

/** The platform stack of a region. */
export function platformStackName(regionId: string): string {
  return `platform-${regionId}`;
}

/** The backup stack of a region: its Velero locations, after its platform stack. */
export function backupStackName(regionId: string): string {
  return `backup-${regionId}`;
}

export const MANAGEMENT_STACK = "management";

/**
 * What a region's tenant stacks are applied after: its platform stack, and its backup stack
 * when the environment has backups (their Schedules name its locations).
 */
export function tenantDependencies(estate: Pick<Estate, "backup">, regionId: string): string[] {
  return estate.backup?.regions.has(regionId) ? [backupStackName(regionId), platformStackName(regionId)] : [platformStackName(regionId)];
}

/**
 * Every stack of the estate: management first, then platforms, then backups (regions with a
 * backup plan), then tenants, each sorted.
 */
export function planStacks(estate: Estate): StackEntry[] {
  const env = estate.environment;
  const hasManagement = env.infrastructure.provider !== "existing";
  const stacks: StackEntry[] = [];
  if (hasManagement) stacks.push({ name: MANAGEMENT_STACK, dependencies: [] });
  for (const regionId of Object.keys(env.regions).sort()) {
    stacks.push({ name: platformStackName(regionId), dependencies: hasManagement ? [MANAGEMENT_STACK] : [] });
  }
  for (const regionId of Object.keys(env.regions).sort()) {
    if (estate.backup?.regions.has(regionId)) stacks.push({ name: backupStackName(regionId), dependencies: [platformStackName(regionId)] });
  }
  for (const plan of estate.tenantStacks) {
    stacks.push({ name: plan.name, dependencies: tenantDependencies(estate, plan.regionId), resources: plan.resources });
  }
  return stacks;
}

/** cdktf's manifest.json for these stacks, exactly as cdktf 0.21 writes it. */
export function renderManifest(stacks: readonly StackEntry[], cdktfVersion: string): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (const stack of stacks) {
    entries[stack.name] = {
      name: stack.name,
      constructPath: stack.name,
      workingDirectory: `stacks/${stack.name}`,
      synthesizedStackPath: `stacks/${stack.name}/cdk.tf.json`,
      stackMetadataPath: `stacks/${stack.name}/metadata.json`,
      annotations: [],
      dependencies: [...stack.dependencies],
    };
  }
  return { version: cdktfVersion, stacks: entries };
}
