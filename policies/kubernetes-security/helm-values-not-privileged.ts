import { validateResourceOfType } from "../lib/resource-of-type";
import { formatValuesPath, releaseValues, walkValues } from "../lib/helm-values";
import { ruleId, terraformType } from "../lib/terraform-type";
import { isTrue } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";
import { ADD_ON_NAMES, ADD_ONS } from "../../estate/add-ons";

/** Settings that give a chart's pods the node, or more rights than they started with. */
export const PRIVILEGED_KEYS: readonly string[] = ["privileged", "hostNetwork", "hostPID", "hostIPC", "allowPrivilegeEscalation"];

export interface Config {
  /**
   * Accepted settings: release name -> values path (`a.b[0].c`; `[*]` for any list index) ->
   * why the add-on needs it.
   */
  readonly exemptions: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * The platform add-ons that need the node, and the one place each needs it: the
 * `privilegedValues` of their descriptors (estate/add-ons/). Nothing else is exempt: an
 * environment's values (`platform.addOns.<name>.values`) that turn any other of these settings
 * on fail the check.
 */
export const DEFAULT_EXEMPTIONS: Config["exemptions"] = Object.fromEntries(
  ADD_ON_NAMES.filter((name) => Object.keys(ADD_ONS[name].privilegedValues).length > 0).map((name) => [name, { ...ADD_ONS[name].privilegedValues }]),
);

/** Whether an exemption path covers a path: equal, or equal with every list index as `[*]`. */
function exempted(paths: Readonly<Record<string, string>> | undefined, path: string): boolean {
  if (paths === undefined) return false;
  return Object.hasOwn(paths, path) || Object.hasOwn(paths, path.replace(/\[\d+\]/g, "[*]"));
}

/**
 * No scanner reads Helm values, so this rule does: it walks every `helm_release`'s values (each
 * YAML document, and the `set` entries) for `privileged`, `hostNetwork`, `hostPID`, `hostIPC`
 * and `allowPrivilegeEscalation` set to true. The add-ons that legitimately need one (node-exporter,
 * Velero's node-agent, Kepler) are allowed only at the paths listed in the rule's `exemptions`,
 * keyed by release name and path, each with its reason.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "No helm_release value (values documents or set entries) sets privileged, hostNetwork, hostPID, hostIPC or allowPrivilegeEscalation to true, except at the release and path the rule's exemptions name.",
  configSchema: {
    properties: {
      exemptions: {
        type: "object",
        description: "release name -> values path -> reason the add-on needs it",
        additionalProperties: { type: "object", additionalProperties: { type: "string", minLength: 10 } },
        default: DEFAULT_EXEMPTIONS,
      },
    },
  },
  validateResource: validateResourceOfType(terraformType("helm_release"), (props, args, report) => {
    const { exemptions } = args.getConfig<Config>();
    const release = typeof props.name === "string" ? props.name : args.name;
    const allowed = Object.hasOwn(exemptions, release) ? exemptions[release] : undefined;
    const { values, sets, problems } = releaseValues(props);
    for (const problem of problems) report(`release ${release}: ${problem}`);
    for (const { path, key, value } of walkValues(values)) {
      if (!PRIVILEGED_KEYS.includes(key) || !isTrue(value)) continue;
      const at = formatValuesPath(path);
      if (!exempted(allowed, at)) report(`release ${release} sets ${at}: true in its values; no exemption allows it for this release and path`);
    }
    for (const { name, value } of sets) {
      const key = name.split(/(?<!\\)\./).pop() ?? "";
      if (!PRIVILEGED_KEYS.includes(key) || !isTrue(value)) continue;
      if (!exempted(allowed, name)) report(`release ${release} sets ${name}=true (set); no exemption allows it for this release and path`);
    }
  }),
};
export default rule;
