import type { Environment } from "../../environments/schema";
import { scheduleLookup, storesOf, veleroSchedules } from "../lib/backup";
import { describeSystems, type SystemRecord, SYSTEMS_CONFIG, systemRecords, systemsAtLeast } from "../lib/systems";
import { tenantNamespaces } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { EnvironmentContext, GovcloudStackPolicy } from "../engine/types";

export interface Config {
  readonly systems: readonly SystemRecord[];
  /** Regions that must hold backups of such an agency's namespaces, its own counted. */
  readonly minRegions: number;
}

/**
 * A system of security level 3 or higher (Decree 85/2016/NĐ-CP Art. 9–11; levels accumulate)
 * survives the loss of a datacenter: every tenant namespace of its agency is backed up by
 * running Velero Schedules whose storage locations are in at least two regions (TCVN 11930:2017
 * and Circular 12/2022/TT-BTTTT: backup and recovery from level 3), whatever the agency's declared
 * data classification says. How often, and how many copies each classification needs, is
 * `tenant-namespaces-have-backup-schedules`'s.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every tenant namespace of an agency with a security level 3 or higher system (Decree 85/2016/NĐ-CP Art. 9–11) is backed up by running Velero Schedules to storage locations in at least 2 regions.",
  scope: "check",
  configSchema: {
    properties: {
      systems: SYSTEMS_CONFIG,
      minRegions: { type: "integer", minimum: 2, default: 2 },
    },
  },
  configFromEnvironment: (_env: Environment, { agencies }: EnvironmentContext) => ({ systems: systemRecords(agencies) }),
  validateStack: (args, report) => {
    const { systems, minRegions } = args.getConfig<Config>();
    const level3 = systemsAtLeast(systems, 3);
    if (level3.size === 0) return;
    const schedulesOf = scheduleLookup(veleroSchedules(args.resources));
    const storesByNamespace = new Map<string, string[]>();
    for (const ns of tenantNamespaces(args.resources)) {
      const own = level3.get(ns.agency);
      if (own === undefined) continue;
      const key = `${ns.cluster}\u0000${ns.name}`;
      const stores = storesByNamespace.get(key) ?? storesOf(schedulesOf(ns));
      storesByNamespace.set(key, stores);
      if (stores.length < minRegions) {
        report(
          `tenant namespace "${ns.name}" (${ns.cluster}) of agency ${ns.agency}, which runs ${describeSystems(own)}, has backups in ${stores.length} region(s) (${stores.join(", ") || "none"}); level 3 and above needs copies in at least ${minRegions}`,
          ns.resource.urn,
        );
      }
    }
  },
};
export default rule;
