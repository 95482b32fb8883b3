import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { AgencySchema } from "../../environments/agency-schema";
import { BackupLocations } from "../../constructs/backup-locations";
import { RestoreDrill } from "../../constructs/restore-drill";
import { TenantBackupSchedules } from "../../constructs/tenant-backup-schedules";
import { planBackups, SCHEDULE_BLOCK, tenantBackup } from "../../estate/backup";
import type { Blocks } from "../../estate/tenant-model";
import { REPO_ROOT, resourcesOf, synthConstructs } from "../support/synth";
import { NATIONAL } from "../support/fixtures";

const national = NATIONAL;
const agency = AgencySchema.parse(
  YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments/national/agencies/bo-tai-chinh.yaml"), "utf8")),
);
const plan = planBackups(national, [agency])!;
const north = plan.regions.get("north")!;
const south = plan.regions.get("south")!;

describe("TenantBackupSchedules", () => {
  const tenant = tenantBackup({ environment: national, regionId: "north", agency, role: "home" })!;
  const blocks: Blocks = new Map([[SCHEDULE_BLOCK, new Map(tenant.copies.map((c) => [`${agency.id}/${c.location}`, { manifest: c.manifest }]))]]);

  it("renders one protected for_each kubernetes_manifest whose manifest is each instance's value", () => {
    const doc = synthConstructs((stack) => new TenantBackupSchedules(stack, "backup-schedules", { blocks }));
    const body = resourcesOf(doc, "kubernetes_manifest").tenant_backup_schedule!;
    expect(body.manifest).toBe("${each.value.manifest}");
    expect(body.lifecycle).toEqual({ prevent_destroy: true });
    const forEach = body.for_each as Record<string, { manifest: { metadata: { name: string } } }>;
    expect(Object.keys(forEach)).toEqual(["bo-tai-chinh/local", "bo-tai-chinh/to-south"]);
    expect(forEach["bo-tai-chinh/to-south"]!.manifest.metadata.name).toBe("bo-tai-chinh-north-to-south");
  });

  it("renders nothing for a stack without Schedules", () => {
    const doc = synthConstructs((stack) => new TenantBackupSchedules(stack, "backup-schedules", { blocks: new Map() }));
    expect(resourcesOf(doc, "kubernetes_manifest")).toEqual({});
  });
});

describe("BackupLocations", () => {
  it("renders each location at a readable address, protected from destruction", () => {
    const doc = synthConstructs((stack) => new BackupLocations(stack, "backup-locations", { locations: north.locations, snapshotLocations: north.snapshotLocations }));
    const manifests = resourcesOf(doc, "kubernetes_manifest");
    expect(Object.keys(manifests).sort()).toEqual([
      "velero_backup_location_from_central",
      "velero_backup_location_from_south",
      "velero_backup_location_local",
      "velero_backup_location_to_central",
      "velero_backup_location_to_south",
      "velero_snapshot_location_local",
    ]);
    for (const body of Object.values(manifests)) expect(body.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("rejects a location without an https s3Url or credential, and anything but one default", () => {
    const local = north.locations[0]!;
    const broken = { ...local, manifest: { ...local.manifest, spec: { ...(local.manifest.spec as object), config: {}, credential: undefined, default: false } } };
    expect(BackupLocations.validate({ locations: [broken] })).toEqual([
      "backup storage location 'local' needs an https:// s3Url, or Velero's client falls back to AWS's public endpoints",
      "backup storage location 'local' needs a credential Secret reference",
      "exactly one backup storage location must be the default, found 0",
    ]);
  });
});

describe("RestoreDrill", () => {
  const labels = { "app.kubernetes.io/managed-by": "govcloud" };

  it("may delete only its scratch namespaces, by name, and never create namespaces", () => {
    const doc = synthConstructs((stack) => new RestoreDrill(stack, "restore-drill", { environment: "national", regionId: "south", plan: south.drill, labels }));
    const roles = Object.values(resourcesOf(doc, "kubernetes_cluster_role_v1")) as any[];
    expect(roles.map((r) => r.rule)).toEqual([
      [{ api_groups: [""], resources: ["namespaces"], resource_names: ["drill-bo-tai-chinh"], verbs: ["delete", "get", "list", "watch"] }],
    ]);
    const all = JSON.stringify([resourcesOf(doc, "kubernetes_cluster_role_v1"), resourcesOf(doc, "kubernetes_role_v1")]);
    expect(all).not.toContain('"*"');
    expect(all).not.toMatch(/"namespaces"\][^\]]*"create"/);
  });

  it("has no cluster-wide rule at all without targets (an empty resourceNames would mean every namespace)", () => {
    const doc = synthConstructs((stack) => new RestoreDrill(stack, "restore-drill", { environment: "national", regionId: "north", plan: north.drill, labels }));
    expect(north.drill.targets).toEqual([]);
    expect(resourcesOf(doc, "kubernetes_cluster_role_v1")).toEqual({});
    expect(resourcesOf(doc, "kubernetes_cluster_role_binding_v1")).toEqual({});
    expect(Object.keys(resourcesOf(doc, "kubernetes_cron_job_v1"))).toHaveLength(1);
  });

  it("refuses scratch namespaces that are tenant namespaces and images not pinned by digest", () => {
    const target = south.drill.targets[0]!;
    const problems = RestoreDrill.validate({
      environment: "national",
      regionId: "south",
      labels,
      plan: { ...south.drill, image: "registry.south.govcloud.gov.vn/bitnami/kubectl:latest", targets: [{ ...target, scratchNamespace: "tenant-bo-tai-chinh" }] },
    });
    expect(problems).toEqual([
      "image 'registry.south.govcloud.gov.vn/bitnami/kubectl:latest' must be an in-country image pinned by digest",
      "scratch namespace 'tenant-bo-tai-chinh' looks like a tenant namespace",
      "target 'bo-tai-chinh' would restore over its own namespace",
    ]);
  });
});
