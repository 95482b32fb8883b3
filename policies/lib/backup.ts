/**
 * Velero backups as they will be deployed: which Schedules select each tenant namespace, how
 * often they run, and in which region each one's storage location keeps the backups. Read from
 * the resources of every stack at once: Schedules are in the tenant stacks, their
 * BackupStorageLocations in the backup stack of the same cluster.
 */
import type { PolicyResource } from "@pulumi/policy";
import { cronMaxGapMinutes } from "../../estate/backup";
import { globToRegExp } from "../engine/suppressions";
import { apiGroupOf, clusterOf, kindOf, labelsOf, metadataOf, type TenantNamespace } from "./tenancy";
import { hostOfUrl, isObject, isTrue, strings } from "./values";

/** Label on Velero locations and Schedules: the region whose object storage holds the backups (estate/backup.ts). */
export const BACKUP_STORE_LABEL = "govcloud.gov.vn/backup-store";

const VELERO_GROUP = "velero.io";

/** A BackupStorageLocation in one cluster. */
export interface StorageLocation {
  readonly name: string;
  readonly cluster: string;
  /** Where backups go: its backup-store label (a region), else its s3Url's host. */
  readonly store: string;
  readonly readOnly: boolean;
  readonly isDefault: boolean;
}

/** One Velero Schedule. */
export interface Schedule {
  readonly resource: PolicyResource;
  readonly name: string;
  readonly cluster: string;
  readonly cron: string;
  /** The longest time between two runs, minutes; undefined when the schedule does not run every day. */
  readonly gapMinutes: number | undefined;
  readonly paused: boolean;
  /** The storage location's name (spec.template.storageLocation, else the cluster's default). */
  readonly location?: string;
  /** The store the backups go to, when the location resolves to a writable one. */
  readonly store?: string;
  /** Why the backups have no usable location, when they have none. */
  readonly locationProblem?: string;
  /** Whether the Schedule backs up a namespace (includedNamespaces, excludedNamespaces; globs). */
  readonly selects: (namespace: string) => boolean;
  /** The namespaces it names literally, when it names no pattern (for the index); undefined otherwise. */
  readonly literalNamespaces?: readonly string[];
}

/** The Velero Schedules of the resources, their locations resolved in their cluster. */
export function veleroSchedules(resources: readonly PolicyResource[]): Schedule[] {
  const locations = new Map<string, StorageLocation[]>();
  const manifests: { r: PolicyResource; manifest: Readonly<Record<string, unknown>>; labels: Readonly<Record<string, unknown>>; cluster: string }[] = [];
  for (const r of resources) {
    if (r.type !== "kubernetes_manifest" || apiGroupOf(r.type, r.props) !== VELERO_GROUP) continue;
    const kind = kindOf(r.type, r.props);
    const manifest = r.props.manifest as Readonly<Record<string, unknown>>;
    const labels = labelsOf(metadataOf(r.type, r.props));
    const cluster = clusterOf(r, labels);
    if (kind === "BackupStorageLocation") {
      const location = storageLocation(manifest, labels, cluster);
      if (location !== undefined) locations.set(cluster, [...(locations.get(cluster) ?? []), location]);
    } else if (kind === "Schedule") {
      manifests.push({ r, manifest, labels, cluster });
    }
  }
  return manifests.map(({ r, manifest, labels, cluster }) => schedule(r, manifest, labels, cluster, locations.get(cluster)));
}

function storageLocation(manifest: Readonly<Record<string, unknown>>, labels: Readonly<Record<string, unknown>>, cluster: string): StorageLocation | undefined {
  const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
  const spec = isObject(manifest.spec) ? manifest.spec : {};
  if (typeof metadata.name !== "string") return undefined;
  const config = isObject(spec.config) ? spec.config : {};
  const label = labels[BACKUP_STORE_LABEL];
  const store = typeof label === "string" && label !== "" ? label : typeof config.s3Url === "string" ? hostOfUrl(config.s3Url) : `location ${metadata.name}`;
  return { name: metadata.name, cluster, store, readOnly: spec.accessMode === "ReadOnly", isDefault: isTrue(spec.default) };
}

function schedule(
  r: PolicyResource,
  manifest: Readonly<Record<string, unknown>>,
  labels: Readonly<Record<string, unknown>>,
  cluster: string,
  locations: readonly StorageLocation[] | undefined,
): Schedule {
  const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
  const spec = isObject(manifest.spec) ? manifest.spec : {};
  const template = isObject(spec.template) ? spec.template : {};
  const cron = typeof spec.schedule === "string" ? spec.schedule : "";
  const named = typeof template.storageLocation === "string" && template.storageLocation !== "" ? template.storageLocation : undefined;
  const base = {
    resource: r,
    name: typeof metadata.name === "string" ? metadata.name : "?",
    cluster,
    cron,
    gapMinutes: scheduleGapMinutes(cron),
    paused: isTrue(spec.paused),
    selects: namespaceSelector(strings(template.includedNamespaces), strings(template.excludedNamespaces)),
    ...literal(strings(template.includedNamespaces)),
  };
  const where = cluster.startsWith("stack ") ? `in ${cluster}` : `in region ${cluster}'s cluster`;
  if (locations === undefined || locations.length === 0) {
    // The cluster's locations are not among the inputs (a plan of a tenant stack alone): the
    // store the Schedule declares is all there is to go on.
    const store = labels[BACKUP_STORE_LABEL];
    return typeof store === "string" && store !== ""
      ? { ...base, ...(named === undefined ? {} : { location: named }), store }
      : { ...base, ...(named === undefined ? {} : { location: named }), locationProblem: `no BackupStorageLocation ${where} is among the inputs` };
  }
  const location = named === undefined ? locations.find((l) => l.isDefault) : locations.find((l) => l.name === named);
  if (location === undefined) {
    const problem = named === undefined ? `names no storage location and ${where} none is the default` : `its storage location '${named}' is not a BackupStorageLocation ${where}`;
    return { ...base, ...(named === undefined ? {} : { location: named }), locationProblem: problem };
  }
  if (location.readOnly) return { ...base, location: location.name, locationProblem: `its storage location '${location.name}' is read-only` };
  return { ...base, location: location.name, store: location.store };
}

/** Whether a namespace pattern is a glob (`*`, `?`), not a name that matches only itself. */
function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

function literal(included: readonly string[]): { literalNamespaces?: readonly string[] } {
  return included.length > 0 && !included.some(isGlob) ? { literalNamespaces: included } : {};
}

/** Velero's namespace selection: an empty include list or `*` means every namespace; globs with `*` and `?`. */
function namespaceSelector(included: readonly string[], excluded: readonly string[]): (namespace: string) => boolean {
  // A name without `*` or `?` matches only itself: compared as a string, not compiled into a
  // regular expression. The 3,400-agency estate's tenant stacks have 13,600 Schedules, each
  // naming its namespace: compiling their expressions took about a twentieth of the policy
  // gate's checks (0.11 s of 2.3 s, profiled on one thread).
  const matches = (patterns: readonly string[]) => {
    const names = patterns.filter((p) => !isGlob(p));
    const res = patterns.filter(isGlob).map(globToRegExp);
    return (ns: string) => names.includes(ns) || res.some((re) => re.test(ns));
  };
  const include = included.length === 0 ? () => true : matches(included);
  const exclude = matches(excluded);
  return (ns) => include(ns) && !exclude(ns);
}

/**
 * The longest time between two runs of a Velero schedule, minutes: five-field cron expressions
 * that run every day (estate/backup.ts), an optional `CRON_TZ=` prefix (a time zone moves the
 * runs, not the gaps), `@every <duration>`, `@hourly`, `@daily`. Undefined for anything else.
 */
export function scheduleGapMinutes(expression: string): number | undefined {
  const cron = expression.trim().replace(/^(CRON_)?TZ=\S+\s+/, "");
  if (cron === "@hourly") return 60;
  if (cron === "@daily" || cron === "@midnight") return 1440;
  const every = /^@every\s+((?:\d+(?:\.\d+)?(?:h|m|s))+)$/.exec(cron);
  if (every !== null) {
    let minutes = 0;
    for (const [, amount, unit] of (every[1] as string).matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) {
      minutes += Number(amount) * (unit === "h" ? 60 : unit === "m" ? 1 : 1 / 60);
    }
    return minutes > 0 ? minutes : undefined;
  }
  return cronMaxGapMinutes(cron);
}

/**
 * The Schedules that back up a tenant namespace in its own cluster, as a lookup built once:
 * Schedules that name their namespaces are indexed by cluster and name (a national estate has
 * thousands of namespaces and Schedules), the others (patterns, every namespace) tried in turn.
 */
export function scheduleLookup(schedules: readonly Schedule[]): (namespace: Pick<TenantNamespace, "cluster" | "name">) => Schedule[] {
  const named = new Map<string, Schedule[]>();
  const patterns: Schedule[] = [];
  const order = new Map(schedules.map((s, i) => [s, i]));
  for (const s of schedules) {
    if (s.literalNamespaces === undefined) patterns.push(s);
    else {
      for (const ns of new Set(s.literalNamespaces)) {
        const key = `${s.cluster}\u0000${ns}`;
        const list = named.get(key);
        if (list === undefined) named.set(key, [s]);
        else list.push(s);
      }
    }
  }
  return (namespace) => {
    const candidates = [...(named.get(`${namespace.cluster}\u0000${namespace.name}`) ?? []), ...patterns.filter((s) => s.cluster === namespace.cluster)];
    // Input order, whichever way a Schedule was found; excludedNamespaces still apply.
    return candidates.filter((s) => s.selects(namespace.name)).sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  };
}

/** The distinct stores of the Schedules that are running and write somewhere, sorted. */
export function storesOf(schedules: readonly Schedule[]): string[] {
  return [...new Set(schedules.filter((s) => !s.paused && s.store !== undefined).map((s) => s.store as string))].sort();
}

/** `2 h`, `30 min`, for messages. */
export function hours(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.round(minutes)} min`;
}
