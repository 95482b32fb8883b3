/**
 * Protection against loss by change: which changes of a Terraform plan (`terraform show -json`)
 * would delete something whose loss loses data — any namespace (and everything in it), a
 * persistent volume claim or volume, a StatefulSet with volume claim templates, a Velero backup
 * location or Schedule. The configuration already says
 * `lifecycle.prevent_destroy` on each, but that only stops `terraform apply`; a plan reviewed in
 * CI must say it before anyone tries, and say why (Terraform's `action_reason` and the
 * attributes that force a replacement, `replace_paths`).
 *
 * Pure: a parsed plan in, findings out, for `govcloud check <plan.json>` to report.
 */
import { isPlainObject } from "../core/plain-object";

/** A resource change the plan makes that destroys a protected resource. */
export interface ProtectedDeletion {
  /** Full address, e.g. `kubernetes_namespace_v1.tenant["bo-tai-chinh"]`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** for_each key or count index, when there is one. */
  readonly index?: string | number;
  /** Terraform's actions: `["delete"]`, `["delete", "create"]` or `["create", "delete"]`. */
  readonly actions: readonly string[];
  /** Whether the resource is replaced (deleted and created again) rather than only deleted. */
  readonly replace: boolean;
  /** Terraform's `action_reason`, e.g. `replace_because_cannot_update`, when the plan gives one. */
  readonly actionReason?: string;
  /** Attribute paths that force the replacement (`change.replace_paths`), e.g. `[["metadata", 0, "name"]]`. */
  readonly replacePaths: readonly (readonly (string | number)[])[];
  /** Why the resource is protected. */
  readonly protection: string;
  /** One line for people: what happens, why, and what is lost. */
  readonly message: string;
}

export interface PlanProtectionOptions {
  /**
   * Blocks (`<type>.<name>`) that carry `lifecycle.prevent_destroy` in the synthesized
   * configuration ({@link preventDestroyBlocks}). Without them, type and name rules decide
   * ({@link protectionOf}).
   * @default - the type and name rules only
   */
  readonly protectedBlocks?: ReadonlySet<string>;
}

/** Velero kinds whose deletion stops or forgets backups. */
const VELERO_KINDS: ReadonlySet<string> = new Set(["BackupStorageLocation", "VolumeSnapshotLocation", "Schedule"]);

/** Every version of a resource type: the legacy unversioned one and its `_v1` twin. */
function versions(...types: string[]): ReadonlySet<string> {
  return new Set(types.flatMap((t) => [t, `${t}_v1`]));
}

const NAMESPACE_TYPES = versions("kubernetes_namespace");
const CLAIM_TYPES = versions("kubernetes_persistent_volume_claim");
const VOLUME_TYPES = versions("kubernetes_persistent_volume");
const STATEFUL_SET_TYPES = versions("kubernetes_stateful_set");

const NAMESPACE = "namespace: deleting it deletes every object and volume in it";
const TENANT_NAMESPACE = "tenant namespace: deleting it deletes every object and volume of the agency in it";
const CLAIM = "persistent volume claim: deleting it can delete the volume and the data on it";
const VOLUME = "persistent volume: deleting it can delete the disk and the data on it";
const STATEFUL_SET = "StatefulSet with volume claim templates: replacing it recreates its pods, and a changed claim template orphans or replaces their volumes";

/** What Terraform's action reasons mean, for the message. */
const REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: "an attribute that cannot change in place changed",
  replace_because_tainted: "the resource is tainted",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by fired",
  delete_because_no_resource_config: "its block was removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each was added or removed",
  delete_because_count_index: "its count index no longer exists",
  delete_because_each_key: "its for_each key no longer exists (an agency renamed or removed without a moved block?)",
  delete_because_no_move_target: "the target of its moved block does not exist",
};

/**
 * Why a resource is protected, judged by its type (and, for `kubernetes_manifest`, by the
 * apiVersion and kind of its manifest), whatever its block is named; undefined when it is not:
 * every namespace, persistent volume claim and persistent volume, every StatefulSet with volume
 * claim templates, and the Velero backup storage locations, snapshot locations and Schedules.
 * Legacy unversioned types (`kubernetes_namespace`) count like their `_v1` twins. `values` are
 * the resource's attributes (before the change, for a deletion); `manifest` those of a
 * `kubernetes_manifest`. The names govcloud gives its Velero manifests protect them too, for
 * plans whose manifest values are unknown.
 */
export function protectionOf(type: string, name: string, manifest?: unknown, values?: unknown): string | undefined {
  if (NAMESPACE_TYPES.has(type)) return name === "tenant" ? TENANT_NAMESPACE : NAMESPACE;
  if (CLAIM_TYPES.has(type)) return CLAIM;
  if (VOLUME_TYPES.has(type)) return VOLUME;
  if (STATEFUL_SET_TYPES.has(type)) return hasClaimTemplates(values) ? STATEFUL_SET : undefined;
  if (type === "kubernetes_manifest") {
    const kind = manifestKind(manifest);
    if (kind === "v1/Namespace") return NAMESPACE;
    if (kind === "v1/PersistentVolumeClaim") return CLAIM;
    if (kind === "v1/PersistentVolume") return VOLUME;
    if (kind === "apps/v1/StatefulSet") return hasManifestClaimTemplates(manifest) ? STATEFUL_SET : undefined;
    const velero = veleroKind(manifest);
    if (velero !== undefined || name === "tenant_backup_schedule" || name.startsWith("velero_backup_location_") || name.startsWith("velero_snapshot_location_")) {
      const what = velero ?? (name === "tenant_backup_schedule" ? "Schedule" : "backup location");
      return `Velero ${what}: deleting it stops a tenant's backups or makes Velero forget the backups it holds`;
    }
  }
  return undefined;
}

function veleroKind(manifest: unknown): string | undefined {
  if (!isPlainObject(manifest)) return undefined;
  const { apiVersion, kind } = manifest;
  return typeof apiVersion === "string" && apiVersion.startsWith("velero.io/") && typeof kind === "string" && VELERO_KINDS.has(kind) ? kind : undefined;
}

/** `apiVersion/kind` of a manifest (`v1/Namespace`, `apps/v1/StatefulSet`). */
function manifestKind(manifest: unknown): string | undefined {
  if (!isPlainObject(manifest) || typeof manifest.apiVersion !== "string" || typeof manifest.kind !== "string") return undefined;
  return `${manifest.apiVersion}/${manifest.kind}`;
}

/** A `kubernetes_stateful_set(_v1)` body (plan values: blocks as lists) with a volume_claim_template. */
function hasClaimTemplates(values: unknown): boolean {
  if (!isPlainObject(values)) return false;
  const specs = Array.isArray(values.spec) ? values.spec : [values.spec];
  return specs.some((spec) => isPlainObject(spec) && nonEmpty(spec.volume_claim_template));
}

function hasManifestClaimTemplates(manifest: unknown): boolean {
  return isPlainObject(manifest) && isPlainObject(manifest.spec) && nonEmpty(manifest.spec.volumeClaimTemplates);
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : isPlainObject(value);
}

/** Blocks (`<type>.<name>`) of a synthesized cdk.tf.json that carry `lifecycle.prevent_destroy`. */
export function preventDestroyBlocks(doc: { readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>> }): Set<string> {
  const blocks = new Set<string>();
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const lifecycle = isPlainObject(body) ? body.lifecycle : undefined;
      if (isPlainObject(lifecycle) && lifecycle.prevent_destroy === true) blocks.add(`${type}.${name}`);
    }
  }
  return blocks;
}

/**
 * Every change of a `terraform show -json` plan whose actions delete a protected resource
 * (delete, or replace in either order), in plan order. Reads, creates, updates, no-ops, data
 * sources and deposed objects (leftovers of create_before_destroy) are not findings.
 *
 * @throws Error when `plan` is not a plan document (no `resource_changes` list).
 */
export function protectedDeletions(plan: unknown, options: PlanProtectionOptions = {}): ProtectedDeletion[] {
  if (!isPlainObject(plan) || (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes))) {
    throw new Error("not a Terraform plan: expected the output of `terraform show -json <planfile>` with a resource_changes list");
  }
  const changes = (plan.resource_changes ?? []) as unknown[];
  const findings: ProtectedDeletion[] = [];
  for (const entry of changes) {
    if (!isPlainObject(entry) || entry.mode === "data" || entry.deposed !== undefined) continue;
    const change = isPlainObject(entry.change) ? entry.change : {};
    const actions = Array.isArray(change.actions) ? change.actions.filter((a): a is string => typeof a === "string") : [];
    if (!actions.includes("delete")) continue;
    const type = typeof entry.type === "string" ? entry.type : "";
    const name = typeof entry.name === "string" ? entry.name : "";
    const before = isPlainObject(change.before) ? change.before : {};
    const after = isPlainObject(change.after) ? change.after : {};
    const protection =
      protectionOf(type, name, before.manifest ?? after.manifest, Object.keys(before).length > 0 ? before : after) ??
      (options.protectedBlocks?.has(`${type}.${name}`) === true ? "declared lifecycle.prevent_destroy in the configuration" : undefined);
    if (protection === undefined) continue;
    const address = typeof entry.address === "string" ? entry.address : `${type}.${name}`;
    const replace = actions.includes("create");
    const actionReason = typeof entry.action_reason === "string" ? entry.action_reason : undefined;
    const replacePaths = Array.isArray(change.replace_paths)
      ? change.replace_paths.filter(Array.isArray).map((p) => p.filter((s): s is string | number => typeof s === "string" || typeof s === "number"))
      : [];
    const index = typeof entry.index === "string" || typeof entry.index === "number" ? entry.index : undefined;
    findings.push({
      address,
      type,
      name,
      ...(index === undefined ? {} : { index }),
      actions,
      replace,
      ...(actionReason === undefined ? {} : { actionReason }),
      replacePaths,
      protection,
      message: describe(address, replace, actionReason, replacePaths, protection),
    });
  }
  return findings;
}

function describe(
  address: string,
  replace: boolean,
  reason: string | undefined,
  paths: readonly (readonly (string | number)[])[],
  protection: string,
): string {
  const why = [
    ...(reason === undefined ? [] : [`${reason}: ${REASONS[reason] ?? "see the plan"}`]),
    ...(paths.length > 0 ? [`forced by ${paths.map(formatAttributePath).join(", ")}`] : []),
  ];
  return `${address} would be ${replace ? "replaced (destroyed, then created empty)" : "destroyed"}${why.length > 0 ? ` (${why.join("; ")})` : ""} — ${protection}`;
}

/** `["metadata", 0, "name"]` -> `metadata[0].name`. */
export function formatAttributePath(path: readonly (string | number)[]): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

