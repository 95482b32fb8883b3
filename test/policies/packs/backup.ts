/**
 * backup: every rule has a compliant and a non-compliant fixture. Tenant namespaces and their
 * Schedules are for_each blocks in a tenant stack, as the tenant stacks write them; the backup
 * locations are in the region's platform stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { TerraformJsonDocument } from "../../../policies/engine/expand";
import type { PlanJson } from "../../../policies/engine/load";
import { check, checkPlans, summary } from "../support";

const REGION = "govcloud.gov.vn/region";
const STORE = "govcloud.gov.vn/backup-store";

interface Location {
  readonly name: string;
  readonly store: string;
  readonly accessMode?: "ReadWrite" | "ReadOnly";
  readonly isDefault?: boolean;
}

interface ScheduleSpec {
  readonly agency: string;
  readonly location?: string;
  readonly cron: string;
  readonly store?: string;
  readonly paused?: boolean;
  readonly namespaces?: readonly string[];
}

const NORTH_LOCATIONS: readonly Location[] = [
  { name: "local", store: "north", isDefault: true },
  { name: "to-south", store: "south" },
  { name: "from-south", store: "north", accessMode: "ReadOnly" },
];

/** The region's platform stack: its BackupStorageLocations. */
function platform(region: string, locations: readonly Location[] = NORTH_LOCATIONS, lifecycle = true): TerraformJsonDocument {
  const manifests = Object.fromEntries(
    locations.map((l) => [
      `velero_backup_location_${l.name.replace(/-/g, "_")}`,
      {
        ...(lifecycle ? { lifecycle: { prevent_destroy: true } } : {}),
        manifest: {
          apiVersion: "velero.io/v1",
          kind: "BackupStorageLocation",
          metadata: { name: l.name, namespace: "velero", labels: { [REGION]: region, [STORE]: l.store } },
          spec: {
            provider: "aws",
            default: l.isDefault ?? false,
            accessMode: l.accessMode ?? "ReadWrite",
            objectStorage: { bucket: `backups-${l.store}`, prefix: `velero/${region}` },
            config: { s3Url: `https://s3.${l.store}.govcloud.gov.vn` },
          },
        },
      },
    ]),
  );
  return { resource: { kubernetes_manifest: manifests } };
}

/** A tenant stack: a namespace per agency (with its classification) and the Schedules, keyed `<agency>/<location>`. */
function tenants(region: string, agencies: Readonly<Record<string, string | undefined>>, schedules: Readonly<Record<string, ScheduleSpec>>, lifecycle = true): TerraformJsonDocument {
  const protect = lifecycle ? { lifecycle: { prevent_destroy: true } } : {};
  return {
    resource: {
      kubernetes_namespace_v1: {
        tenant: {
          ...protect,
          for_each: Object.fromEntries(
            Object.entries(agencies).map(([agency, classification]) => [
              agency,
              {
                name: `tenant-${agency}`,
                labels: {
                  "govcloud.gov.vn/tenant": `tenant-${agency}`,
                  "govcloud.gov.vn/agency": agency,
                  [REGION]: region,
                  ...(classification === undefined ? {} : { "govcloud.gov.vn/data-classification": classification }),
                },
                annotations: { "govcloud.gov.vn/tenant-role": "home" },
              },
            ]),
          ),
          metadata: { name: "${each.value.name}", labels: "${each.value.labels}", annotations: "${each.value.annotations}" },
        },
      },
      kubernetes_manifest: {
        tenant_backup_schedule: {
          ...protect,
          for_each: Object.fromEntries(
            Object.entries(schedules).map(([key, s]) => [
              key,
              {
                manifest: {
                  apiVersion: "velero.io/v1",
                  kind: "Schedule",
                  metadata: { name: key.replace("/", "-"), namespace: "velero", labels: { [REGION]: region, ...(s.store === undefined ? {} : { [STORE]: s.store }) } },
                  spec: {
                    schedule: s.cron,
                    ...(s.paused === undefined ? {} : { paused: s.paused }),
                    template: { includedNamespaces: s.namespaces ?? [`tenant-${s.agency}`], ...(s.location === undefined ? {} : { storageLocation: s.location }), ttl: "720h0m0s" },
                  },
                },
              },
            ]),
          ),
          manifest: "${each.value.manifest}",
        },
      },
    },
  };
}

const ns = (agency: string) => `kubernetes_namespace_v1.tenant["${agency}"]`;

describe("tenant-namespaces-have-backup-schedules", () => {
  const rule = "tenant-namespaces-have-backup-schedules";
  /** agency-a: confidential, every 4 h to north and south; agency-b: public, daily to north. */
  const compliant = (): Record<string, TerraformJsonDocument> => ({
    "platform-north": platform("north"),
    "tenants-north-000": tenants(
      "north",
      { "agency-a": "confidential", "agency-b": "public" },
      {
        "agency-a/local": { agency: "agency-a", location: "local", cron: "10 1-23/4 * * *" },
        "agency-a/to-south": { agency: "agency-a", location: "to-south", cron: "30 1-23/4 * * *" },
        "agency-b/local": { agency: "agency-b", cron: "5 18 * * *" },
      },
    ),
  });

  it("passes namespaces backed up within their RPO to enough regions (the schema's defaults)", async () => {
    expect(await check(rule, compliant())).toEqual([]);
  });

  it("flags a namespace no Schedule selects, one backed up too rarely, and one in too few regions", async () => {
    const docs = {
      "platform-north": platform("north"),
      "tenants-north-000": tenants(
        "north",
        { "agency-a": "confidential", "agency-b": "internal", "agency-c": "public" },
        {
          "agency-a/local": { agency: "agency-a", location: "local", cron: "10 1-23/4 * * *" },
          "agency-a/to-south": { agency: "agency-a", location: "to-south", cron: "30 3 * * *" },
          "agency-b/local": { agency: "agency-b", location: "local", cron: "0 */12 * * *" },
          "agency-b/to-south": { agency: "agency-b", location: "from-south", cron: "0 */12 * * *" },
        },
      ),
    };
    expect(summary(await check(rule, docs))).toEqual([
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north; confidential: RPO 4 h, copies in 2 region(s)): Schedule agency-a-to-south runs "30 3 * * *", up to 24 h apart, longer than the RPO of 4 h`,
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north; confidential: RPO 4 h, copies in 2 region(s)) has backups within its RPO in 1 region(s) (north); confidential data needs copies in 2`,
      `${ns("agency-b")}: tenant namespace "tenant-agency-b" (north; internal: RPO 12 h, copies in 2 region(s)): Schedule agency-b-to-south cannot keep backups: its storage location 'from-south' is read-only`,
      `${ns("agency-b")}: tenant namespace "tenant-agency-b" (north; internal: RPO 12 h, copies in 2 region(s)) has backups within its RPO in 1 region(s) (north); internal data needs copies in 2`,
      `${ns("agency-c")}: tenant namespace "tenant-agency-c" (north; public: RPO 24 h, copies in 1 region(s)) is selected by no Velero Schedule in its cluster`,
    ]);
  });

  it("takes RPO and copies from the environment, and raises the classification by the agency's security levels", async () => {
    const config = {
      rpoHours: { public: 24, internal: 12, confidential: 4, secret: 2 },
      minCopyRegions: { public: 1, internal: 2, confidential: 2, secret: 2 },
      systems: [{ agency: "agency-b", system: "so-lieu", name: "Số liệu", securityLevel: 5 }],
    };
    expect(summary(await check(rule, compliant(), { config: { [rule]: config } }))).toEqual([
      `${ns("agency-b")}: tenant namespace "tenant-agency-b" (north; secret, raised by so-lieu (security level 5): RPO 2 h, copies in 2 region(s)): Schedule agency-b-local runs "5 18 * * *", up to 24 h apart, longer than the RPO of 2 h`,
    ]);
  });

  it("treats a namespace without a classification as secret, and ignores paused Schedules and those of other clusters", async () => {
    const docs = {
      "platform-north": platform("north"),
      "platform-south": platform("south", [{ name: "local", store: "south", isDefault: true }]),
      "tenants-north-000": tenants("north", { "agency-a": undefined }, {
        "agency-a/local": { agency: "agency-a", location: "local", cron: "0 * * * *", paused: true },
        "agency-a/to-south": { agency: "agency-a", location: "to-south", cron: "@every 1h" },
      }),
      "tenants-south-000": tenants("south", {}, { "agency-a/local": { agency: "agency-a", cron: "0 * * * *" } }),
    };
    expect(summary(await check(rule, docs))).toEqual([
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north; secret, as it has no data-classification label: RPO 1 h, copies in 2 region(s)): Schedule agency-a-local is paused`,
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north; secret, as it has no data-classification label: RPO 1 h, copies in 2 region(s)) has backups within its RPO in 1 region(s) (south); secret data needs copies in 2`,
    ]);
  });

  it("reads the store a Schedule declares when its cluster's locations are not among the inputs (a tenant plan alone)", async () => {
    const docs = {
      "tenants-north-000": tenants("north", { "agency-a": "internal" }, {
        "agency-a/local": { agency: "agency-a", location: "local", cron: "0 */12 * * *", store: "north" },
        "agency-a/to-south": { agency: "agency-a", location: "to-south", cron: "0 */12 * * *" },
      }),
    };
    expect(summary(await check(rule, docs))).toEqual([
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north; internal: RPO 12 h, copies in 2 region(s)): Schedule agency-a-to-south cannot keep backups: no BackupStorageLocation in region north's cluster is among the inputs`,
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north; internal: RPO 12 h, copies in 2 region(s)) has backups within its RPO in 1 region(s) (north); internal data needs copies in 2`,
    ]);
  });
});

describe("stateful-resources-carry-prevent-destroy", () => {
  const rule = "stateful-resources-carry-prevent-destroy";
  const claims = (lifecycle: boolean): TerraformJsonDocument => ({
    resource: {
      kubernetes_persistent_volume_claim_v1: {
        stateful_service: {
          ...(lifecycle ? { lifecycle: { prevent_destroy: true } } : {}),
          for_each: { "agency-a/db/0": { name: "data-db-0" } },
          metadata: { name: "${each.value.name}", namespace: "tenant-agency-a" },
          spec: { access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
        },
      },
      kubernetes_config_map_v1: { settings: { metadata: { name: "settings", namespace: "tenant-agency-a" } } },
    },
  });
  const schedules = { "agency-a/local": { agency: "agency-a", cron: "0 2 * * *" } };

  it("passes namespaces, claims, locations and Schedules that carry prevent_destroy", async () => {
    expect(await check(rule, { "platform-north": platform("north"), "tenants-north-000": tenants("north", { "agency-a": "public" }, schedules), claims: claims(true) })).toEqual([]);
  });

  it("flags each one without it, and nothing else", async () => {
    const findings = await check(rule, {
      "platform-north": platform("north", [{ name: "local", store: "north", isDefault: true }], false),
      "tenants-north-000": tenants("north", { "agency-a": "public" }, schedules, false),
      claims: claims(false),
    });
    expect(summary(findings)).toEqual([
      `kubernetes_persistent_volume_claim_v1.stateful_service["agency-a/db/0"]: the persistent volume claim (destroying it can delete the volume and its data) has no lifecycle.prevent_destroy = true`,
      "kubernetes_manifest.velero_backup_location_local: the Velero BackupStorageLocation (destroying it stops backups or makes Velero forget the backups it holds) has no lifecycle.prevent_destroy = true",
      `kubernetes_manifest.tenant_backup_schedule["agency-a/local"]: the Velero Schedule (destroying it stops backups or makes Velero forget the backups it holds) has no lifecycle.prevent_destroy = true`,
      `${ns("agency-a")}: the tenant namespace (destroying it deletes every object and volume of the agency in it) has no lifecycle.prevent_destroy = true`,
    ]);
  });

  it("does not judge plans, which do not record prevent_destroy", async () => {
    const plan: PlanJson = {
      planned_values: {
        root_module: { resources: [{ address: "kubernetes_persistent_volume_claim_v1.data", mode: "managed", type: "kubernetes_persistent_volume_claim_v1", name: "data", values: { metadata: [{ name: "data" }] } }] },
      },
    };
    expect(await checkPlans(rule, { tenants: plan })).toEqual([]);
  });
});

describe("protected-resources-not-destroyed", () => {
  const rule = "protected-resources-not-destroyed";
  const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "estate", "fixtures", name), "utf8")) as PlanJson;

  it("passes a plan that only adds resources, and synthesized configuration", async () => {
    expect(await checkPlans(rule, { "tenants-north-000": fixture("plan-add-only.json") })).toEqual([]);
    expect(await check(rule, { "tenants-north-000": tenants("north", { "agency-a": "public" }, {}) })).toEqual([]);
  });

  it("reports every deletion of a protected resource at its address, with Terraform's reason", async () => {
    const findings = await checkPlans(rule, { "tenants-north-000": fixture("plan-replace-tenant-namespace.json") });
    expect(findings.map((f) => [f.stack, f.address, f.key])).toEqual([
      ["tenants-north-000", 'kubernetes_manifest.tenant_backup_schedule["xa-ba-na/to-south"]', "xa-ba-na/to-south"],
      ["tenants-north-000", 'kubernetes_namespace_v1.tenant["bo-tai-chinh"]', "bo-tai-chinh"],
    ]);
    expect(findings[1]!.message).toBe(
      "would be replaced (destroyed, then created empty) (replace_because_cannot_update: an attribute that cannot change in place changed; forced by metadata[0].name) — tenant namespace: deleting it deletes every object and volume of the agency in it; if that is intended, move or retire the data first and take the resource out of the state (docs/backup.md)",
    );
    expect(findings[0]!.message).toMatch(/^would be destroyed \(delete_because_each_key: .*\) — Velero Schedule: /);
  });
});
