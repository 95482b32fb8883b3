/**
 * Cross-region backup as plain data (docs/backup.md): per region the Velero backup storage
 * locations (BSLs) and volume snapshot locations (VSLs) and the restore drill, and per tenant
 * namespace the Velero Schedules that back it up. No cdktf here; constructs/backup-locations.ts,
 * constructs/tenant-backup-schedules.ts and constructs/restore-drill.ts render it.
 *
 * Storage layout. Each region `r` has one bucket on its own object storage, and every backup of
 * region `o`'s tenants that is kept there lives under `<prefix>/<o>`. So in region `r`'s cluster:
 * - `local` (ReadWrite, the default): r's store, `<prefix_r>/<r>`;
 * - `to-<p>` (ReadWrite) per partner p of the topology: p's store, `<prefix_p>/<r>`;
 * - `from-<s>` (ReadOnly) per region s that sends copies to r: r's store, `<prefix_r>/<s>` — the
 *   same place as s's `to-<r>`, read-only here so that only the region that wrote a backup ever
 *   expires it, and there for restores: the drills, and a real recovery after losing s.
 *
 * The rules (what the tests assert for every tenant namespace):
 * - Classification for backup = the agency's `dataClassification`, raised by the highest
 *   cybersecurity level of its information systems (Decree 85/2016/NĐ-CP): level 3 at least
 *   internal, level 4 at least confidential, level 5 secret. A level-4 system (serious harm to
 *   public order or national security) must not be backed up like a public web page because its
 *   agency filed the data under a lower class.
 * - Interval: the longest divisor of 24 hours that is at most the class's RPO
 *   (`backup.rpoHours`), so backups run at the same times every day and the gap between two is
 *   exactly the interval, never more than the RPO.
 * - Copies: `backup.minCopyRegions` of the class, the tenant's own region counted: one Schedule
 *   to `local` and one per partner region, partners taken from the topology in this order: the
 *   agency's other tenant region (DR region for the home tenant, home for the others), then the
 *   rest by region id. Snapshots never count as a copy elsewhere: they stay in the region.
 * - Retention: the class's `backup.retentionDays` (Velero TTL) on every copy.
 */
import { hash as digestOf } from "node:crypto";
import type { EnvironmentConfig } from "../environments";
import type { Agency } from "../environments/agency-schema";
import { descriptorOf } from "../environments/workloads";
import type { Diagnostic } from "../environments/diagnostics";
import { type AgencyStep, computeAgencyStep } from "./agency-step";
import type { Backup, DataClassificationName, Environment, SecretKeyRef } from "../environments/schema";
import { LABEL_PREFIX, ownershipLabels } from "./labels";
import { sortedBy, sortedEntries } from "../core/compare";
import { velero } from "./add-ons/velero";
import { backupPartners, backupSources } from "./backup-topology";
import type { KubernetesObject } from "./kubernetes-object";
import { addInstance, type Blocks, kubernetesId, TENANT_LABELS, type TenantContext, tenantNamespace, tenantStorageClass, workloadSelector } from "./tenant-model";
import { merged } from "../core/merged";

/** The namespace Velero runs in and watches: every BSL, VSL, Schedule and Restore lives there. */
export const VELERO_NAMESPACE = velero.namespace;

export const VELERO_API_VERSION = "velero.io/v1";

/** The block of the tenant Schedules in tenant stacks; instances are keyed `<agency>/<location>`. */
export const SCHEDULE_BLOCK = "kubernetes_manifest.tenant_backup_schedule";

/** The BSL every region writes its own tenants' backups to. */
export const LOCAL_LOCATION = "local";

/** Labels on backup objects (Velero copies a Schedule's template labels to every Backup it makes). */
export const BACKUP_LABELS = {
  origin: `${LABEL_PREFIX}/backup-origin`,
  store: `${LABEL_PREFIX}/backup-store`,
  role: `${LABEL_PREFIX}/tenant-role`,
  restoreDrill: `${LABEL_PREFIX}/restore-drill`,
} as const;

/** Annotations that record the backup settings on the objects, for people and reports. */
export const BACKUP_ANNOTATIONS = {
  rpoHours: `${LABEL_PREFIX}/rpo-hours`,
  requiredRegions: `${LABEL_PREFIX}/required-copy-regions`,
  objectLock: `${LABEL_PREFIX}/object-lock-replica`,
  classificationRaisedBy: `${LABEL_PREFIX}/classification-raised-by`,
} as const;

const CLASS_ORDER: readonly DataClassificationName[] = ["public", "internal", "confidential", "secret"];

/** Compile-time guard: the agency schema and the backup settings name the same classifications. */
export const CLASSIFICATIONS_AGREE: [Agency["dataClassification"]] extends [DataClassificationName]
  ? [DataClassificationName] extends [Agency["dataClassification"]]
    ? true
    : never
  : never = true;

/** The lowest classification a system's cybersecurity level implies for backup (see the module comment). */
const LEVEL_FLOOR: Readonly<Record<number, DataClassificationName>> = { 3: "internal", 4: "confidential", 5: "secret" };

/** Backup intervals that divide a day, so a schedule's gaps are all equal. */
const DAY_DIVISORS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

// ---------------------------------------------------------------------------------------------
// Classification, interval, schedule times
// ---------------------------------------------------------------------------------------------

export interface BackupClassification {
  /** What the agency declared. */
  readonly declared: DataClassificationName;
  /** What backup uses: the declared class, raised by the systems' security levels. */
  readonly effective: DataClassificationName;
  /** The system that raised it, when one did. */
  readonly raisedBy?: { readonly system: string; readonly securityLevel: number };
}

/** The classification backup settings are taken from (see the module comment). */
export function backupClassification(agency: {
  readonly dataClassification: DataClassificationName;
  readonly systems: Readonly<Record<string, { readonly securityLevel: number }>>;
}): BackupClassification {
  const declared: DataClassificationName = agency.dataClassification;
  let effective = declared;
  let raisedBy: BackupClassification["raisedBy"];
  for (const [system, info] of sortedEntries(agency.systems)) {
    const floor = LEVEL_FLOOR[Math.min(info.securityLevel, 5)];
    if (floor !== undefined && CLASS_ORDER.indexOf(floor) > CLASS_ORDER.indexOf(effective)) {
      effective = floor;
      raisedBy = { system, securityLevel: info.securityLevel };
    }
  }
  return raisedBy === undefined ? { declared, effective } : { declared, effective, raisedBy };
}

/** The backup interval for an RPO: the longest divisor of 24 hours not above it. */
export function backupIntervalHours(rpoHours: number): number {
  return [...DAY_DIVISORS].reverse().find((d) => d <= rpoHours) ?? 1;
}

/**
 * A cron expression (UTC, Velero's time zone) running every `intervalHours`, at a minute and
 * hour derived from a stable seed so that thousands of tenants do not all start at once. Daily
 * backups run between 17:00 and 21:59 UTC, which is 00:00–04:59 in Vietnam. `shift` moves the
 * minute, so a tenant's copies do not all start together.
 */
export function backupCron(seed: string, intervalHours: number, shift = 0): string {
  // The first four bytes of the SHA-256 digest, big-endian (one-shot hashing: a quarter of the time of a Hash object per call).
  const hash = Number.parseInt(digestOf("sha256", seed, "hex").slice(0, 8), 16);
  const minute = (hash + shift * 20) % 60;
  const offset = Math.floor(hash / 60) % intervalHours;
  if (intervalHours === 1) return `${minute} * * * *`;
  if (intervalHours === 24) return `${minute} ${17 + (Math.floor(hash / 60) % 5)} * * *`;
  return `${minute} ${offset}-23/${intervalHours} * * *`;
}

/** The longest gap of a daily schedule, from the one cron module (core/cron.ts). */
export { cronMaxGapMinutes } from "../core/cron";

/** Velero's duration format for a number of days. */
export function veleroDays(days: number): string {
  return `${days * 24}h0m0s`;
}

/**
 * An object name of at most 63 characters (Velero copies Schedule names into label values):
 * the name itself when it fits, else a prefix and a hash of the whole.
 */
export function boundedName(name: string): string {
  if (name.length <= 63) return name;
  const hash = digestOf("sha256", name, "hex").slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

/** One BackupStorageLocation in one region's cluster. */
export interface BackupLocation {
  readonly name: string;
  /** local: this region's own backups; partner: copies sent to another region; source: another region's copies kept here. */
  readonly kind: "local" | "partner" | "source";
  /** The region whose object storage holds the backups. */
  readonly storeRegion: string;
  /** The region whose tenants the backups are of. */
  readonly originRegion: string;
  readonly accessMode: "ReadWrite" | "ReadOnly";
  /** https:// endpoint of the store (the store region's objectStorage endpoint). */
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly manifest: KubernetesObject;
}

/** One VolumeSnapshotLocation (snapshots stay in the region's own block storage). */
export interface SnapshotLocation {
  readonly name: string;
  readonly storageClasses: readonly string[];
  readonly manifest: KubernetesObject;
}

/** Location names in a region's cluster. */
export function partnerLocation(region: string): string {
  return `to-${region}`;
}
export function sourceLocation(region: string): string {
  return `from-${region}`;
}

function backupLocations(env: Environment, backup: Backup, regionId: string): BackupLocation[] {
  const regionIds = Object.keys(env.regions);
  const location = (name: string, kind: BackupLocation["kind"], storeRegion: string, originRegion: string): BackupLocation => {
    const region = env.regions[storeRegion];
    const settings = backup.regions[storeRegion];
    if (region === undefined || settings === undefined) throw new Error(`internal: no backup settings for region ${storeRegion}`);
    const accessMode = kind === "source" ? "ReadOnly" : "ReadWrite";
    const prefix = `${settings.prefix}/${originRegion}`;
    const lock = settings.objectLock;
    const manifest: KubernetesObject = {
      apiVersion: VELERO_API_VERSION,
      kind: "BackupStorageLocation",
      metadata: {
        name,
        namespace: VELERO_NAMESPACE,
        labels: merged(ownershipLabels(env.name, regionId), { [BACKUP_LABELS.origin]: originRegion, [BACKUP_LABELS.store]: storeRegion }),
        annotations: { [BACKUP_ANNOTATIONS.objectLock]: `${lock.endpoint}/${lock.bucket} (${lock.mode}, ${lock.retentionDays} days)` },
      },
      spec: {
        provider: "aws",
        default: kind === "local",
        accessMode,
        objectStorage: { bucket: settings.bucket, prefix },
        // The AWS plugin speaks to any S3-compatible store; s3Url keeps it away from AWS's own
        // endpoints, path-style addressing needs no wildcard DNS, and an empty checksum
        // algorithm suits stores that do not implement the newer AWS checksums.
        config: { region: region.objectStorage.region, s3Url: region.objectStorage.endpoint, s3ForcePathStyle: "true", checksumAlgorithm: "" },
        credential: secretKeyRef(settings.credentials),
      },
    };
    return { name, kind, storeRegion, originRegion, accessMode, endpoint: region.objectStorage.endpoint, bucket: settings.bucket, prefix, manifest };
  };
  return [
    location(LOCAL_LOCATION, "local", regionId, regionId),
    ...backupPartners(backup.topology, regionIds, regionId).map((p) => location(partnerLocation(p), "partner", p, regionId)),
    ...backupSources(backup.topology, regionIds, regionId).map((s) => location(sourceLocation(s), "source", regionId, s)),
  ];
}

function snapshotLocations(env: Environment, backup: Backup, regionId: string): SnapshotLocation[] {
  const snapshots = backup.regions[regionId]?.volumeSnapshots;
  if (snapshots === undefined) return [];
  const manifest: KubernetesObject = {
    apiVersion: VELERO_API_VERSION,
    kind: "VolumeSnapshotLocation",
    metadata: { name: LOCAL_LOCATION, namespace: VELERO_NAMESPACE, labels: ownershipLabels(env.name, regionId) },
    spec: {
      provider: snapshots.provider,
      config: Object.fromEntries(sortedEntries(snapshots.config)),
      ...(snapshots.credentials === undefined ? {} : { credential: secretKeyRef(snapshots.credentials) }),
    },
  };
  return [{ name: LOCAL_LOCATION, storageClasses: [...snapshots.storageClasses].sort(), manifest }];
}

function secretKeyRef(ref: SecretKeyRef): { name: string; key: string } {
  return { name: ref.name, key: ref.key };
}

// ---------------------------------------------------------------------------------------------
// Tenant schedules
// ---------------------------------------------------------------------------------------------

/** Where one copy of a tenant's backups goes, and the Schedule that writes it. */
export interface BackupCopy {
  /** The BSL in the tenant's region: `local` or `to-<region>`. */
  readonly location: string;
  readonly storeRegion: string;
  readonly schedule: string;
}

/** One copy of a tenant's backups: one Velero Schedule writing to one BSL. */
export interface ScheduleCopy extends BackupCopy {
  readonly cron: string;
  readonly manifest: KubernetesObject;
}

/** How the volumes of a tenant's stateful services are captured in its own region. */
export type VolumeCapture = "none" | "snapshots" | "file-system";

/**
 * The settings and copies of one tenant namespace's backups, without the Schedules' times and
 * manifests: what the estate's backup plan (alerts, drills) is made of. Only a tenant stack that
 * is synthesized needs the manifests ({@link tenantBackup}).
 */
export interface TenantBackupCopies {
  readonly agencyId: string;
  readonly regionId: string;
  readonly role: string;
  readonly namespace: string;
  readonly classification: BackupClassification;
  readonly rpoHours: number;
  readonly intervalHours: number;
  readonly retentionDays: number;
  readonly requiredRegions: number;
  /** Regions holding copies, the tenant's own first, then as in `copies`. */
  readonly regions: readonly string[];
  readonly copies: readonly BackupCopy[];
}

/** Everything about the backups of one tenant namespace. */
export interface TenantBackup extends TenantBackupCopies {
  readonly copies: readonly ScheduleCopy[];
  readonly volumes: VolumeCapture;
  /** Stateful services whose pods get the pre/post backup hooks. */
  readonly hookedWorkloads: readonly string[];
}

/** What a tenant's backups are computed from: the agency, its region and its role there. */
export interface TenantBackupInput {
  readonly environment: Environment;
  readonly regionId: string;
  readonly agency: Agency;
  readonly role: string;
}

/**
 * The copies of one tenant namespace's backups, or undefined when the environment has no
 * `backup` section: the part of {@link tenantBackup} that needs no manifest. Pure.
 */
export function tenantBackupCopies(input: TenantBackupInput): TenantBackupCopies | undefined {
  const { environment: env, regionId, agency, role } = input;
  const backup = env.backup;
  if (backup === undefined) return undefined;
  const classification = backupClassification(agency);
  const cls = classification.effective;
  const rpoHours = backup.rpoHours[cls];
  const requiredRegions = backup.minCopyRegions[cls];
  const id = kubernetesId(agency);
  const partners = regionPartners(env, backup, regionId);
  const preferred = role === "home" ? agency.drRegion : agency.homeRegion;
  const ordered = partners.includes(preferred) ? [preferred, ...partners.filter((p) => p !== preferred)] : partners;
  const stores = [regionId, ...ordered.slice(0, Math.max(0, requiredRegions - 1))];
  return {
    agencyId: agency.id,
    regionId,
    role,
    namespace: tenantNamespace(id),
    classification,
    rpoHours,
    intervalHours: backupIntervalHours(rpoHours),
    retentionDays: backup.retentionDays[cls],
    requiredRegions,
    regions: stores,
    copies: stores.map((store) => ({
      location: store === regionId ? LOCAL_LOCATION : partnerLocation(store),
      storeRegion: store,
      schedule: boundedName(`${id}-${regionId}-to-${store}`),
    })),
  };
}

/** The regions a region sends copies to (backupPartners), once per environment and region. */
const partnersByRegion = new WeakMap<Environment, Map<string, readonly string[]>>();
function regionPartners(env: Environment, backup: Backup, regionId: string): readonly string[] {
  let byRegion = partnersByRegion.get(env);
  if (byRegion === undefined) {
    byRegion = new Map();
    partnersByRegion.set(env, byRegion);
  }
  let partners = byRegion.get(regionId);
  if (partners === undefined) {
    partners = backupPartners(backup.topology, Object.keys(env.regions), regionId);
    byRegion.set(regionId, partners);
  }
  return partners;
}

/**
 * The Schedules of one tenant namespace, or undefined when the environment has no `backup`
 * section. Pure: the same input gives the same names, times and manifests.
 */
export function tenantBackup(input: TenantBackupInput): TenantBackup | undefined {
  const base = tenantBackupCopies(input);
  if (base === undefined) return undefined;
  const { environment: env, regionId, agency, role } = input;
  const backup = env.backup as Backup;
  const { namespace, classification, rpoHours, intervalHours, retentionDays, requiredRegions } = base;
  const cls = classification.effective;

  const stateful = Object.entries(agency.workloads)
    .flatMap(([name, w]) => {
      const volumes = descriptorOf(w).volumes?.(w);
      return volumes === undefined ? [] : [[name, volumes] as const];
    })
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const volumeClasses = new Set(stateful.map(([, v]) => v.storageClass ?? tenantStorageClass(env) ?? ""));
  const snapshotClasses = new Set(backup.regions[regionId]?.volumeSnapshots?.storageClasses ?? []);
  const volumes: VolumeCapture =
    stateful.length === 0 ? "none" : [...volumeClasses].every((c) => snapshotClasses.has(c)) ? "snapshots" : "file-system";

  const hooks = stateful.map(([name]) => ({
    name: `${name}-consistency`,
    includedNamespaces: [namespace],
    labelSelector: { matchLabels: workloadSelector(kubernetesId(agency), name) },
    pre: [{ exec: { container: name, command: hookCommand("pre"), onError: "Continue", timeout: "2m0s" } }],
    post: [{ exec: { container: name, command: hookCommand("post"), onError: "Continue", timeout: "1m0s" } }],
  }));

  const copies = base.copies.map(({ location, storeRegion: store, schedule }, i): ScheduleCopy => {
    const cron = backupCron(`${kubernetesId(agency)}/${regionId}`, intervalHours, i);
    // Snapshots stay in this region's block storage: only the local copy may use them; copies
    // elsewhere carry the volume data in the object store, by file-system backup (kopia).
    const snapshots = store === regionId && volumes === "snapshots";
    const fileSystem = volumes !== "none" && !snapshots;
    const manifest: KubernetesObject = {
      apiVersion: VELERO_API_VERSION,
      kind: "Schedule",
      metadata: {
        name: schedule,
        namespace: VELERO_NAMESPACE,
        labels: merged(ownershipLabels(env.name, regionId), {
          [TENANT_LABELS.agency]: agency.id,
          [TENANT_LABELS.tenant]: namespace,
          [TENANT_LABELS.classification]: cls,
          [BACKUP_LABELS.store]: store,
        }),
        annotations: {
          [BACKUP_ANNOTATIONS.rpoHours]: String(rpoHours),
          [BACKUP_ANNOTATIONS.requiredRegions]: String(requiredRegions),
          ...(classification.raisedBy === undefined
            ? {}
            : {
                [BACKUP_ANNOTATIONS.classificationRaisedBy]: `${classification.raisedBy.system} (security level ${classification.raisedBy.securityLevel}; declared ${classification.declared})`,
              }),
        },
      },
      spec: {
        schedule: cron,
        useOwnerReferencesInBackup: false,
        template: merged(
          {
            metadata: {
              labels: {
                [TENANT_LABELS.agency]: agency.id,
                [TENANT_LABELS.tenant]: namespace,
                [TENANT_LABELS.classification]: cls,
                [BACKUP_LABELS.origin]: regionId,
                [BACKUP_LABELS.store]: store,
                [BACKUP_LABELS.role]: role,
              },
            },
            includedNamespaces: [namespace],
            storageLocation: location,
            ttl: veleroDays(retentionDays),
            snapshotVolumes: snapshots,
          },
          snapshots ? { volumeSnapshotLocations: [LOCAL_LOCATION] } : undefined,
          { defaultVolumesToFsBackup: fileSystem },
          hooks.length > 0 ? { hooks: { resources: hooks } } : undefined,
        ),
      },
    };
    return { location, storeRegion: store, schedule, cron, manifest };
  });

  return merged(base, { copies, volumes, hookedWorkloads: stateful.map(([name]) => name) });
}

/**
 * The consistency hook run in a stateful service's container before (pre) and after (post) each
 * backup. Images opt in by shipping `/usr/local/bin/govcloud-backup-pre` (flush and quiesce: a
 * database CHECKPOINT, FLUSH TABLES WITH READ LOCK, ...) and `govcloud-backup-post`; without
 * them the pre hook still flushes the file system. Hooks never fail the backup (onError:
 * Continue): a crash-consistent copy is better than a missed RPO.
 */
function hookCommand(phase: "pre" | "post"): string[] {
  const script = `/usr/local/bin/govcloud-backup-${phase}`;
  return ["/bin/sh", "-c", `if [ -x ${script} ]; then exec ${script}; fi; ${phase === "pre" ? "sync" : "true"}`];
}

/**
 * Adds the Velero Schedules of one tenant namespace to a tenant stack's blocks, keyed
 * `<agency>/<location>`. Nothing when the environment has no `backup` section.
 */
export function addBackupScheduleInstances(ctx: TenantContext, blocks: Blocks): void {
  const plan = tenantBackup({ environment: ctx.environment, regionId: ctx.regionId, agency: ctx.agency, role: ctx.role });
  for (const copy of plan?.copies ?? []) addInstance(blocks, SCHEDULE_BLOCK, `${ctx.agency.id}/${copy.location}`, { manifest: copy.manifest });
}

// ---------------------------------------------------------------------------------------------
// Restore drills
// ---------------------------------------------------------------------------------------------

/** One tenant restored by a region's drill: its latest backup from one BSL into a scratch namespace. */
export interface DrillTarget {
  readonly agencyId: string;
  /** The region the tenant lives in (its home). */
  readonly originRegion: string;
  /** BSL in the drilling region the backup is read from. */
  readonly location: string;
  /** The Schedule whose latest completed Backup is restored (Velero's `velero.io/schedule-name` label). */
  readonly schedule: string;
  readonly sourceNamespace: string;
  readonly scratchNamespace: string;
  readonly rtoSeconds: number;
}

export interface RestoreDrillPlan {
  readonly enabled: boolean;
  /** Cron, Asia/Ho_Chi_Minh. */
  readonly schedule: string;
  /** Full image reference in the region's mirror, pinned by digest. */
  readonly image: string;
  /** Sorted by agency id. */
  readonly targets: readonly DrillTarget[];
  /** Bound on one run: every target's RTO in turn, plus ten minutes per target for cleanup. */
  readonly activeDeadlineSeconds: number;
}

/** Velero resources a drill never restores: they would act outside the scratch namespace. */
export const DRILL_EXCLUDED_RESOURCES = [
  // Two Ingresses for one host would split the agency's live traffic with the scratch copy.
  "ingresses.networking.k8s.io",
  // Scheduled jobs would run the agency's batch work (payments, reports) a second time.
  "cronjobs.batch",
  "jobs.batch",
] as const;

/** The Restore a drill creates for one target (names and backup filled in at run time). */
export function drillRestore(
  env: Pick<Environment, "name">,
  regionId: string,
  fields: { readonly name: string; readonly backupName: string; readonly agencyId: string; readonly sourceNamespace: string; readonly scratchNamespace: string },
): KubernetesObject & { spec: Record<string, unknown> } {
  return {
    apiVersion: VELERO_API_VERSION,
    kind: "Restore",
    metadata: {
      name: fields.name,
      namespace: VELERO_NAMESPACE,
      labels: merged(ownershipLabels(env.name, regionId), { [TENANT_LABELS.agency]: fields.agencyId, [BACKUP_LABELS.restoreDrill]: "true" }),
    },
    spec: {
      backupName: fields.backupName,
      includedNamespaces: [fields.sourceNamespace],
      namespaceMapping: { [fields.sourceNamespace]: fields.scratchNamespace },
      excludedResources: [...DRILL_EXCLUDED_RESOURCES],
      restorePVs: true,
      existingResourcePolicy: "none",
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/**
 * What a region's backup stack is built from: its storage and snapshot locations, and nothing
 * else of the region's plan (its schedules and drills are the platform stack's). The stack takes
 * exactly this value as its props and the engine fingerprints exactly this value, so the stack
 * cannot read a field its fingerprint misses.
 */
export type BackupStackInputs = Pick<RegionBackup, "locations" | "snapshotLocations">;

/** The part of a region's backup plan that its backup stack renders. */
export function backupStackInputs(backup: RegionBackup): BackupStackInputs {
  return { locations: backup.locations, snapshotLocations: backup.snapshotLocations };
}

export interface RegionBackup {
  readonly regionId: string;
  readonly locations: readonly BackupLocation[];
  readonly snapshotLocations: readonly SnapshotLocation[];
  readonly drill: RestoreDrillPlan;
  /**
   * The Velero Schedules of the region's tenant namespaces with their RPO, sorted by schedule
   * name: what the monitoring add-on's backup-age alerts watch (estate/monitoring-rules.ts).
   * Empty unless planBackups is given the tenants.
   */
  readonly schedules: readonly MonitoredSchedule[];
}

/** One tenant Schedule, as the backup alerts judge it. */
export interface MonitoredSchedule {
  readonly schedule: string;
  readonly namespace: string;
  readonly rpoHours: number;
}

/** A tenant of the estate: an agency in one region, in one role. */
export interface BackupTenant {
  readonly regionId: string;
  readonly agency: Agency;
  readonly role: string;
}

export interface BackupPlan {
  readonly topology: Backup["topology"];
  /** By region id. */
  readonly regions: ReadonlyMap<string, RegionBackup>;
}

/**
 * The backup plan of an environment and its agencies, or undefined without a `backup` section.
 * Each agency's home namespace is drilled in the first region that holds a copy of it besides
 * home (its DR region where the topology allows), else at home from `local`.
 */
export function planBackups(env: Environment, agencies: readonly Agency[], step: AgencyStep = computeAgencyStep, tenants: readonly BackupTenant[] = []): BackupPlan | undefined {
  const backup = env.backup;
  if (backup === undefined) return undefined;
  const schedules = new Map<string, MonitoredSchedule[]>();
  // A home tenant's copies are also what its agency's drill restores.
  const homeCopies = new Map<Agency, TenantBackupCopies>();
  for (const tenant of tenants) {
    const build = () => tenantBackupCopies({ environment: env, regionId: tenant.regionId, agency: tenant.agency, role: tenant.role });
    const plan = step(env, tenant.agency, "backup", { regionId: tenant.regionId, role: tenant.role }, build);
    if (plan === undefined) continue;
    if (tenant.role === "home" && tenant.regionId === tenant.agency.homeRegion) homeCopies.set(tenant.agency, plan);
    const list = schedules.get(tenant.regionId) ?? [];
    for (const copy of plan.copies) list.push({ schedule: copy.schedule, namespace: plan.namespace, rpoHours: plan.rpoHours });
    schedules.set(tenant.regionId, list);
  }
  const targets = new Map<string, DrillTarget[]>();
  for (const agency of sortedBy(agencies, (a) => a.id)) {
    const home = () => tenantBackupCopies({ environment: env, regionId: agency.homeRegion, agency, role: "home" });
    const tenant = homeCopies.get(agency) ?? step(env, agency, "home-backup", {}, home);
    if (tenant === undefined) continue;
    const copy = tenant.copies.find((c) => c.storeRegion !== agency.homeRegion) ?? tenant.copies[0];
    if (copy === undefined) continue;
    const drillRegion = copy.storeRegion;
    const list = targets.get(drillRegion) ?? [];
    list.push({
      agencyId: agency.id,
      originRegion: agency.homeRegion,
      location: drillRegion === agency.homeRegion ? LOCAL_LOCATION : sourceLocation(agency.homeRegion),
      schedule: copy.schedule,
      sourceNamespace: tenant.namespace,
      scratchNamespace: `${backup.restoreDrills.namespacePrefix}-${agency.id}`,
      rtoSeconds: backup.restoreDrills.rtoMinutes[tenant.classification.effective] * 60,
    });
    targets.set(drillRegion, list);
  }
  const regions = new Map<string, RegionBackup>();
  for (const regionId of Object.keys(env.regions).sort()) {
    const region = env.regions[regionId]!;
    const drillTargets = targets.get(regionId) ?? [];
    const { image, enabled, schedule } = backup.restoreDrills;
    regions.set(regionId, {
      regionId,
      locations: backupLocations(env, backup, regionId),
      snapshotLocations: snapshotLocations(env, backup, regionId),
      drill: {
        enabled,
        schedule,
        image: `${region.registries.images}/${image.repository}@${image.digest}`,
        targets: drillTargets,
        activeDeadlineSeconds: drillTargets.reduce((n, t) => n + t.rtoSeconds + 600, 600),
      },
      schedules: (schedules.get(regionId) ?? []).sort((a, b) => (a.schedule < b.schedule ? -1 : a.schedule > b.schedule ? 1 : 0)),
    });
  }
  return { topology: backup.topology, regions };
}

/**
 * Problems only the agencies reveal: a confidential or secret agency in an environment without
 * a `backup` section would have no copy anywhere. Located in the agency file.
 */
export function backupCoverageProblems(config: EnvironmentConfig): Diagnostic[] {
  if (config.environment.value.backup !== undefined) return [];
  return config.agencies
    .filter((a) => {
      const cls = backupClassification(a.value).effective;
      return cls === "confidential" || cls === "secret";
    })
    .map((a) =>
      merged(a.source.locate(["dataClassification"]), {
        path: "dataClassification",
        message: `is ${backupClassification(a.value).effective} for backup, but environment '${config.environment.value.name}' has no backup section: its data would have no copy in any other region; add backup to the environment file`,
      }),
    );
}
