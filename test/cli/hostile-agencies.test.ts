/**
 * Broken and hostile agency files, end to end through `govcloud synth`: a clear error located
 * in the file that has to change, exit code 2, and the previous output untouched.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const root = tempDir();
const out = path.join(root, "cdktf.out");


/** A copy of the national environment with its agencies, edited by `edit`; returns the env file. */
function estateVariant(name: string, edit: (agenciesDir: string) => void): string {
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(dir, "national.yaml"));
  edit(path.join(dir, "national", "agencies"));
  return path.join(dir, "national.yaml");
}

function editFile(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, "utf8");
  expect(text).toMatch(from);
  fs.writeFileSync(file, text.replace(from, to));
}

const cases: Array<[string, (agencies: string) => void, RegExp]> = [
  [
    "duplicate agency ids",
    (dir) => fs.copyFileSync(path.join(dir, "xa-ba-na.yaml"), path.join(dir, "xa-ba-na-2.yaml")),
    /agencies\/xa-ba-na-2\.yaml:\d+:\d+: id: duplicate agency id 'xa-ba-na': also declared at .*agencies\/xa-ba-na\.yaml:\d+:\d+/,
  ],
  [
    "names that collide after normalisation",
    (dir) => {
      fs.copyFileSync(path.join(dir, "xa-ba-na.yaml"), path.join(dir, "ubnd-xa-ba-na.yaml"));
      editFile(path.join(dir, "ubnd-xa-ba-na.yaml"), "id: xa-ba-na", "id: ubnd-xa-ba-na");
      editFile(path.join(dir, "ubnd-xa-ba-na.yaml"), "displayName: Ủy ban nhân dân Xã Bà Nà", "displayName: UY BAN NHAN DAN - XA BA NA");
    },
    /agencies\/ubnd-xa-ba-na\.yaml:\d+:\d+: displayName: 'UY BAN NHAN DAN - XA BA NA' is the same name as 'Ủy ban nhân dân Xã Bà Nà' \(agency xa-ba-na/,
  ],
  [
    "over-capacity quotas",
    (dir) => editFile(path.join(dir, "bo-tai-chinh.yaml"), "  cpu: 48\n", "  cpu: 5000\n"),
    /agencies\/bo-tai-chinh\.yaml:16:8: quota\.cpu: 5000 CPU cores do not fit in home region north/,
  ],
  [
    "a DR region equal to the home region",
    (dir) => editFile(path.join(dir, "bo-tai-chinh.yaml"), "drRegion: south", "drRegion: north"),
    /agencies\/bo-tai-chinh\.yaml:\d+:\d+: drRegion: must differ from homeRegion 'north'/,
  ],
  [
    "an image from a public registry",
    (dir) => editFile(path.join(dir, "xa-ba-na.yaml"), /image: registry\.central\.govcloud\.gov\.vn\/xa-ba-na\/bao-cao/, "image: docker.io/library/bao-cao"),
    /agencies\/xa-ba-na\.yaml:\d+:\d+: workloads\.bao-cao\.image: image registry docker\.io is not an in-country mirror/,
  ],
  [
    "a template name that does not exist",
    (dir) => editFile(path.join(dir, "xa-ba-na.yaml"), "template: scheduled-job", "template: cron-job"),
    /agencies\/xa-ba-na\.yaml:\d+:\d+: workloads\.bao-cao\.template: must be one of ai-inference, open-data-api, scheduled-job, stateful-service, web-service, worker; got "cron-job"/,
  ],
  [
    "a cron schedule with an hour out of range",
    (dir) => editFile(path.join(dir, "xa-ba-na.yaml"), 'schedule: "0 22 * * *"', 'schedule: "0 25 * * *"'),
    /agencies\/xa-ba-na\.yaml:27:\d+: workloads\.bao-cao\.schedule: must be a five-field cron expression such as '0 2 \* \* \*': the hour field '25' has 25, outside 0-23/,
  ],
  [
    "a cron schedule with four fields",
    (dir) => editFile(path.join(dir, "xa-ba-na.yaml"), 'schedule: "0 22 * * *"', 'schedule: "0 22 * *"'),
    /agencies\/xa-ba-na\.yaml:27:\d+: workloads\.bao-cao\.schedule: must be a five-field cron expression such as '0 2 \* \* \*'; got "0 22 \* \*"$/m,
  ],
  [
    "a cron schedule with syntax Kubernetes does not take",
    (dir) => editFile(path.join(dir, "xa-ba-na.yaml"), 'schedule: "0 22 * * *"', 'schedule: "0 22 L * *"'),
    /agencies\/xa-ba-na\.yaml:27:\d+: workloads\.bao-cao\.schedule: must be a five-field cron expression such as '0 2 \* \* \*': the day of month field 'L' is not a number/,
  ],
  [
    "an alias in an agency file",
    (dir) => editFile(path.join(dir, "xa-ba-na.yaml"), "homeRegion: central\ndrRegion: south", "homeRegion: &h central\ndrRegion: *h"),
    /agencies\/xa-ba-na\.yaml:\d+:\d+: drRegion: .*alias/,
  ],
];

describe("hostile agency files", () => {
  let before: Map<string, Buffer>;
  beforeAll(() => {
    expect(cli("synth", "--env", estateVariant("good", () => {}), "--out", out, "--quiet").code).toBe(0);
    before = readTree(out);
  });

  it.each(cases)("%s: a located error and exit code 2", (name, edit, expected) => {
    const result = cli("synth", "--env", estateVariant(name.replace(/\W+/g, "-"), edit), "--out", out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const after = readTree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
  });
});

describe("a quota too large is addressed to its agency, the platform second", () => {
  it("reports the agency's quota line with what fits, then the node pools as a hint for the platform team; GPUs without overcommit", () => {
    const env = estateVariant("over-quota-exact", (dir) => {
      editFile(path.join(dir, "bo-tai-chinh.yaml"), "  cpu: 48\n", "  cpu: 5000\n");
      editFile(path.join(dir, "bo-y-te.yaml"), "  gpus: 4\n", "  gpus: 40\n");
    });
    const agencies = path.join(path.dirname(env), "national", "agencies");
    const result = cli("validate", "--env", env);
    expect(result.code).toBe(2);
    const btc = `${path.join(agencies, "bo-tai-chinh.yaml")}:16:8`;
    const byt = `${path.join(agencies, "bo-y-te.yaml")}:19:9`;
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      `${btc}: quota.cpu: 5000 CPU cores do not fit in home region north: it offers 992 × overcommit 1.5 = 1488 and the other tenants leave 1350; set quota.cpu to at most 1350, or ask the platform team for capacity`,
      `${btc}: quota.cpu: 5000 CPU cores do not fit in disaster-recovery region south, which reserves 100% of the quota: it offers 992 × overcommit 1.5 = 1488 and the other tenants leave 1343; set quota.cpu to at most 1343, or ask the platform team for capacity`,
      `${env}:198:9: regions.north.cluster.nodePools: hint for the platform team: tenant quotas need 5138 CPU cores in region north, which offers 992 × overcommit 1.5 = 1488, because of bo-tai-chinh's quota.cpu (${btc}); to host it, add nodes or raise tenancy.overcommit.cpu`,
      `${env}:198:9: regions.north.cluster.nodePools: hint for the platform team: tenant quotas need 48 GPUs in region north, which offers 16 (GPUs are not overcommitted), because of bo-y-te's quota.gpus (${byt}); to host it, add GPU nodes`,
      `${env}:316:9: regions.south.cluster.nodePools: hint for the platform team: tenant quotas need 5145 CPU cores in region south, which offers 992 × overcommit 1.5 = 1488, because of bo-tai-chinh's quota.cpu (${btc}); to host it, add nodes or raise tenancy.overcommit.cpu`,
      `${env}:316:9: regions.south.cluster.nodePools: hint for the platform team: tenant quotas need 48 GPUs in region south, which offers 16 (GPUs are not overcommitted), because of bo-y-te's quota.gpus (${byt}); to host it, add GPU nodes`,
      `${byt}: quota.gpus: 40 GPUs do not fit in home region north: it offers 16 (GPUs are not overcommitted) and the other tenants leave 8; set quota.gpus to at most 8`,
      `${byt}: quota.gpus: 40 GPUs do not fit in disaster-recovery region south, which reserves 100% of the quota: it offers 16 (GPUs are not overcommitted) and the other tenants leave 8; set quota.gpus to at most 8`,
      "govcloud: 8 problems; nothing was written",
    ]);
    // No GPU message suggests an overcommit.
    for (const line of result.stderr.split("\n").filter((l) => l.includes("GPUs"))) expect(line).not.toMatch(/raise|overcommit\./);
  });
});
