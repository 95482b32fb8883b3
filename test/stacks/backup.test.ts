/**
 * Backups of the national estate as synthesized, over EVERY tenant namespace: each is selected
 * by Velero Schedules whose interval meets its RPO, with copies in as many regions as its
 * classification requires, all on in-country endpoints; every Velero object is valid for the
 * real CRDs; nothing that holds or protects data can be destroyed by an apply.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadEnvironmentConfig } from "../../environments";
import { type Environment, hostOf, isAllowedHost } from "../../environments/schema";
import { backupClassification, cronMaxGapMinutes, drillRestore } from "../../estate/backup";
import { synthesizedOutput } from "../support/synthesized";
import { DRILL_SCRIPT } from "../../constructs/restore-drill";
import { crdsDir, loadCrdValidators } from "../support/crd-validation";
import { manifestInstances } from "../support/manifests";
import { readStacks, REPO_ROOT, type TerraformJson } from "../support/synth";

const config = loadEnvironmentConfig(REPO_ROOT, "national");
const env: Environment = config.environment.value;
const agencies = new Map(config.agencies.map((a) => [a.value.id, a.value]));
const backup = env.backup!;

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: any };

let stacks: Map<string, TerraformJson>;
beforeAll(() => {
  const out = synthesizedOutput("national");
  stacks = readStacks(out);
});

const regionOfStack = (stack: string) => /^(?:platform|backup|tenants)-([a-z0-9-]+?)(?:-\d{3})?$/.exec(stack)?.[1] as string;
const manifestsOf = (doc: TerraformJson) => manifestInstances(doc).map((m) => ({ ...m, manifest: m.manifest as Manifest }));

/** Region id whose object storage an s3Url points at. */
function storeRegion(s3Url: string): string | undefined {
  return Object.entries(env.regions).find(([, r]) => r.objectStorage.endpoint === s3Url)?.[0];
}

describe("national backups, every tenant namespace", () => {
  it("has a backup section and tenants to check", () => {
    expect(backup.topology).toBe("full-mesh");
    const namespaces = [...stacks].filter(([s]) => s.startsWith("tenants-")).flatMap(([, d]) => Object.keys((d.resource?.kubernetes_namespace_v1?.tenant?.for_each as object) ?? {}));
    // 8 agencies, each with a home and a DR tenant.
    expect(namespaces).toHaveLength(2 * agencies.size);
  });

  it("selects every tenant namespace with Schedules that meet its RPO, copies and retention, on in-country storage", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [stack, doc] of stacks) {
      if (!stack.startsWith("tenants-")) continue;
      const region = regionOfStack(stack);
      const locations = new Map(
        manifestsOf(stacks.get(`backup-${region}`)!)
          .filter((m) => m.manifest.kind === "BackupStorageLocation")
          .map((m) => [m.manifest.metadata.name, m.manifest.spec]),
      );
      const schedules = manifestsOf(doc).filter((m) => m.manifest.kind === "Schedule");
      const namespaces = (doc.resource?.kubernetes_namespace_v1?.tenant?.for_each ?? {}) as Record<string, { name: string }>;
      for (const [agencyId, ns] of Object.entries(namespaces)) {
        checked++;
        const agency = agencies.get(agencyId)!;
        const cls = backupClassification(agency).effective;
        const mine = schedules.filter((s) => s.manifest.spec.template.includedNamespaces.includes(ns.name));
        const where = `${stack} ${ns.name}`;
        if (mine.length === 0) {
          failures.push(`${where}: no Schedule`);
          continue;
        }
        const gaps = mine.map((s) => cronMaxGapMinutes(s.manifest.spec.schedule));
        for (const [i, gap] of gaps.entries()) {
          if (gap === undefined || gap > backup.rpoHours[cls] * 60) failures.push(`${where}: ${mine[i]!.manifest.metadata.name} runs every ${gap} min, RPO ${backup.rpoHours[cls]} h`);
        }
        const regions = new Set<string>();
        for (const s of mine) {
          const bsl = locations.get(s.manifest.spec.template.storageLocation);
          if (bsl === undefined || bsl.accessMode !== "ReadWrite") {
            failures.push(`${where}: ${s.manifest.metadata.name} writes to a missing or read-only location`);
            continue;
          }
          if (!isAllowedHost(hostOf(bsl.config.s3Url), env.sovereignty.allowedDomains)) failures.push(`${where}: ${bsl.config.s3Url} is not in Vietnam`);
          const store = storeRegion(bsl.config.s3Url);
          if (store === undefined) failures.push(`${where}: ${bsl.config.s3Url} is no region's object storage`);
          else regions.add(store);
          if (s.manifest.spec.template.ttl !== `${backup.retentionDays[cls] * 24}h0m0s`) failures.push(`${where}: ttl ${s.manifest.spec.template.ttl}`);
        }
        if (!regions.has(region)) failures.push(`${where}: no copy in its own region`);
        if (regions.size < backup.minCopyRegions[cls]) failures.push(`${where}: ${cls} copies in ${[...regions].join(", ")}, needs ${backup.minCopyRegions[cls]}`);
        if (["confidential", "secret"].includes(cls) && regions.size < 2) failures.push(`${where}: ${cls} data in a single region`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(2 * agencies.size);
  });

  it("keeps every backup location, its object-locked replica and every Schedule in Vietnam", () => {
    const hosts: string[] = [];
    for (const [stack, doc] of stacks) {
      for (const { manifest } of manifestsOf(doc)) {
        if (manifest.kind === "BackupStorageLocation") {
          hosts.push(hostOf(manifest.spec.config.s3Url));
          hosts.push(hostOf(manifest.metadata.annotations!["govcloud.gov.vn/object-lock-replica"]!));
          expect(manifest.spec.credential, `${stack} ${manifest.metadata.name}`).toEqual({ name: expect.any(String), key: expect.any(String) });
        }
      }
    }
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.filter((h) => !isAllowedHost(h, env.sovereignty.allowedDomains))).toEqual([]);
    // Object lock holds the replicas at least as long as the longest retention.
    for (const [, region] of Object.entries(backup.regions)) {
      expect(region.objectLock.retentionDays).toBeGreaterThanOrEqual(Math.max(...Object.values(backup.retentionDays)));
    }
  });

  it("validates every Velero object against Velero's real CRDs", () => {
    const validators = loadCrdValidators(crdsDir());
    const problems: string[] = [];
    const kinds = new Map<string, number>();
    for (const [stack, doc] of stacks) {
      for (const { address, manifest } of manifestsOf(doc)) {
        if (!manifest.apiVersion.startsWith("velero.io/")) continue;
        kinds.set(manifest.kind, (kinds.get(manifest.kind) ?? 0) + 1);
        for (const p of validators.validate(manifest)) problems.push(`${stack} ${address}: ${p.path}: ${p.message}`);
      }
    }
    // The Restore each drill creates, with the values the script fills in.
    for (const regionId of Object.keys(env.regions)) {
      const restore = drillRestore(env, regionId, {
        name: "drill-bo-tai-chinh-20260101020000",
        backupName: "bo-tai-chinh-north-to-south-20260101010700",
        agencyId: "bo-tai-chinh",
        sourceNamespace: "tenant-bo-tai-chinh",
        scratchNamespace: "drill-bo-tai-chinh",
      });
      kinds.set("Restore", (kinds.get("Restore") ?? 0) + 1);
      for (const p of validators.validate(restore)) problems.push(`Restore in ${regionId}: ${p.path}: ${p.message}`);
    }
    expect(problems).toEqual([]);
    expect([...kinds.keys()].sort()).toEqual(["BackupStorageLocation", "Restore", "Schedule", "VolumeSnapshotLocation"]);
  });

  it("protects tenant namespaces, volume claims, backup locations and Schedules with prevent_destroy", () => {
    const unprotected: string[] = [];
    for (const [stack, doc] of stacks) {
      for (const [type, byName] of Object.entries(doc.resource ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          const velero = type === "kubernetes_manifest" && JSON.stringify(body.manifest ?? "").includes('"velero.io/v1"');
          const mustProtect =
            (type === "kubernetes_namespace_v1" && name === "tenant") ||
            type === "kubernetes_persistent_volume_claim_v1" ||
            name === "tenant_backup_schedule" ||
            velero;
          if (mustProtect && (body.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy !== true) unprotected.push(`${stack} ${type}.${name}`);
        }
      }
    }
    expect(unprotected).toEqual([]);
    expect(stacks.get("tenants-north-000")!.resource!.kubernetes_manifest!.tenant_backup_schedule!.manifest).toBe("${each.value.manifest}");
  });
});

describe("national restore drills", () => {
  const drillTargets = new Map<string, string[]>();
  beforeAll(() => {
    for (const [stack, doc] of stacks) {
      if (!stack.startsWith("platform-")) continue;
      const script = Object.values(doc.resource!.kubernetes_config_map_v1!).find((c: any) => c.metadata.name === "restore-drill") as any;
      const targets = (script.data["targets.tsv"] as string).split("\n").filter((l) => l !== "" && !l.startsWith("#"));
      drillTargets.set(regionOfStack(stack), targets);
    }
  });

  it("drills every agency's home namespace exactly once, in a region that holds a copy of it", () => {
    const drilled = [...drillTargets].flatMap(([region, lines]) => lines.map((l) => [l.split("\t")[0]!, region, l] as const));
    expect(drilled.map(([agency]) => agency).sort()).toEqual([...agencies.keys()].sort());
    for (const [agencyId, region, line] of drilled) {
      const agency = agencies.get(agencyId)!;
      const [, source, scratch, schedule, rto] = line.split("\t");
      expect(source).toBe(`tenant-${agencyId}`);
      expect(scratch).toBe(`${backup.restoreDrills.namespacePrefix}-${agencyId}`);
      expect(schedule).toBe(`${agencyId}-${agency.homeRegion}-to-${region}`);
      expect(Number(rto)).toBe(backup.restoreDrills.rtoMinutes[backupClassification(agency).effective] * 60);
      // The copy is drilled away from home whenever there is one: the DR region, by preference.
      if (backup.minCopyRegions[backupClassification(agency).effective] > 1) expect(region).toBe(agency.drRegion);
    }
  });

  it("runs a restricted CronJob with an in-country image pinned by digest, and least-privilege RBAC", () => {
    for (const [stack, doc] of stacks) {
      if (!stack.startsWith("platform-")) continue;
      const region = regionOfStack(stack);
      const cron = Object.values(doc.resource!.kubernetes_cron_job_v1!)[0] as any;
      expect(cron.metadata).toMatchObject({ name: "restore-drill", namespace: "velero" });
      expect(cron.spec).toMatchObject({ schedule: backup.restoreDrills.schedule, timezone: "Asia/Ho_Chi_Minh", concurrency_policy: "Forbid" });
      const pod = cron.spec.job_template.spec.template.spec;
      const container = pod.container[0];
      expect(container.image).toBe(`${env.regions[region]!.registries.images}/${backup.restoreDrills.image.repository}@${backup.restoreDrills.image.digest}`);
      expect(container.security_context).toMatchObject({
        run_as_non_root: true,
        allow_privilege_escalation: false,
        read_only_root_filesystem: true,
        capabilities: { drop: ["ALL"] },
        seccomp_profile: { type: "RuntimeDefault" },
      });
      expect(pod.service_account_name).toBe("restore-drill");

      const role = Object.values(doc.resource!.kubernetes_role_v1!).find((r: any) => r.metadata.name === "restore-drill") as any;
      expect(role.rule).toEqual([
        { api_groups: ["velero.io"], resources: ["backups"], verbs: ["get", "list"] },
        { api_groups: ["velero.io"], resources: ["restores"], verbs: ["create", "get", "list"] },
        { api_groups: [""], resources: ["configmaps"], resource_names: ["restore-drill-results"], verbs: ["get", "patch", "update"] },
      ]);
      const clusterRole = Object.values(doc.resource!.kubernetes_cluster_role_v1!).find((r: any) => r.metadata.name === "govcloud-restore-drill") as any;
      const scratch = drillTargets.get(region)!.map((l) => l.split("\t")[2]).sort();
      // Namespaces: never create (Velero does), delete only the scratch namespaces, by name.
      expect(clusterRole.rule).toEqual([{ api_groups: [""], resources: ["namespaces"], resource_names: scratch, verbs: ["delete", "get", "list", "watch"] }]);
      expect(scratch.every((n) => n.startsWith(`${backup.restoreDrills.namespacePrefix}-`))).toBe(true);
    }
  });

  it("has a script without Terraform template syntax, and a Restore template that validates once filled in", () => {
    expect(DRILL_SCRIPT).not.toMatch(/\$\{|%\{/);
    const validators = loadCrdValidators(crdsDir());
    for (const [stack, doc] of stacks) {
      if (!stack.startsWith("platform-")) continue;
      const script = Object.values(doc.resource!.kubernetes_config_map_v1!).find((c: any) => c.metadata.name === "restore-drill") as any;
      expect(script.data["drill.sh"]).toBe(DRILL_SCRIPT);
      const filled = (script.data["restore-template.json"] as string)
        .replaceAll("@NAME@", "drill-x-20260101020000")
        .replaceAll("@BACKUP@", "x-north-to-south-20260101010700")
        .replaceAll("@AGENCY@", "x")
        .replaceAll("@SOURCE@", "tenant-x")
        .replaceAll("@SCRATCH@", "drill-x");
      const restore = JSON.parse(filled);
      expect(validators.validate(restore)).toEqual([]);
      expect(restore.spec).toMatchObject({ namespaceMapping: { "tenant-x": "drill-x" }, includedNamespaces: ["tenant-x"] });
      expect(restore.spec.excludedResources).toContain("ingresses.networking.k8s.io");
    }
  });
});
