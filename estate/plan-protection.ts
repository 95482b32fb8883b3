/**
 * Protection against loss by change: which changes of a Terraform plan (`terraform show -json`)
 * would delete something whose loss loses data — a tenant namespace (and everything in it), a
 * persistent volume claim, a Velero backup location or Schedule. The configuration already says
 * `lifecycle.prevent_destroy` on each, but that only stops `terraform apply`; a plan reviewed in
 * CI must say it before anyone tries, and say why (Terraform's `action_reason` and the
 * attributes that force a replacement, `replace_paths`).
 *
 * Pure: a parsed plan in, findings out, for `govcloud check <plan.json>` to report.
 */

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

const NAMESPACE_TYPES: ReadonlySet<string> = new Set(["kubernetes_namespace_v1", "kubernetes_namespace"]);
const CLAIM_TYPES: ReadonlySet<string> = new Set(["kubernetes_persistent_volume_claim_v1", "kubernetes_persistent_volume_claim"]);

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
 * Why a resource is protected by the type and name rules, or undefined when it is not:
 * tenant namespaces (`kubernetes_namespace_v1.tenant`), every persistent volume claim, and the
 * Velero backup storage locations, snapshot locations and Schedules (`kubernetes_manifest` by
 * kind, or by the names govcloud gives them).
 */
export function protectionOf(type: string, name: string, manifest?: unknown): string | undefined {
  if (NAMESPACE_TYPES.has(type) && name === "tenant") return "tenant namespace: deleting it deletes every object and volume of the agency in it";
  if (CLAIM_TYPES.has(type)) return "persistent volume claim: deleting it can delete the volume and the data on it";
  if (type === "kubernetes_manifest") {
    const kind = veleroKind(manifest);
    if (kind !== undefined || name === "tenant_backup_schedule" || name.startsWith("velero_backup_location_") || name.startsWith("velero_snapshot_location_")) {
      const what = kind ?? (name === "tenant_backup_schedule" ? "Schedule" : "backup location");
      return `Velero ${what}: deleting it stops a tenant's backups or makes Velero forget the backups it holds`;
    }
  }
  return undefined;
}

function veleroKind(manifest: unknown): string | undefined {
  if (!isObject(manifest)) return undefined;
  const { apiVersion, kind } = manifest;
  return typeof apiVersion === "string" && apiVersion.startsWith("velero.io/") && typeof kind === "string" && VELERO_KINDS.has(kind) ? kind : undefined;
}

/** Blocks (`<type>.<name>`) of a synthesized cdk.tf.json that carry `lifecycle.prevent_destroy`. */
export function preventDestroyBlocks(doc: { readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>> }): Set<string> {
  const blocks = new Set<string>();
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const lifecycle = isObject(body) ? body.lifecycle : undefined;
      if (isObject(lifecycle) && lifecycle.prevent_destroy === true) blocks.add(`${type}.${name}`);
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
  if (!isObject(plan) || (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes))) {
    throw new Error("not a Terraform plan: expected the output of `terraform show -json <planfile>` with a resource_changes list");
  }
  const changes = (plan.resource_changes ?? []) as unknown[];
  const findings: ProtectedDeletion[] = [];
  for (const entry of changes) {
    if (!isObject(entry) || entry.mode === "data" || entry.deposed !== undefined) continue;
    const change = isObject(entry.change) ? entry.change : {};
    const actions = Array.isArray(change.actions) ? change.actions.filter((a): a is string => typeof a === "string") : [];
    if (!actions.includes("delete")) continue;
    const type = typeof entry.type === "string" ? entry.type : "";
    const name = typeof entry.name === "string" ? entry.name : "";
    const before = isObject(change.before) ? change.before : {};
    const after = isObject(change.after) ? change.after : {};
    const protection =
      protectionOf(type, name, before.manifest ?? after.manifest) ??
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
