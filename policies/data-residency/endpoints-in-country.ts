import { validateResourceOfType } from "../lib/resource-of-type";
import type { Environment } from "../../environments/schema";
import { isAllowedHost } from "../../environments/schema";
import { ruleId, terraformType } from "../lib/terraform-type";
import { blocks, hostOfUrl, isObject } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

export interface Config {
  /** In-country domains: a host must be one of them or below one. */
  readonly allowedDomains: readonly string[];
}

const HTTPS_URL = /https:\/\/[^\s"'<>`{}|\\^]+/g;

/** Backends that keep state with a foreign provider wherever they are configured. */
const FOREIGN_BACKENDS = new Set(["remote", "cloud", "azurerm", "gcs", "oss", "cos"]);

function checkUrl(url: string, what: string, allowed: readonly string[], report: (message: string) => void): void {
  const host = hostOfUrl(url);
  if (!isAllowedHost(host, allowed)) report(`${what} ${url} is on ${host}, outside Vietnam (allowed domains: ${allowed.join(", ")})`);
}

/**
 * Data and software of state agencies stay in Vietnam: every endpoint the configuration names
 * is on one of the environment's `sovereignty.allowedDomains` — Velero BackupStorageLocations'
 * `s3Url`, Helm chart repositories, every https:// URL in Helm values, and each stack's state
 * backend.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "BackupStorageLocation spec.config.s3Url, helm_release repository, every https:// URL in Helm values and each stack's state backend are hosted on one of sovereignty.allowedDomains.",
  configSchema: {
    properties: { allowedDomains: { type: "array", items: { type: "string" }, minItems: 1 } },
    required: ["allowedDomains"],
  },
  configFromEnvironment: (env: Environment) => ({ allowedDomains: [...env.sovereignty.allowedDomains] }),
  validateResource: [
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, args, report) => {
      const m = props.manifest;
      if (!isObject(m) || m.kind !== "BackupStorageLocation") return;
      const config = isObject(m.spec) && isObject(m.spec.config) ? m.spec.config : {};
      const { allowedDomains } = args.getConfig<Config>();
      if (typeof config.s3Url === "string") checkUrl(config.s3Url, "backup storage location s3Url", allowedDomains, report);
      else report("backup storage location has no spec.config.s3Url: without it Velero's client uses AWS's public endpoints");
    }),
    validateResourceOfType(terraformType("helm_release"), (props, args, report) => {
      const { allowedDomains } = args.getConfig<Config>();
      if (typeof props.repository === "string" && props.repository !== "") checkUrl(props.repository, "chart repository", allowedDomains, report);
      const texts = [
        ...(Array.isArray(props.values) ? props.values : []),
        ...blocks(props.set).map((s) => s.value),
        ...blocks(props.set_list).flatMap((s) => (Array.isArray(s.value) ? s.value : [])),
      ];
      const seen = new Set<string>();
      for (const text of texts) {
        if (typeof text !== "string") continue;
        for (const url of text.match(HTTPS_URL) ?? []) {
          if (seen.has(url)) continue;
          seen.add(url);
          checkUrl(url, "Helm value", allowedDomains, report);
        }
      }
    }),
    validateResourceOfType(terraformType("terraform_backend"), (props, args, report) => {
      const { allowedDomains } = args.getConfig<Config>();
      const kind = args.name;
      if (FOREIGN_BACKENDS.has(kind)) {
        report(`the state backend '${kind}' keeps Terraform state with a provider outside Vietnam; use local, pg, kubernetes or an in-country s3 endpoint`);
        return;
      }
      if (kind === "s3") {
        const endpoints = isObject(props.endpoints) ? props.endpoints : {};
        const endpoint = endpoints.s3 ?? props.endpoint;
        if (typeof endpoint !== "string") report("the s3 state backend names no endpoint, so state would go to AWS; set the in-country endpoint");
        else checkUrl(endpoint, "s3 state backend endpoint", allowedDomains, report);
      } else if ((kind === "http" || kind === "consul") && typeof props.address === "string") {
        checkUrl(props.address, `${kind} state backend address`, allowedDomains, report);
      }
    }),
  ],
};
export default rule;
