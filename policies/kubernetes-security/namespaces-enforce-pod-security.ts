import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import type { Environment } from "../../environments/schema";
import { labelsOf, metadataOf } from "../lib/tenancy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { isObject, show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

export const PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
const LEVELS = ["restricted", "baseline", "privileged"] as const;

export interface Config {
  /**
   * Namespaces allowed to enforce less than `restricted`: name -> the level and why. From the
   * environment's `platform.namespaces.<name>.podSecurity` and `exemptionReason`.
   */
  readonly exemptions: Readonly<Record<string, { readonly level: string; readonly reason: string }>>;
}

function check(name: unknown, labels: Readonly<Record<string, unknown>>, exemptions: Config["exemptions"], report: (message: string) => void): void {
  const level = labels[PSA_ENFORCE_LABEL];
  const exemption = typeof name === "string" && Object.hasOwn(exemptions, name) ? exemptions[name] : undefined;
  const allowed = LEVELS.slice(0, Math.max(1, LEVELS.indexOf((exemption?.level ?? "restricted") as (typeof LEVELS)[number]) + 1));
  if (level === undefined || level === null) {
    report(`namespace ${show(name)} has no ${PSA_ENFORCE_LABEL} label, so Pod Security Admission enforces nothing in it; set it to restricted`);
  } else if (typeof level !== "string" || !(allowed as readonly string[]).includes(level)) {
    report(
      `namespace ${show(name)} enforces Pod Security level ${show(level)} (label ${PSA_ENFORCE_LABEL}); allowed: ${allowed.join(", ")}` +
        (exemption === undefined ? " (an exemption is platform.namespaces.<name>.podSecurity with its exemptionReason)" : ""),
    );
  }
}

const typed = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, args, report) => {
    const metadata = metadataOf(type, props);
    check(metadata?.name, labelsOf(metadata), args.getConfig<Config>().exemptions, report);
  });

/**
 * Every namespace enforces a Pod Security Standard through the `pod-security.kubernetes.io/enforce`
 * label: `restricted`, unless the environment exempts the namespace (`platform.namespaces.<name>`:
 * `podSecurity` with its `exemptionReason`), and then no more than that. Without the label, Pod
 * Security Admission lets any pod in, privileged ones included, whatever this gate judged before
 * deployment.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: `Every Namespace carries the ${PSA_ENFORCE_LABEL} label set to restricted, or to no more than the level its environment exemption (platform.namespaces) allows.`,
  configSchema: {
    properties: {
      exemptions: {
        type: "object",
        description: "namespace name -> { level, reason } it may enforce instead of restricted",
        additionalProperties: {
          type: "object",
          properties: { level: { type: "string", enum: [...LEVELS] }, reason: { type: "string", minLength: 10 } },
          required: ["level", "reason"],
          additionalProperties: false,
        },
        default: {},
      },
    },
  },
  configFromEnvironment: (env: Environment) => ({
    exemptions: Object.fromEntries(
      Object.entries(env.platform.namespaces)
        .filter(([, ns]) => ns.podSecurity !== "restricted")
        .map(([name, ns]) => [name, { level: ns.podSecurity, reason: ns.exemptionReason ?? "" }]),
    ),
  }),
  validateResource: [
    typed("kubernetes_namespace"),
    typed("kubernetes_namespace_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, args, report) => {
      const m = props.manifest;
      if (!isObject(m) || m.kind !== "Namespace") return;
      const metadata = metadataOf("kubernetes_manifest", props);
      check(metadata?.name, labelsOf(metadata), args.getConfig<Config>().exemptions, report);
    }),
  ],
};
export default rule;
