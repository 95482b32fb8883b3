/**
 * Data survives the loss of a datacenter and cannot be destroyed by an ordinary change: every
 * tenant namespace is backed up often enough to as many regions as its classification needs,
 * what holds data carries prevent_destroy, and a plan that would destroy it fails.
 */
import protectedResourcesNotDestroyed from "../backup/protected-resources-not-destroyed";
import statefulResourcesCarryPreventDestroy from "../backup/stateful-resources-carry-prevent-destroy";
import tenantNamespacesHaveBackupSchedules from "../backup/tenant-namespaces-have-backup-schedules";
import type { PolicyPackDefinition } from "../engine/types";
import { decree85, iso27001, personalDataLaw, tcvn11930 } from "./controls";

const pack: PolicyPackDefinition = {
  name: "backup",
  description: "Agencies' data is backed up within its RPO to enough regions, and nothing that holds data is destroyed by an ordinary apply.",
  rules: [
    {
      rule: tenantNamespacesHaveBackupSchedules,
      level: "mandatory",
      explanation:
        "A namespace without timely backups in enough regions loses the agency's data, or more of it than its classification allows, when a cluster or a datacenter is lost.",
      controls: [decree85("availability: backup and recovery of information systems"), tcvn11930("backup and recovery"), iso27001("8.13 Information backup"), personalDataLaw("personal data protection measures")],
    },
    {
      rule: statefulResourcesCarryPreventDestroy,
      level: "mandatory",
      explanation: "prevent_destroy makes Terraform refuse to destroy a namespace, volume claim or backup location, so that losing data takes a deliberate step.",
      controls: [iso27001("8.32 Change management"), iso27001("8.13 Information backup"), decree85("availability of the information system")],
    },
    {
      rule: protectedResourcesNotDestroyed,
      level: "mandatory",
      explanation:
        "A plan reviewed in CI must say, before anyone applies it, that it would destroy an agency's namespace, volumes or backups, and why Terraform wants to.",
      controls: [iso27001("8.32 Change management"), iso27001("8.13 Information backup"), decree85("availability of the information system")],
    },
  ],
};
export default pack;
