import { Aspects } from "cdktf";
import type { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { Environment } from "../environments/schema";
import type { TenantStackPlan } from "../estate/estate";
import { ForEachDataStack, SharedBodies } from "../constructs/for-each";
import type { InstanceTextCache } from "../constructs/instance-text-cache";
import { GreenLabelsAspect } from "../constructs/green-labels-aspect";
import { regionGreenLabels } from "../estate/green-labels";
import { TenantBackupSchedules } from "../constructs/tenant-backup-schedules";
import { TenantBaseline } from "../constructs/tenant-baseline";
import { TenantWorkloads } from "../constructs/tenant-workloads";
import { addStateBackend, type StateBackendContext } from "./state-backend";
import { writeWithStableJson } from "./stable-json-output";

export interface TenantStackProps {
  readonly environment: Environment;
  /** The stack's tenants and their for_each instances, from the estate. */
  readonly plan: TenantStackPlan;
  /**
   * Where the stack's state lives.
   * @default - the environment's name and the stack id, with the default state root
   */
  readonly backend?: StateBackendContext;
  /**
   * Written instances of earlier syntheses, reused for unchanged agencies (synth --watch).
   * @default - every instance is written
   */
  readonly instanceTexts?: InstanceTextCache;
}

/**
 * The bodies of tenant resources, per environment, shared by the tenant stacks of each shape
 * (one per region and set of blocks with instances: a national estate's hundred tenant stacks
 * have six). Weak: a watch session's edited environment gets bodies of its own.
 */
const SHARED_BODIES = new WeakMap<Environment, SharedBodies>();

/** The bodies shared by `environment`'s tenant stacks (tests read how they were used). */
export function tenantStackBodies(environment: Environment): SharedBodies {
  let bodies = SHARED_BODIES.get(environment);
  if (bodies === undefined) {
    bodies = new SharedBodies();
    SHARED_BODIES.set(environment, bodies);
  }
  return bodies;
}

/**
 * The tenants of one shard in one region: their isolation baseline and their workloads, applied
 * to the region's cluster after its platform stack. Each stack holds at most
 * `tenancy.maxResourcesPerStack` resource instances, so a plan stays fast.
 */
export class TenantStack extends ForEachDataStack {
  constructor(scope: Construct, id: string, props: TenantStackProps) {
    super(scope, id);
    writeWithStableJson(this);
    const { environment: env, plan } = props;
    const region = env.regions[plan.regionId];
    if (region === undefined) throw new Error(`internal: unknown region '${plan.regionId}'`);
    addStateBackend(this, env.stateBackend, props.backend ?? { environment: env.name, stackName: id });
    new KubernetesProvider(this, "kubernetes", { configContext: region.kubeContext });
    // Every object gets the region's green labels; the agency's come with the instances (estate).
    Aspects.of(this).add(new GreenLabelsAspect({ labels: regionGreenLabels(plan.regionId, region) }));

    // The bodies of the for_each resources depend on nothing but the region and the blocks that
    // have instances: the constructs below are given the blocks, and the instances come in when
    // the stack is synthesized (the aspect's labels go into the instances, not the bodies).
    const shape = [...plan.blocks].filter(([, instances]) => instances.size > 0).map(([block]) => block).sort();
    this.shareBodies(tenantStackBodies(env), `${plan.regionId} ${shape.join(" ")}`);

    // The green labels above are the only transforms, and they derive from the environment.
    if (props.instanceTexts !== undefined) this.useInstanceTexts(props.instanceTexts, env);
    for (const [id, former] of plan.renames) this.addAgencyRename(former, id);
    // The resources themselves depend on the shape alone too, their instances aside, which come
    // from the blocks of the same names: a stack of this shape synthesized before in this process
    // leaves them, and this one then builds none of the constructs below (docs/tenant-stacks.md).
    if (this.resourcesFromShape(plan.blocks)) return;
    const baseline = new TenantBaseline(this, "baseline", { blocks: plan.blocks });
    new TenantWorkloads(this, "workloads", {
      blocks: plan.blocks,
      ...(baseline.namespaces === undefined ? {} : { dependsOn: [baseline.namespaces] }),
    });
    new TenantBackupSchedules(this, "backup-schedules", {
      blocks: plan.blocks,
      ...(baseline.namespaces === undefined ? {} : { dependsOn: [baseline.namespaces] }),
    });
  }
}
