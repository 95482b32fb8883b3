/**
 * personal-data: every rule has a compliant and a non-compliant fixture. The agencies' personal
 * data flags and impact assessment records are rule configuration, as the agency files give it.
 */
import { describe, expect, it } from "vitest";
import type { TerraformJsonDocument } from "../../../policies/engine/expand";
import { isPlaceholderReference, type PersonalDataRecord } from "../../../policies/personal-data/personal-data-has-impact-assessment";
import { check, summary } from "../support";

/** Tenant namespaces of one region: agency -> role. */
function namespaces(region: string, agencies: Readonly<Record<string, "home" | "dr">>): TerraformJsonDocument {
  return {
    resource: {
      kubernetes_namespace_v1: {
        tenant: {
          for_each: Object.fromEntries(
            Object.entries(agencies).map(([agency, role]) => [
              agency,
              {
                name: `tenant-${agency}`,
                labels: { "govcloud.gov.vn/tenant": `tenant-${agency}`, "govcloud.gov.vn/agency": agency, "govcloud.gov.vn/region": region },
                annotations: { "govcloud.gov.vn/tenant-role": role },
              },
            ]),
          ),
          metadata: { name: "${each.value.name}", labels: "${each.value.labels}", annotations: "${each.value.annotations}" },
        },
      },
    },
  };
}

const ns = (agency: string) => `kubernetes_namespace_v1.tenant["${agency}"]`;

describe("personal-data-has-impact-assessment", () => {
  const rule = "personal-data-has-impact-assessment";
  const docs = {
    "tenants-north-000": namespaces("north", { "bo-y-te": "home", "so-y-te": "home", "ubnd-xa": "home", "vien-a": "dr" }),
    "tenants-south-000": namespaces("south", { "vien-a": "home" }),
  };
  const on = (agencies: readonly PersonalDataRecord[]) => ({ config: { [rule]: { agencies } }, now: new Date("2026-03-01T09:00:00+07:00") });

  it("passes agencies whose impact assessment is recorded with a dossier number and a past date", async () => {
    const records = [
      { agency: "bo-y-te", dpia: { reference: "01/HSĐGTĐ-BYT", completedOn: "2026-01-20" } },
      { agency: "vien-a", dpia: { reference: "HS-12/2026", completedOn: "2026-03-01" } },
      // Not deployed by these inputs: not judged.
      { agency: "bo-khac" },
    ];
    expect(await check(rule, docs, on(records))).toEqual([]);
  });

  it("flags a missing record, a placeholder reference and an assessment dated after the check, at the home namespace", async () => {
    const records = [
      { agency: "so-y-te" },
      { agency: "ubnd-xa", dpia: { reference: "TODO: số hồ sơ", completedOn: "2026-01-01" } },
      { agency: "vien-a", dpia: { reference: "07/HSĐGTĐ-VA", completedOn: "2026-04-15" } },
    ];
    const findings = await check(rule, docs, on(records));
    expect(summary(findings)).toEqual([
      `${ns("so-y-te")}: agency so-y-te processes personal data (personalData: true) but records no impact assessment (Law 91/2025/QH15 on Personal Data Protection; Decree 356/2025/NĐ-CP): add dpia with the dossier's reference and completedOn`,
      `${ns("ubnd-xa")}: agency ubnd-xa processes personal data (personalData: true) but its impact assessment reference 'TODO: số hồ sơ' is a placeholder: write the number of the filed dossier under dpia.reference`,
      `${ns("vien-a")}: agency vien-a processes personal data (personalData: true) but its impact assessment 07/HSĐGTĐ-VA is dated 2026-04-15, after the day of the check: processing must wait for a completed assessment`,
    ]);
    // vien-a's home is in the south.
    expect(findings.map((f) => f.stack)).toEqual(["tenants-north-000", "tenants-north-000", "tenants-south-000"]);
  });

  it.each([
    ["TODO", true],
    ["tbd", true],
    ["placeholder 1", true],
    ["Hồ sơ đánh giá tác động", true],
    ["01/HSĐGTĐ-BYT", false],
    ["HS-12/2026", false],
  ])("reference %j is a placeholder: %s", (reference, expected) => {
    expect(isPlaceholderReference(reference)).toBe(expected);
  });
});
