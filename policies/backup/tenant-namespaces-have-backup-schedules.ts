import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { backupClassification } from "../../estate/backup";
import { BackupSchema, DATA_CLASSIFICATIONS, type DataClassificationName, type Environment } from "../../environments/schema";
import { hours, type Schedule, scheduleLookup, storesOf, veleroSchedules } from "../lib/backup";
import { type SystemRecord, SYSTEMS_CONFIG, systemRecords } from "../lib/systems";
import { CLASSIFICATION_LABEL, type TenantNamespace, tenantNamespaces } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { EnvironmentContext, GovcloudStackPolicy } from "../engine/types";

type PerClassification = Readonly<Record<DataClassificationName, number>>;

export interface Config {
  /** Longest time between two backups, hours, per classification. */
  readonly rpoHours: PerClassification;
  /** Regions that must hold copies, the namespace's own counted, per classification. */
  readonly minCopyRegions: PerClassification;
  /** The agencies' information systems: their security levels raise the classification. */
  readonly systems: readonly SystemRecord[];
}

/** The schema's defaults (environments/schema.ts), so that they are written once. */
const DEFAULT_RPO_HOURS: PerClassification = BackupSchema.shape.rpoHours.parse(undefined);
const DEFAULT_MIN_COPY_REGIONS: PerClassification = BackupSchema.shape.minCopyRegions.parse(undefined);

const perClassification = (what: string, defaults: PerClassification, minimum: number): PolicyConfigJSONSchema => ({
  type: "object",
  description: `${what} per data classification: the environment's backup settings, else these defaults`,
  properties: Object.fromEntries(DATA_CLASSIFICATIONS.map((c) => [c, { type: "integer", minimum }])),
  default: { ...defaults },
});

/**
 * Every tenant namespace (label `govcloud.gov.vn/tenant`) holds an agency's data, and is
 * backed up: Velero Schedules in its own cluster select it (`includedNamespaces`), run at least
 * as often as the RPO of its classification, and write to storage locations in at least the
 * required number of regions. The classification is the namespace's
 * `govcloud.gov.vn/data-classification` label (secret when it has none), raised by the security
 * levels of the agency's information systems as estate/backup.ts raises it. RPO and copies come
 * from the environment's `backup` settings when an environment is checked, else from the
 * defaults of the configuration schema (those of `backup` in environments/schema.ts).
 *
 * A Schedule's location is resolved against the BackupStorageLocations of the same cluster;
 * when none of that cluster is among the inputs (a plan of a tenant stack alone), the region
 * the Schedule declares in its `govcloud.gov.vn/backup-store` label is taken instead.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every tenant namespace is selected by running Velero Schedules in its cluster whose interval meets the RPO of its classification (raised by its agency's security levels) and whose storage locations span the required number of regions.",
  scope: "check",
  configSchema: {
    properties: {
      rpoHours: perClassification("RPO, hours,", DEFAULT_RPO_HOURS, 1),
      minCopyRegions: perClassification("Regions holding copies", DEFAULT_MIN_COPY_REGIONS, 1),
      systems: SYSTEMS_CONFIG,
    },
  },
  configFromEnvironment: (env: Environment, { agencies }: EnvironmentContext) => ({
    ...(env.backup === undefined ? {} : { rpoHours: { ...env.backup.rpoHours }, minCopyRegions: { ...env.backup.minCopyRegions } }),
    systems: systemRecords(agencies),
  }),
  validateStack: (args, report) => {
    const { rpoHours, minCopyRegions, systems } = args.getConfig<Config>();
    const levels = new Map<string, Record<string, { securityLevel: number }>>();
    for (const s of systems) levels.set(s.agency, { ...levels.get(s.agency), [s.system]: { securityLevel: s.securityLevel } });
    const schedulesOf = scheduleLookup(veleroSchedules(args.resources));
    // One judgement per namespace of a cluster and classification, whichever resources declare it.
    const judged = new Map<string, string[]>();
    for (const ns of tenantNamespaces(args.resources)) {
      const label = ns.labels[CLASSIFICATION_LABEL];
      const key = `${ns.cluster}\u0000${ns.name}\u0000${ns.agency}\u0000${String(label)}`;
      let problems = judged.get(key);
      if (problems === undefined) {
        problems = judge(ns, label, schedulesOf(ns), { rpoHours, minCopyRegions, levels: levels.get(ns.agency) ?? {} });
        judged.set(key, problems);
      }
      for (const problem of problems) report(problem, ns.resource.urn);
    }
  },
};
export default rule;

/** Every problem with the backups of one tenant namespace. */
function judge(
  ns: TenantNamespace,
  label: unknown,
  mine: readonly Schedule[],
  settings: { rpoHours: PerClassification; minCopyRegions: PerClassification; levels: Readonly<Record<string, { securityLevel: number }>> },
): string[] {
  const declared: DataClassificationName = DATA_CLASSIFICATIONS.includes(label as DataClassificationName) ? (label as DataClassificationName) : "secret";
  const { effective, raisedBy } = backupClassification({ dataClassification: declared, systems: settings.levels });
  const rpo = settings.rpoHours[effective];
  const needed = settings.minCopyRegions[effective];
  const why = `${effective}${label === undefined ? ", as it has no data-classification label" : ""}${raisedBy === undefined ? "" : `, raised by ${raisedBy.system} (security level ${raisedBy.securityLevel})`}`;
  const subject = `tenant namespace "${ns.name}" (${ns.cluster}; ${why}: RPO ${rpo} h, copies in ${needed} region(s))`;
  if (mine.length === 0) return [`${subject} is selected by no Velero Schedule in its cluster`];
  const problems: string[] = [];
  for (const s of mine) {
    const problem = scheduleProblem(s, rpo);
    if (problem !== undefined) problems.push(`${subject}: Schedule ${s.name} ${problem}`);
  }
  const inTime = mine.filter((s) => !s.paused && s.gapMinutes !== undefined && s.gapMinutes <= rpo * 60);
  const stores = storesOf(inTime);
  if (inTime.length > 0 && stores.length < needed) {
    problems.push(`${subject} has backups within its RPO in ${stores.length} region(s) (${stores.join(", ") || "none"}); ${effective} data needs copies in ${needed}`);
  }
  return problems;
}

/** What keeps one Schedule from counting, or undefined. */
function scheduleProblem(s: Schedule, rpoHours: number): string | undefined {
  if (s.paused) return "is paused";
  if (s.gapMinutes === undefined) return `runs on "${s.cron}", which is not a schedule that runs every day`;
  if (s.gapMinutes > rpoHours * 60) return `runs "${s.cron}", up to ${hours(s.gapMinutes)} apart, longer than the RPO of ${rpoHours} h`;
  if (s.locationProblem !== undefined) return `cannot keep backups: ${s.locationProblem}`;
  return undefined;
}
