/**
 * Backup topologies that would lose data or send it abroad, end to end through the CLI: one
 * located line per problem (`file:line:col: path: message`), exit code 2, nothing written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const dir = tempDir();
const national = fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8");


/** Writes `<dir>/<name>/national.yaml` (and agency files beside it) and returns its path. */
function variant(name: string, text: string, agencies: readonly string[] = []): string {
  const file = path.join(dir, name, "national.yaml");
  fs.mkdirSync(path.join(dir, name, "national", "agencies"), { recursive: true });
  fs.writeFileSync(file, text);
  for (const id of agencies) {
    fs.copyFileSync(path.join(REPO_ROOT, "environments", "national", "agencies", `${id}.yaml`), path.join(dir, name, "national", "agencies", `${id}.yaml`));
  }
  return file;
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

/** Synthesizes a variant; expects exit 2, nothing on stdout, no output folder, and returns the lines. */
function rejected(file: string): string[] {
  const out = path.join(path.dirname(file), "cdktf.out");
  const cwd = process.cwd();
  process.chdir(path.dirname(file));
  try {
    const result = cli("synth", "--env", file, "--out", out);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    expect(fs.existsSync(out)).toBe(false);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return result.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("govcloud: "));
  } finally {
    process.chdir(cwd);
  }
}

/** The line number of the first occurrence of `text` in `yaml`, 1-based. */
function lineOf(yaml: string, text: string): number {
  return yaml.slice(0, yaml.indexOf(text)).split("\n").length;
}

describe("backup topologies that send data abroad", () => {
  it("rejects an object-lock replication target outside Vietnam, at its line", () => {
    const text = replaceOnce(national, "endpoint: https://s3-vault.north.govcloud.gov.vn", "endpoint: https://s3.ap-southeast-1.amazonaws.com");
    const line = lineOf(text, "https://s3.ap-southeast-1.amazonaws.com");
    expect(rejected(variant("lock-abroad", text))).toEqual([
      `national.yaml:${line}:19: backup.regions.north.objectLock.endpoint: [endpoints-in-country] object-lock replication target host 's3.ap-southeast-1.amazonaws.com' is not in Vietnam: backups of region 'north' would be copied abroad; it must be one of, or below one of, sovereignty.allowedDomains (govcloud.gov.vn)`,
    ]);
  });

  it("rejects a region whose object storage, where backups go, is outside Vietnam", () => {
    const text = replaceOnce(national, "endpoint: https://s3.south.govcloud.gov.vn", "endpoint: https://storage.example.com");
    const lines = rejected(variant("store-abroad", text));
    expect(lines).toEqual([
      `national.yaml:${lineOf(text, "https://storage.example.com")}:17: regions.south.objectStorage.endpoint: [endpoints-in-country] object storage host 'storage.example.com' is not in Vietnam: it must be one of, or below one of, sovereignty.allowedDomains (govcloud.gov.vn)`,
    ]);
  });
});

describe("backup topologies that leave too few copies", () => {
  it("rejects a single-region copy of confidential data", () => {
    const text = replaceOnce(national, "    confidential: 2\n    secret: 3", "    confidential: 1\n    secret: 3");
    expect(rejected(variant("confidential-one-copy", text))).toEqual([
      `national.yaml:${lineOf(text, "    confidential: 1\n")}:19: backup.minCopyRegions.confidential: must be at least 2: confidential data must survive the loss of a region; got 1`,
    ]);
  });

  it("rejects a topology that cannot give secret data the regions it needs", () => {
    const text = replaceOnce(national, "  topology: full-mesh", "  topology: ring");
    expect(rejected(variant("ring-for-secret", text))).toEqual([
      `national.yaml:${lineOf(text, "  topology: ring")}:13: backup.topology: 'ring' over 3 region(s) (central, north, south) gives copies in at most 2 region(s), but secret data needs 3 (backup.minCopyRegions.secret): use full-mesh or add regions`,
    ]);
  });

  it("rejects a one-region environment, whose confidential backups would have a single copy", () => {
    const doc = YAML.parseDocument(national);
    for (const id of ["central", "south"]) {
      doc.deleteIn(["regions", id]);
      doc.deleteIn(["backup", "regions", id]);
    }
    const text = doc.toString();
    const lines = rejected(variant("one-region", text));
    const at = `national.yaml:${lineOf(text, "  topology: full-mesh")}:13: backup.topology: 'full-mesh' over 1 region(s) (north) gives copies in at most 1 region(s)`;
    expect(lines).toEqual([
      `${at}, but internal data needs 2 (backup.minCopyRegions.internal): a single-region copy is lost with the region; add a region`,
      `${at}, but confidential data needs 2 (backup.minCopyRegions.confidential): a single-region copy is lost with the region; add a region`,
      `${at}, but secret data needs 3 (backup.minCopyRegions.secret): a single-region copy is lost with the region; add a region`,
    ]);
  });

  it("rejects a confidential agency in an environment without a backup section, in the agency's file", () => {
    const doc = YAML.parseDocument(national);
    doc.delete("backup");
    const lines = rejected(variant("no-backup", doc.toString(), ["bo-khoa-hoc-va-cong-nghe", "bo-tai-chinh"]));
    const agencyText = fs.readFileSync(path.join(REPO_ROOT, "environments/national/agencies/bo-tai-chinh.yaml"), "utf8");
    expect(lines).toEqual([
      `national/agencies/bo-tai-chinh.yaml:${lineOf(agencyText, "dataClassification:")}:21: dataClassification: is confidential for backup, but environment 'national' has no backup section: its data would have no copy in any other region; add backup to the environment file`,
    ]);
  });
});

describe("restore drill schedules", () => {
  it("rejects a drill schedule whose day of week does not exist, at its line", () => {
    const text = replaceOnce(national, 'schedule: "0 2 * * 6"', 'schedule: "0 2 * * 8"');
    expect(rejected(variant("drill-day-8", text))).toEqual([
      `national.yaml:${lineOf(text, '"0 2 * * 8"')}:15: backup.restoreDrills.schedule: must be a five-field cron expression such as '0 2 * * 6': the day of week field '8' has 8, outside 0-7`,
    ]);
  });
});

describe("immutability and credentials", () => {
  it("rejects an object lock that expires before the backups it protects", () => {
    const text = replaceOnce(national, "        bucket: govcloud-backups-central-locked\n        mode: COMPLIANCE\n        retentionDays: 400", "        bucket: govcloud-backups-central-locked\n        mode: COMPLIANCE\n        retentionDays: 300");
    expect(rejected(variant("short-lock", text))).toEqual([
      `national.yaml:${lineOf(text, "retentionDays: 300")}:24: backup.regions.central.objectLock.retentionDays: is 300 days, shorter than the longest backup retention (secret: 365 days in backup.retentionDays): locked copies would expire while Velero still counts on them`,
    ]);
  });

  it("accepts credentials only as a Secret reference, never a value", () => {
    const text = replaceOnce(national, "credentials: { name: velero-s3-north, key: cloud }", "credentials: { name: velero-s3-north, key: cloud, secretAccessKey: wJalrXUtnFEMI }");
    const [line] = rejected(variant("credential-value", text));
    expect(line).toMatch(new RegExp(`^national\\.yaml:${lineOf(text, "secretAccessKey")}:\\d+: backup\\.regions\\.north\\.credentials\\.secretAccessKey: unknown field 'secretAccessKey'`));
  });
});
