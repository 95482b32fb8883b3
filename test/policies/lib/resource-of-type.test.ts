/**
 * policies/lib/resource-of-type.ts against @pulumi/policy's own validateResourceOfType: for any
 * class (a Terraform type stand-in, a named class, an anonymous one) and any resource type, both
 * functions carry the same `__pulumiType`, call the rule with the same props and arguments, and
 * report the same "not applicable" message otherwise.
 */
import * as pulumi from "@pulumi/policy";
import type { ResourceValidationArgs } from "@pulumi/policy";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateResourceOfType } from "../../../policies/lib/resource-of-type";
import { terraformType } from "../../../policies/lib/terraform-type";
import { PolicyResource } from "../../../policies/engine/resource";

const TYPES = ["kubernetes_deployment_v1", "kubernetes_namespace_v1", "helm_release", "kubernetes_manifest"];

/** The classes a rule may pass: a Terraform type, a named class without a type, an anonymous one. */
const classes = fc.oneof(
  fc.constantFrom(...TYPES).map((t) => ({ label: t, cls: terraformType(t) as unknown })),
  fc.constant({ label: "named", cls: class Bucket {} as unknown }),
  fc.constant({ label: "anonymous", cls: (() => class {})() as unknown }),
);

/** What each validateResourceOfType function did with one resource. */
function run(make: typeof pulumi.validateResourceOfType, cls: unknown, resource: PolicyResource) {
  const seen: unknown[][] = [];
  const args = Object.assign(Object.create(resource) as ResourceValidationArgs, {
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason ?? ""}`);
    },
  });
  const fn = make(cls as never, (props, given, report) => {
    seen.push(["called", props, given === args]);
    report("violation");
  }) as ((args: ResourceValidationArgs, report: pulumi.ReportViolation) => void) & { __pulumiType?: string };
  let thrown: string | undefined;
  try {
    fn(args, (message) => seen.push(["report", message]));
  } catch (error) {
    thrown = (error as Error).message;
  }
  return { pulumiType: fn.__pulumiType, hasPulumiType: "__pulumiType" in fn, thrown, seen };
}

describe("validateResourceOfType without loading @pulumi/policy", () => {
  it("behaves as @pulumi/policy's for every class and resource type", () => {
    fc.assert(
      fc.property(classes, fc.constantFrom(...TYPES), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer()), ({ cls }, type, props) => {
        const resource = new PolicyResource({ stack: "s", address: `${type}.x`, type, name: "x", props });
        expect(run(validateResourceOfType, cls, resource)).toEqual(run(pulumi.validateResourceOfType, cls, resource));
      }),
    );
  });
});
