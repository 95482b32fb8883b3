import { App, TerraformStack } from "cdktf";
import type { Environment } from "../environments/schema";
import { sortedEntries } from "../constructs/labels";
import { ManagementStack } from "./management-stack";
import { PlatformStack } from "./platform-stack";

export interface GovcloudAppOptions {
  /** Absolute path of the folder cdktf writes to. */
  readonly outdir: string;
}

/** Stack names of an environment, in deploy order. */
export interface StackPlan {
  readonly management?: string;
  readonly platform: ReadonlyMap<string, string>;
}

/** The stacks of an environment and their deploy order. Plain data, no cdktf. */
export function planStacks(env: Environment): StackPlan {
  const hasManagement = env.infrastructure.provider !== "existing";
  return {
    ...(hasManagement ? { management: "management" } : {}),
    platform: new Map(sortedEntries(env.regions).map(([id]) => [id, `platform-${id}`])),
  };
}

/**
 * Builds the cdktf app of one environment: the management stack (Cluster API objects of every
 * regional cluster) and one platform stack per region, which depends on it.
 */
export function buildApp(env: Environment, options: GovcloudAppOptions): App {
  const app = new App({ outdir: options.outdir, stackTraces: false, skipValidation: false });
  const plan = planStacks(env);
  const backend = (stackName: string) => ({ environment: env.name, stackName });

  let management: TerraformStack | undefined;
  if (plan.management !== undefined) {
    management = new ManagementStack(app, plan.management, { environment: env, backend: backend(plan.management) });
  }
  for (const [regionId, stackName] of plan.platform) {
    const platform = new PlatformStack(app, stackName, { environment: env, regionId, backend: backend(stackName) });
    if (management !== undefined) platform.addDependency(management);
  }
  return app;
}
