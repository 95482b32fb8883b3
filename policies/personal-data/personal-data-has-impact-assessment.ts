import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { Agency } from "../../environments/agency-schema";
import type { Environment } from "../../environments/schema";
import { checkContext } from "../lib/check-context";
import { anchorNamespace, type TenantNamespace, tenantNamespaces } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { EnvironmentContext, GovcloudStackPolicy } from "../engine/types";

/** One agency that processes personal data, and its impact assessment record if it has one. */
export interface PersonalDataRecord {
  readonly agency: string;
  readonly dpia?: { readonly reference: string; readonly completedOn: string };
}

export interface Config {
  readonly agencies: readonly PersonalDataRecord[];
}

/** The agencies with `personalData: true`, sorted by id. */
export function personalDataRecords(agencies: readonly Agency[]): PersonalDataRecord[] {
  return agencies
    .filter((a) => a.personalData)
    .map((a) => ({ agency: a.id, ...(a.dpia === undefined ? {} : { dpia: { ...a.dpia } }) }))
    .sort((a, b) => (a.agency < b.agency ? -1 : a.agency > b.agency ? 1 : 0));
}

/**
 * A reference that records nothing yet: a TODO-style marker, or no number at all (a filed
 * dossier has one).
 */
export function isPlaceholderReference(reference: string): boolean {
  return /\b(TODO|TBD|FIXME|XXX+|placeholder|chưa có)\b/iu.test(reference) || !/\d/.test(reference);
}

/**
 * Every agency that processes personal data has a record of its personal data protection impact
 * assessment: the Personal Data Protection Law (Law 91/2025/QH15, in force 1 January 2026) and
 * Decree 356/2025/NĐ-CP, which replaced Decree 13/2023/NĐ-CP, require a controller or processor
 * to draw up and keep an impact assessment dossier before processing. The record is the agency's
 * `dpia` (reference, completedOn), declared the way a system declares its approval; a missing
 * record, a placeholder reference (TODO, no dossier number) or a completion date after the day of
 * the check is flagged. Findings are reported at the agency's home tenant namespace; agencies the
 * inputs do not deploy are not judged.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every agency with personalData: true records its personal data protection impact assessment (Law 91/2025/QH15; Decree 356/2025/NĐ-CP): a dossier reference and the date it was completed, not a placeholder.",
  scope: "check",
  configSchema: {
    properties: {
      agencies: {
        type: "array",
        description: "Agencies that process personal data, with their impact assessment records: from the agency files, else from --policy-config",
        items: {
          type: "object",
          properties: {
            agency: { type: "string" },
            dpia: { type: "object", properties: { reference: { type: "string" }, completedOn: { type: "string" } } },
          },
          required: ["agency"],
        },
        default: [],
      } satisfies PolicyConfigJSONSchema,
    },
  },
  configFromEnvironment: (_env: Environment, { agencies }: EnvironmentContext) => ({ agencies: personalDataRecords(agencies) }),
  validateStack: (args, report) => {
    const { agencies } = args.getConfig<Config>();
    const { today } = checkContext(args);
    const byAgency = new Map<string, TenantNamespace[]>();
    for (const ns of tenantNamespaces(args.resources)) byAgency.set(ns.agency, [...(byAgency.get(ns.agency) ?? []), ns]);
    for (const record of agencies) {
      const anchor = anchorNamespace(byAgency.get(record.agency) ?? []);
      if (anchor === undefined) continue;
      const subject = `agency ${record.agency} processes personal data (personalData: true)`;
      const law = "Law 91/2025/QH15 on Personal Data Protection; Decree 356/2025/NĐ-CP";
      if (record.dpia === undefined) {
        report(`${subject} but records no impact assessment (${law}): add dpia with the dossier's reference and completedOn`, anchor.resource.urn);
      } else if (isPlaceholderReference(record.dpia.reference)) {
        report(`${subject} but its impact assessment reference '${record.dpia.reference}' is a placeholder: write the number of the filed dossier under dpia.reference`, anchor.resource.urn);
      } else if (record.dpia.completedOn > today) {
        report(`${subject} but its impact assessment ${record.dpia.reference} is dated ${record.dpia.completedOn}, after the day of the check: processing must wait for a completed assessment`, anchor.resource.urn);
      }
    }
  },
};
export default rule;
