import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { formatPath } from "../../environments/diagnostics";
import { agencyPlaceholders } from "../../environments/placeholders";
import type { Environment } from "../../environments/schema";
import { anchorNamespace, type TenantNamespace, tenantNamespaces } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { EnvironmentContext, GovcloudStackPolicy } from "../engine/types";

/** One placeholder left in an agency file, as rule configuration. */
export interface PlaceholderRecord {
  readonly agency: string;
  /** Field path, e.g. `contacts[0].name`. */
  readonly field: string;
  readonly value: string;
  readonly fillIn: string;
}

export interface Config {
  readonly placeholders: readonly PlaceholderRecord[];
}

const PLACEHOLDERS_CONFIG: PolicyConfigJSONSchema = {
  type: "array",
  description: "Onboarding placeholders left in the agency files (environments/placeholders.ts): from the environment, else from --policy-config",
  items: {
    type: "object",
    properties: { agency: { type: "string" }, field: { type: "string" }, value: { type: "string" }, fillIn: { type: "string" } },
    required: ["agency", "field", "value"],
  },
  default: [],
};

/**
 * No agency deploys with an onboarding placeholder (`TODO: ...`) still in its file: the
 * responsible official's name, the agency's official name, a system's name. Who answers for a
 * tenant, and which system it runs, must be known before it runs (Decree 85/2016/NĐ-CP Art. 20:
 * the owner of the information system is responsible for it). Approval decisions are judged by
 * systems-have-current-approval. Reported at the agency's home tenant namespace (its agency
 * file, through sources.json); agencies the inputs do not deploy are not judged.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "No deployed agency's file still carries an onboarding placeholder (a value starting with TODO, as govcloud onboard writes for names and contacts); approval decisions are judged by systems-have-current-approval.",
  scope: "check",
  configSchema: { properties: { placeholders: PLACEHOLDERS_CONFIG } },
  configFromEnvironment: (_env: Environment, { agencies }: EnvironmentContext) => ({
    placeholders: agencies.flatMap((agency) =>
      agencyPlaceholders(agency)
        .filter((p) => !(p.path[0] === "systems" && p.path[2] === "approval"))
        .map((p) => ({ agency: agency.id, field: formatPath(p.path), value: p.value, fillIn: p.fillIn })),
    ),
  }),
  validateStack: (args, report) => {
    const { placeholders } = args.getConfig<Config>();
    const byAgency = new Map<string, TenantNamespace[]>();
    for (const ns of tenantNamespaces(args.resources)) byAgency.set(ns.agency, [...(byAgency.get(ns.agency) ?? []), ns]);
    for (const p of placeholders) {
      const anchor = anchorNamespace(byAgency.get(p.agency) ?? []);
      if (anchor === undefined) continue;
      report(`agency ${p.agency}: ${p.field} is still the onboarding placeholder ${JSON.stringify(p.value)}; write ${p.fillIn ?? "the real value"}`, anchor.resource.urn);
    }
  },
};
export default rule;
