/**
 * The Personal Data Protection Law (Law 91/2025/QH15, in force 1 January 2026) and Decree
 * 356/2025/NĐ-CP, which replaced Decree 13/2023/NĐ-CP: what an agency that processes personal
 * data must have on record before its workloads run.
 */
import personalDataHasImpactAssessment from "../personal-data/personal-data-has-impact-assessment";
import type { PolicyPackDefinition } from "../engine/types";
import { decree356, personalDataLaw } from "./controls";

const pack: PolicyPackDefinition = {
  name: "personal-data",
  description:
    "Personal Data Protection Law (No. 91/2025/QH15) and Decree 356/2025/NĐ-CP: agencies that process personal data record their impact assessment.",
  rules: [
    {
      rule: personalDataHasImpactAssessment,
      level: "mandatory",
      explanation:
        "An agency may process personal data only after assessing the impact of the processing and keeping the dossier; the record shows the assessment exists and when it was made.",
      controls: [personalDataLaw("impact assessment of personal data processing"), decree356("impact assessment dossier")],
    },
  ],
};
export default pack;
