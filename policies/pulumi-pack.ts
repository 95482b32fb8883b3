/**
 * The same packs as real @pulumi/policy PolicyPacks, for teams that also run Pulumi
 * (`pulumi preview --policy-pack <folder with this entry point>`). Constructing a PolicyPack
 * starts the policy analyzer's gRPC server, so nothing else in govcloud imports this file.
 *
 * Caveat: the rules select resources by Terraform type (`kubernetes_deployment_v1`); they apply
 * to Pulumi resources only where a program's resource types are those names.
 */
import { PolicyPack } from "@pulumi/policy";
import type { GovcloudPolicy, PolicyPackDefinition } from "./engine/types";
import { PACKS } from "./packs";

/** The Pulumi policies of one pack: each rule with the pack's level and wording attached. */
export function pulumiPolicies(pack: PolicyPackDefinition) {
  return pack.rules.map((e) => {
    // configFromEnvironment and scope are govcloud's: Pulumi gets its config from policy-pack
    // config instead, and a Pulumi stack is already the whole deployment.
    const { configFromEnvironment: _config, scope: _scope, ...policy } = e.rule as GovcloudPolicy;
    void _config;
    void _scope;
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
