import { isPlaceholder } from "../../environments/placeholders";
import type { Environment } from "../../environments/schema";
import { checkContext } from "../lib/check-context";
import { type SystemRecord, SYSTEMS_CONFIG, systemRecords } from "../lib/systems";
import { anchorNamespace, type TenantNamespace, tenantNamespaces } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { EnvironmentContext, GovcloudStackPolicy } from "../engine/types";

export interface Config {
  readonly systems: readonly SystemRecord[];
}

/**
 * Every information system of security level 2 or higher runs on an approved level dossier that
 * is not overdue for its periodic review: Decree 85/2016/NĐ-CP requires the level of each system
 * to be proposed in a dossier (Art. 15), appraised and approved by the competent authority
 * (Art. 12, 14, 16, 17) from level 2 up, and determined again when the system changes (Art. 18);
 * Circular 12/2022/TT-BTTTT sets the periodic inspection and assessment. Levels accumulate:
 * what level 2 requires, levels 3 to 5 require too. The approval records are the agencies'
 * `systems.<id>.approval` (decision, approvedOn, reviewDue); a review is overdue after its
 * `reviewDue` day, judged on the day of the check (`--as-of`). A decision that is still the
 * onboarding placeholder (`TODO: ...`, environments/placeholders.ts) is no approval. Findings are located at the
 * agency file (sources.json), reported at the agency's home tenant namespace; agencies the
 * inputs do not deploy are not judged.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every information system of security level 2 or higher (Decree 85/2016/NĐ-CP Art. 12, 14–18) has an approval of its level dossier, with a real decision number (not the onboarding placeholder), whose reviewDue has not passed on the day of the check.",
  scope: "check",
  configSchema: { properties: { systems: SYSTEMS_CONFIG } },
  configFromEnvironment: (_env: Environment, { agencies }: EnvironmentContext) => ({ systems: systemRecords(agencies) }),
  validateStack: (args, report) => {
    const { systems } = args.getConfig<Config>();
    const { today } = checkContext(args);
    const byAgency = new Map<string, TenantNamespace[]>();
    for (const ns of tenantNamespaces(args.resources)) byAgency.set(ns.agency, [...(byAgency.get(ns.agency) ?? []), ns]);
    for (const s of systems) {
      if (!(s.securityLevel >= 2)) continue;
      const anchor = anchorNamespace(byAgency.get(s.agency) ?? []);
      if (anchor === undefined) continue;
      const subject = `agency ${s.agency}: information system ${s.system} (security level ${s.securityLevel})`;
      if (s.approval === undefined) {
        report(`${subject} has no approval of its level dossier; level 2 and above must be approved (Decree 85/2016/NĐ-CP Art. 12): record the decision under systems.${s.system}.approval`, anchor.resource.urn);
      } else if (isPlaceholder(s.approval.decision)) {
        report(
          `${subject}: the approval decision is still the onboarding placeholder ${JSON.stringify(s.approval.decision)}; record the number of the decision that approved the level dossier, its approvedOn and reviewDue under systems.${s.system}.approval`,
          anchor.resource.urn,
        );
      } else if (s.approval.reviewDue < today) {
        report(
          `${subject}: the approval ${s.approval.decision} of ${s.approval.approvedOn} was due for review on ${s.approval.reviewDue}; have the level re-assessed and record the new decision and reviewDue under systems.${s.system}.approval`,
          anchor.resource.urn,
        );
      }
    }
  },
};
export default rule;
