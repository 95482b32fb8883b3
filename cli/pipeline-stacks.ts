/**
 * The stacks of an estate as a CI engine runs them: the same stack model synth writes to
 * manifest.json (stacks/stack-plan.ts), with what each stack is (its kind and region), how deep
 * it is in the dependency graph, and whether it holds data, so that its apply waits for a person.
 */
import { descriptorOf } from "../environments/workloads";
import type { Estate } from "../estate/estate";
import { backupStackName, MANAGEMENT_STACK, planStacks, platformStackName } from "../stacks/stack-plan";

/** Stack kinds in deploy order. */
export const STACK_KINDS = ["management", "platform", "backup", "tenants"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

export interface PipelineStack {
  readonly name: string;
  readonly kind: StackKind;
  /** The region whose cluster it targets; undefined for the management stack. */
  readonly region?: string;
  /** Stacks applied before it (manifest.json's `dependencies`), sorted. */
  readonly dependencies: readonly string[];
  /** Length of the longest dependency path from a stack without dependencies (0 for those). */
  readonly depth: number;
  /** Why its apply waits for a person, when it holds data that an apply could destroy. */
  readonly holdsData?: string;
}

/** Every stack of the estate in deploy order (dependencies first, ties by name). */
export function pipelineStacks(estate: Estate): PipelineStack[] {
  const kinds = new Map<string, { kind: StackKind; region?: string; holdsData?: string }>();
  kinds.set(MANAGEMENT_STACK, { kind: "management", holdsData: "the Cluster API objects of every regional cluster" });
  for (const regionId of Object.keys(estate.environment.regions)) {
    kinds.set(platformStackName(regionId), { kind: "platform", region: regionId });
    kinds.set(backupStackName(regionId), { kind: "backup", region: regionId, holdsData: "the region's Velero backup locations" });
  }
  for (const plan of estate.tenantStacks) {
    const stateful = [
      ...new Set(plan.tenants.filter((t) => Object.values(t.agency.workloads).some((w) => descriptorOf(w).traits.holdsData)).map((t) => t.agency.id)),
    ].sort();
    kinds.set(plan.name, {
      kind: "tenants",
      region: plan.regionId,
      ...(stateful.length > 0 ? { holdsData: `the volumes of stateful services of ${stateful.join(", ")} (or, for a standby tenant, those a failover restores)` } : {}),
    });
  }
  const depths = new Map<string, number>();
  const ordered: PipelineStack[] = [];
  const entries = new Map(planStacks(estate).map((s) => [s.name, s]));
  const visit = (name: string, path: readonly string[]): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (path.includes(name)) throw new Error(`internal: stack dependency cycle through ${name}`);
    const entry = entries.get(name);
    const kind = kinds.get(name);
    if (entry === undefined || kind === undefined) throw new Error(`internal: unknown stack '${name}'`);
    const dependencies = [...entry.dependencies].sort();
    const depth = dependencies.reduce((d, dep) => Math.max(d, visit(dep, [...path, name]) + 1), 0);
    depths.set(name, depth);
    ordered.push({ name, ...kind, dependencies, depth });
    return depth;
  };
  for (const name of [...entries.keys()].sort()) visit(name, []);
  return ordered;
}
