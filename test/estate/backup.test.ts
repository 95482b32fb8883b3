import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Agency } from "../../environments/agency-schema";
import { type Environment } from "../../environments/schema";
import {
  backupClassification,
  backupCron,
  backupIntervalHours,
  boundedName,
  cronMaxGapMinutes,
  planBackups,
  tenantBackup,
} from "../../estate/backup";
import { backupPartners, backupSources, maxCopyRegions } from "../../estate/backup-topology";
import { NATIONAL, sampleAgency } from "../support/fixtures";

const national = NATIONAL;
const IMAGE = `registry.north.govcloud.gov.vn/bo-tai-chinh/app@sha256:${"a".repeat(64)}`;

function agency(overrides: Record<string, unknown> = {}): Agency {
  return sampleAgency({}, { quota: { cpu: 20, memoryGiB: 40, storageGiB: 500 }, ...overrides });
}

const approval = { decision: "1/QĐ-BTC", approvedOn: "2025-01-01", reviewDue: "2027-01-01" };

describe("backup classification", () => {
  it("is the declared class when no system's security level asks for more", () => {
    expect(backupClassification(agency({ dataClassification: "confidential" }))).toEqual({ declared: "confidential", effective: "confidential" });
  });

  it.each([
    [3, "public", "internal"],
    [4, "internal", "confidential"],
    [5, "confidential", "secret"],
    [4, "secret", "secret"],
    [2, "public", "public"],
  ] as const)("a level-%i system raises %s data to %s, never lowers it", (level, declared, effective) => {
    const a = agency({ dataClassification: declared, systems: { core: { name: "Core", securityLevel: level, approval } } });
    const result = backupClassification(a);
    expect(result.effective).toBe(effective);
    if (effective !== declared) expect(result.raisedBy).toEqual({ system: "core", securityLevel: level });
    else expect(result.raisedBy).toBeUndefined();
  });
});

describe("backup timing", () => {
  it("picks the longest interval that divides a day and does not exceed the RPO", () => {
    for (let rpo = 1; rpo <= 168; rpo++) {
      const interval = backupIntervalHours(rpo);
      expect(interval).toBeLessThanOrEqual(rpo);
      expect(24 % interval).toBe(0);
    }
    expect([1, 4, 5, 12, 23, 24, 48].map(backupIntervalHours)).toEqual([1, 4, 4, 12, 12, 24, 24]);
  });

  it("measures the longest gap of a daily cron expression", () => {
    expect(cronMaxGapMinutes("7 1-23/4 * * *")).toBe(240);
    expect(cronMaxGapMinutes("0 * * * *")).toBe(60);
    expect(cronMaxGapMinutes("0 0,12 * * *")).toBe(720);
    expect(cronMaxGapMinutes("0 1,2 * * *")).toBe(1380);
    expect(cronMaxGapMinutes("30 3 * * *")).toBe(1440);
    expect(cronMaxGapMinutes("*/15 * * * *")).toBe(15);
    // Not every day, or not cron at all: cannot meet an RPO in hours.
    expect(cronMaxGapMinutes("0 2 * * 6")).toBeUndefined();
    expect(cronMaxGapMinutes("@every 1h")).toBeUndefined();
    expect(cronMaxGapMinutes("0 25 * * *")).toBeUndefined();
  });

  it("spreads schedules over the hour but keeps every gap at exactly the interval", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,49}$/), fc.constantFrom(1, 2, 3, 4, 6, 8, 12, 24), fc.nat(3), (seed, interval, shift) => {
        expect(cronMaxGapMinutes(backupCron(seed, interval, shift))).toBe(interval * 60);
      }),
    );
  });

  it("takes the minute and hour from the first four bytes of the seed's SHA-256, so that deployed schedules never move", () => {
    // Written out with a Hash object, as before the one-shot hash: a schedule that moved would
    // change every tenant's Velero Schedule at the next apply.
    const reference = (seed: string, interval: number, shift: number) => {
      const hash = createHash("sha256").update(seed).digest().readUInt32BE(0);
      const minute = (hash + shift * 20) % 60;
      if (interval === 1) return `${minute} * * * *`;
      if (interval === 24) return `${minute} ${17 + (Math.floor(hash / 60) % 5)} * * *`;
      return `${minute} ${Math.floor(hash / 60) % interval}-23/${interval} * * *`;
    };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" })), fc.constantFrom(1, 2, 3, 4, 6, 8, 12, 24), fc.nat(3), (seed, interval, shift) => {
        expect(backupCron(seed, interval, shift)).toBe(reference(seed, interval, shift));
      }),
    );
    expect(backupCron("bo-y-te", 24)).toBe(reference("bo-y-te", 24, 0));
  });

  it("runs daily backups at night in Vietnam (17:00-21:59 UTC)", () => {
    for (const seed of ["a", "bo-y-te", "xa-ba-na", "thanh-pho-ho-chi-minh"]) {
      const hour = Number(backupCron(seed, 24).split(" ")[1]);
      expect(hour).toBeGreaterThanOrEqual(17);
      expect(hour).toBeLessThanOrEqual(21);
    }
  });

  it("keeps Schedule names within 63 characters, stable and distinct", () => {
    const long = `${"x".repeat(50)}-central-to-central`;
    expect(boundedName(long)).toHaveLength(63);
    expect(boundedName(long)).toBe(boundedName(long));
    expect(boundedName(`${long}a`)).not.toBe(boundedName(long));
    expect(boundedName("bo-y-te-north-to-south")).toBe("bo-y-te-north-to-south");
  });
});

describe("topology", () => {
  const regions = ["south", "north", "central"];

  it("ring: each region sends to the next by id, and receives from the previous", () => {
    expect(regions.map((r) => [r, backupPartners("ring", regions, r)])).toEqual([
      ["south", ["central"]],
      ["north", ["south"]],
      ["central", ["north"]],
    ]);
    expect(backupSources("ring", regions, "central")).toEqual(["south"]);
    expect(maxCopyRegions("ring", regions)).toBe(2);
  });

  it("full-mesh: every region sends to every other", () => {
    expect(backupPartners("full-mesh", regions, "north")).toEqual(["central", "south"]);
    expect(backupSources("full-mesh", regions, "north")).toEqual(["central", "south"]);
    expect(maxCopyRegions("full-mesh", regions)).toBe(3);
  });

  it("a single region has no partner, so its copies are all in one region", () => {
    expect(backupPartners("ring", ["north"], "north")).toEqual([]);
    expect(maxCopyRegions("full-mesh", ["north"])).toBe(1);
  });
});

describe("tenant schedules", () => {
  const stateful = (storageClass?: string) => ({
    db: { template: "stateful-service", system: "portal", image: IMAGE, ...(storageClass === undefined ? {} : { storageClass }) },
  });

  it("copies confidential data to the DR region first, secret data to every region", () => {
    const confidential = tenantBackup({ environment: national, regionId: "north", agency: agency({ dataClassification: "confidential", drRegion: "central" }), role: "home" })!;
    expect(confidential.regions).toEqual(["north", "central"]);
    expect(confidential.copies.map((c) => c.location)).toEqual(["local", "to-central"]);
    const secret = tenantBackup({ environment: national, regionId: "north", agency: agency({ dataClassification: "secret" }), role: "home" })!;
    expect(secret.regions).toEqual(["north", "south", "central"]);
  });

  it("copies a DR tenant to its home region first", () => {
    const dr = tenantBackup({ environment: national, regionId: "south", agency: agency({ dataClassification: "confidential" }), role: "dr" })!;
    expect(dr.regions).toEqual(["south", "north"]);
    expect(dr.copies.map((c) => c.schedule)).toEqual(["bo-tai-chinh-south-to-south", "bo-tai-chinh-south-to-north"]);
  });

  it("snapshots volumes of snapshot-capable classes locally, and carries volume data to other regions by file-system backup", () => {
    const t = tenantBackup({ environment: national, regionId: "north", agency: agency({ workloads: stateful() }), role: "home" })!;
    expect(t.volumes).toBe("snapshots");
    const [local, remote] = t.copies.map((c) => (c.manifest.spec as { template: Record<string, unknown> }).template);
    expect(local).toMatchObject({ snapshotVolumes: true, volumeSnapshotLocations: ["local"], defaultVolumesToFsBackup: false });
    expect(remote).toMatchObject({ snapshotVolumes: false, defaultVolumesToFsBackup: true });
    expect(remote).not.toHaveProperty("volumeSnapshotLocations");
  });

  it("uses file-system backup for volumes without snapshot support", () => {
    const t = tenantBackup({ environment: national, regionId: "north", agency: agency({ workloads: stateful("bulk-hdd") }), role: "home" })!;
    expect(t.volumes).toBe("file-system");
    for (const copy of t.copies) {
      expect((copy.manifest.spec as { template: Record<string, unknown> }).template).toMatchObject({ snapshotVolumes: false, defaultVolumesToFsBackup: true });
    }
  });

  it("runs pre and post hooks in every stateful service's pods, and none elsewhere", () => {
    const t = tenantBackup({ environment: national, regionId: "north", agency: agency({ workloads: stateful() }), role: "home" })!;
    const template = (t.copies[0]!.manifest.spec as { template: { hooks: { resources: Array<Record<string, any>> } } }).template;
    expect(template.hooks.resources).toHaveLength(1);
    const hook = template.hooks.resources[0]!;
    expect(hook).toMatchObject({
      name: "db-consistency",
      includedNamespaces: ["tenant-bo-tai-chinh"],
      labelSelector: { matchLabels: { "app.kubernetes.io/name": "db", "govcloud.gov.vn/agency": "bo-tai-chinh" } },
    });
    expect(hook.pre[0].exec.command.join(" ")).toContain("govcloud-backup-pre");
    expect(hook.post[0].exec.command.join(" ")).toContain("govcloud-backup-post");
    const none = tenantBackup({ environment: national, regionId: "north", agency: agency(), role: "home" })!;
    expect((none.copies[0]!.manifest.spec as { template: object }).template).not.toHaveProperty("hooks");
    expect(none.volumes).toBe("none");
  });

  it("takes RPO, retention and copies from the raised classification", () => {
    const a = agency({ dataClassification: "public", systems: { core: { name: "Core", securityLevel: 4, approval } } });
    const t = tenantBackup({ environment: national, regionId: "north", agency: a, role: "home" })!;
    expect([t.classification.effective, t.rpoHours, t.retentionDays, t.requiredRegions]).toEqual(["confidential", 4, 180, 2]);
    expect((t.copies[0]!.manifest.spec as { template: { ttl: string } }).template.ttl).toBe("4320h0m0s");
  });

  it("is undefined without a backup section", () => {
    const { backup: _, ...withoutBackup } = national;
    expect(tenantBackup({ environment: withoutBackup as Environment, regionId: "north", agency: agency(), role: "home" })).toBeUndefined();
    expect(planBackups(withoutBackup as Environment, [agency()])).toBeUndefined();
  });
});

describe("backup plan", () => {
  const agencies = [
    agency({ id: "a-home-north", dataClassification: "confidential" }),
    agency({ id: "b-public", dataClassification: "public", homeRegion: "central", drRegion: "south" }),
  ];
  const plan = planBackups(national, agencies)!;

  it("gives every region a default local location, a location per partner and a read-only one per source", () => {
    for (const [regionId, region] of plan.regions) {
      const names = region.locations.map((l) => `${l.name}:${l.accessMode}`);
      const others = Object.keys(national.regions).filter((r) => r !== regionId).sort();
      expect(names).toEqual(["local:ReadWrite", ...others.map((o) => `to-${o}:ReadWrite`), ...others.map((o) => `from-${o}:ReadOnly`)]);
      expect(region.locations.filter((l) => (l.manifest.spec as { default: boolean }).default).map((l) => l.name)).toEqual(["local"]);
    }
  });

  it("reads a source region's copies exactly where that region writes them", () => {
    const write = plan.regions.get("north")!.locations.find((l) => l.name === "to-south")!;
    const read = plan.regions.get("south")!.locations.find((l) => l.name === "from-north")!;
    expect(read.manifest.spec).toMatchObject({ accessMode: "ReadOnly", objectStorage: (write.manifest.spec as { objectStorage: object }).objectStorage });
    expect((read.manifest.spec as { config: object }).config).toEqual((write.manifest.spec as { config: object }).config);
    expect(write.bucket).toBe("govcloud-backups-south");
    expect(write.prefix).toBe("velero/north");
  });

  it("drills a tenant where its copy is, or at home when it has none elsewhere", () => {
    const targets = [...plan.regions.values()].flatMap((r) => r.drill.targets.map((t) => [r.regionId, t.agencyId, t.location, t.scratchNamespace]));
    expect(targets.sort()).toEqual([
      ["central", "b-public", "local", "drill-b-public"],
      ["south", "a-home-north", "from-north", "drill-a-home-north"],
    ]);
    expect(plan.regions.get("south")!.drill.image).toMatch(/^registry\.south\.govcloud\.gov\.vn\/bitnami\/kubectl@sha256:[0-9a-f]{64}$/);
  });
});
