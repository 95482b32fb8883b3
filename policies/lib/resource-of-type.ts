/**
 * `validateResourceOfType` with @pulumi/policy's contract, without loading @pulumi/policy at run
 * time: its index starts with the policy analyzer's gRPC server, protobuf and @pulumi/pulumi
 * (1-2 s of module loading on the policy gate's thread, in every `govcloud synth` and `check`).
 * Rules import it from here; the result is the same function @pulumi/policy would build (it
 * selects by the class's `__pulumiType`, reports every other type as not applicable and carries
 * `__pulumiType` for filtering), which test/policies/lib/resource-of-type.test.ts checks against
 * @pulumi/policy's own. policies/pulumi-pack.ts still hands the rules to the real PolicyPack.
 */
import type * as PulumiPolicy from "@pulumi/policy";
import { pulumiTypeOf } from "../engine/resource";

type ValidateResourceOfType = typeof PulumiPolicy.validateResourceOfType;

export const validateResourceOfType: ValidateResourceOfType = (resourceClass, validate) => {
  const pulumiType = pulumiTypeOf(resourceClass);
  const fn: PulumiPolicy.ResourceValidation & { __pulumiType?: string } = (args, reportViolation) => {
    if (args.isType(resourceClass)) return validate(args.props as never, args, reportViolation);
    const name = (resourceClass as { name?: unknown } | undefined)?.name;
    return args.notApplicable(
      pulumiType !== undefined
        ? `Policy only applies to resources of type '${pulumiType}'`
        : typeof name === "string" && name.length > 0
          ? `Policy only applies to '${name}' resources`
          : "Policy only applies to resources of a specific type",
    );
  };
  if (pulumiType !== undefined) fn.__pulumiType = pulumiType;
  return fn;
};
