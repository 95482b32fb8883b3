/**
 * The same packs as real @pulumi/policy PolicyPacks, for teams that also run Pulumi
 * (`pulumi preview --policy-pack <folder with this entry point>`). Constructing a PolicyPack
 * starts the policy analyzer's gRPC server, so nothing else in govcloud imports this file.
 *
 * Caveat: the rules select resources by Terraform type (`kubernetes_deployment_v1`); they apply
 * to Pulumi resources only where a program's resource types are those names.
 */
import { PolicyPack } from "@pulumi/policy";
import type { PolicyPackDefinition } from "./engine/types";
import { PACKS } from "./packs";

/** The Pulumi policies of one pack: each rule with the pack's level and wording attached. */
export function pulumiPolicies(pack: PolicyPackDefinition) {
  return pack.rules.map((e) => {
    // configFromEnvironment is govcloud's; Pulumi gets its config from policy-pack config instead.
    const { configFromEnvironment: _unused, ...policy } = e.rule;
    void _unused;
    return { ...policy, enforcementLevel: e.level, description: `${e.rule.description} ${e.explanation}` };
  });
}

if (require.main === module) {
  const chosen = process.env.GOVCLOUD_POLICY_PACK;
  const packs = chosen === undefined ? PACKS : PACKS.filter((p) => p.name === chosen);
  new PolicyPack(chosen ?? "govcloud", {
    description: packs.map((p) => p.description).join(" "),
    policies: packs.flatMap(pulumiPolicies),
  });
}
