import { Aspects, type TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { Environment } from "../environments/schema";
import { GreenLabelsAspect } from "../constructs/green-labels-aspect";
import { regionGreenLabels } from "../estate/green-labels";
import { addStateBackend, type StateBackendContext } from "./state-backend";
import { writeWithStableJson } from "./stable-json-output";

/** What every stack on one region's cluster is configured by. */
export interface RegionalStackProps {
  readonly environment: Environment;
  /** The region whose cluster the stack targets. */
  readonly regionId: string;
  readonly backend: StateBackendContext;
}

/**
 * The common start of a stack on one region's cluster (platform, backup): stable JSON output, its
 * state backend, the region's green labels on every object, and the kubernetes provider on the
 * region's kube context. Returns the region.
 */
export function startRegionalStack(stack: TerraformStack, props: RegionalStackProps): Environment["regions"][string] {
  writeWithStableJson(stack);
  const env = props.environment;
  const region = env.regions[props.regionId];
  if (region === undefined) throw new Error(`internal: unknown region '${props.regionId}'`);
  addStateBackend(stack, env.stateBackend, props.backend);
  Aspects.of(stack).add(new GreenLabelsAspect({ labels: regionGreenLabels(props.regionId, region) }));
  // The kubeconfig file comes from KUBE_CONFIG_PATH at plan time, never from the output.
  new KubernetesProvider(stack, "kubernetes", { configContext: region.kubeContext });
  return region;
}
