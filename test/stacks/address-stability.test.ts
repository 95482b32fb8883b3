/**
 * Change safety: no existing address disappears without a moved block, and adding, renaming or
 * removing one agency never moves or renames another agency's resources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { addressesFilePath, compareAddresses, listAddresses, readCommittedAddresses } from "../../engine/resource-addresses";
import { synthesize } from "../../engine/synth";
import { REPO_ROOT, tempDir } from "../support/synth";

const root = tempDir();

/** A copy of national (environment, agencies, lock), edited, synthesized; returns the output folder. */
function synthVariant(name: string, edit: (agencies: string) => void = () => {}): string {
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(dir, "national.yaml"));
  edit(path.join(dir, "national", "agencies"));
  return synthesize({ repoRoot: REPO_ROOT, environment: path.join(dir, "national.yaml"), out: path.join(dir, "cdktf.out") }).outdir;
}

/** The agency an address belongs to, from its for_each key (undefined for shared resources). */
function agencyOf(line: string): string | undefined {
  const key = /\["([^"]+)"\]$/.exec(line)?.[1];
  return key?.split("->")[0]?.split("/")[0];
}

const NEW_AGENCY = `# yaml-language-server: $schema=../../../schemas/agency.schema.json
id: xa-hoa-vang
displayName: Ủy ban nhân dân Xã Hòa Vang
level: commune
parent: thanh-pho-da-nang
contacts:
  - name: Văn phòng
    role: owner
    email: vanphong.hoavang@danang.gov.vn
homeRegion: central
drRegion: north
quota:
  cpu: 2
  memoryGiB: 4
dataClassification: internal
personalData: true
systems:
  cong-thong-tin:
    name: Cổng thông tin
    securityLevel: 1
workloads:
  cong-thong-tin:
    template: web-service
    system: cong-thong-tin
    image: registry.central.govcloud.gov.vn/xa-hoa-vang/cong-thong-tin@sha256:${"a".repeat(64)}
    host: hoavang.danang.gov.vn
`;

describe("resource address stability", () => {
  let baseline: string[];
  beforeAll(() => {
    baseline = listAddresses(synthVariant("baseline"));
  });

  it("loses no committed address of national (run govcloud addresses --write after intended changes)", () => {
    const committed = readCommittedAddresses(addressesFilePath(path.join(REPO_ROOT, "environments", "national.yaml")));
    expect(committed.length).toBeGreaterThan(100);
    const { lost } = compareAddresses(committed, synthVariant("committed"));
    expect(lost).toEqual([]);
  });

  it("adding an agency adds its resources and changes no existing address", () => {
    const after = listAddresses(synthVariant("added", (dir) => fs.writeFileSync(path.join(dir, "xa-hoa-vang.yaml"), NEW_AGENCY)));
    const before = new Set(baseline);
    expect(baseline.filter((a) => !after.includes(a))).toEqual([]);
    const added = after.filter((a) => !before.has(a));
    expect(added.length).toBeGreaterThan(10);
    expect(added.filter((a) => agencyOf(a) !== "xa-hoa-vang")).toEqual([]);
  });

  it("retiring an agency removes only its own resources", () => {
    const retire = (dir: string) =>
      fs.appendFileSync(path.join(dir, "phuong-hoan-kiem.yaml"), "retired:\n  decision: 12/QĐ-UBND of the Hà Nội People's Committee\n  date: 2026-11-30\n  backupRetentionDays: 3650\n");
    const after = new Set(listAddresses(synthVariant("removed", retire)));
    const gone = baseline.filter((a) => !after.has(a));
    expect(gone.length).toBeGreaterThan(10);
    expect(gone.filter((a) => agencyOf(a) !== "phuong-hoan-kiem")).toEqual([]);
  });

  it("renaming an agency with renamedFrom moves every one of its resources instead of destroying it", () => {
    const outdir = synthVariant("renamed", (dir) => {
      const text = fs.readFileSync(path.join(dir, "phuong-hoan-kiem.yaml"), "utf8");
      fs.rmSync(path.join(dir, "phuong-hoan-kiem.yaml"));
      fs.writeFileSync(
        path.join(dir, "phuong-hoan-kiem-ha-noi.yaml"),
        text.replace("id: phuong-hoan-kiem\n", "id: phuong-hoan-kiem-ha-noi\nrenamedFrom: phuong-hoan-kiem\n"),
      );
    });
    const { lost, moved } = compareAddresses(baseline, outdir);
    // Nothing is lost: the default groups keep the names they had (<former id>-admins, ...),
    // so their RoleBindings move like everything else.
    expect(lost).toEqual([]);
    expect(moved.length).toBe(baseline.filter((a) => agencyOf(a) === "phuong-hoan-kiem").length);
    expect(moved.some((m) => m.includes('kubernetes_namespace_v1.tenant["phuong-hoan-kiem"] -> '))).toBe(true);
    // The renamed agency's resources stay in the same stacks: state cannot move between stacks.
    for (const line of moved) {
      const [fromStack, , , toStack] = line.split(" ");
      expect(toStack).toBe(fromStack);
    }
  });
});
