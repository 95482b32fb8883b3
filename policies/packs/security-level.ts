/**
 * Decree 85/2016/NĐ-CP: information systems are classified in five security levels (Art. 7–11)
 * and protected by level. Levels accumulate: a rule for level N applies to every system of level
 * N or higher. The levels and approvals come from the agencies' `systems` (agency files).
 */
import level3SystemsHaveAuditLogging from "../security-level/level-3-systems-have-audit-logging";
import level3SystemsHaveCrossRegionBackups from "../security-level/level-3-systems-have-cross-region-backups";
import systemsHaveCurrentApproval from "../security-level/systems-have-current-approval";
import agencyFilesHaveNoPlaceholders from "../security-level/agency-files-have-no-placeholders";
import type { PolicyPackDefinition } from "../engine/types";
import { circular12, cybersecurityLaw, decree85, networkSecurityLaw, tcvn11930 } from "./controls";

const pack: PolicyPackDefinition = {
  name: "security-level",
  description:
    "Decree 85/2016/NĐ-CP security levels, cumulative (level N includes every requirement of the levels below): approved and reviewed level dossiers from level 2, audit logging and cross-region backups from level 3.",
  rules: [
    {
      rule: systemsHaveCurrentApproval,
      level: "mandatory",
      explanation:
        "A system from level 2 up may run only on a level dossier approved by the competent authority and kept under periodic review; an overdue review means its protection is no longer assessed.",
      controls: [
        decree85("Art. 12 (authority to appraise and approve the level)"),
        decree85("Art. 14–17 (procedure, dossier, appraisal and approval for systems in operation)"),
        decree85("Art. 18 (determining the level again)"),
        circular12("periodic inspection and assessment"),
        networkSecurityLaw("Art. 21 (security levels of information systems)"),
      ],
    },
    {
      rule: agencyFilesHaveNoPlaceholders,
      level: "mandatory",
      explanation:
        "The platform team must know who answers for a tenant and which system it runs before it runs: a name or contact that still reads TODO means nobody has been named.",
      controls: [decree85("Art. 20 (responsibilities of the owner of the information system)"), networkSecurityLaw("Art. 21 (security levels of information systems)")],
    },
    {
      rule: level3SystemsHaveAuditLogging,
      level: "mandatory",
      explanation:
        "From level 3 every access to the platform that runs the system must be traceable, from logs kept in Vietnam out of reach of the cluster's own administrators.",
      controls: [
        decree85("Art. 9–11 (levels 3, 4 and 5)"),
        tcvn11930("logging and protection of logs, by level"),
        circular12("technical requirements by level"),
        cybersecurityLaw("Art. 26 (data stored in Vietnam)"),
      ],
    },
    {
      rule: level3SystemsHaveCrossRegionBackups,
      level: "mandatory",
      explanation:
        "A level 3 system's loss seriously harms the agency or the public; it must survive the loss of a whole datacenter, whatever classification its agency declared for its data.",
      controls: [decree85("Art. 9–11 (levels 3, 4 and 5)"), tcvn11930("backup and recovery, by level"), circular12("technical requirements by level")],
    },
  ],
};
export default pack;
