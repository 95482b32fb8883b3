import type { Environment } from "../../environments/schema";
import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

export interface Config {
  /** Registry hosts images may come from (`registry.north.govcloud.gov.vn`, optionally with :port). */
  readonly allowedRegistries: readonly string[];
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** The registry host of an image reference; Docker Hub for a bare `nginx` or `library/nginx`. */
export function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first.toLowerCase() : "docker.io";
}

/**
 * Every container image comes from one of the environment's in-country registry mirrors
 * (the regions' `registries.images`) and is pinned by digest, so what runs is exactly what was
 * scanned and approved, and nothing is pulled from abroad at deploy time.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container image is pulled from an allowed in-country registry (the environment's regions' registries.images) and pinned by @sha256 digest.",
  configSchema: {
    properties: { allowedRegistries: { type: "array", items: { type: "string" }, minItems: 1 } },
    required: ["allowedRegistries"],
  },
  configFromEnvironment: (env: Environment) => ({
    allowedRegistries: [...new Set(Object.values(env.regions).map((r) => r.registries.images))].sort(),
  }),
  validateResource: validatePodTemplates((pod, report, args) => {
    const { allowedRegistries } = args.getConfig<Config>();
    for (const c of pod.containers) {
      if (typeof c.image !== "string" || c.image.includes("${")) {
        report(`${c.label} has an image that cannot be verified: ${JSON.stringify(c.image)}`);
        continue;
      }
      const registry = registryOf(c.image);
      const host = registry.replace(/:\d+$/, "");
      if (!allowedRegistries.includes(registry) && !allowedRegistries.includes(host)) {
        report(`${c.label} pulls ${c.image} from ${registry}, which is not an in-country registry (allowed: ${allowedRegistries.join(", ")})`);
      }
      if (!DIGEST.test(c.image)) report(`${c.label} image ${c.image} is not pinned by digest (@sha256:<64 hex digits>)`);
    }
  }),
};
export default rule;
