/**
 * Carbon-aware placement end to end: a flexible workload of an agency homed in the south runs in
 * central (the lowest-carbon region of national, and neither its home nor its DR region), in a
 * tenant namespace of its own there; and it stays there when an unrelated agency is added.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesize } from "../../engine/synth";
import { GREEN_LABELS } from "../../estate/green-labels";
import { readStacks, REPO_ROOT, tempDir, type TerraformJson } from "../support/synth";

type Instances = Record<string, Record<string, unknown>>;
const root = tempDir();

const AGENCY = `id: tinh-thu
displayName: Tỉnh Thử nghiệm
level: provincial
contacts:
  - name: Sở Khoa học và Công nghệ
    role: technical
    email: cntt@thu.gov.vn
homeRegion: south
drRegion: north
quota:
  cpu: 4
  memoryGiB: 8
dataClassification: internal
personalData: false
systems:
  dong-bo:
    name: Đồng bộ dữ liệu
    securityLevel: 1
workloads:
  dong-bo:
    template: worker
    system: dong-bo
    image: registry.south.govcloud.gov.vn/tinh-thu/dong-bo@sha256:${"e".repeat(64)}
    placement: flexible
`;

const UNRELATED = `id: tinh-khac
displayName: Tỉnh Khác
level: provincial
contacts:
  - name: Văn phòng
    role: owner
    email: vanphong@khac.gov.vn
homeRegion: central
drRegion: south
quota:
  cpu: 2
  memoryGiB: 4
dataClassification: public
personalData: false
systems:
  web:
    name: Cổng thông tin
    securityLevel: 1
workloads:
  web:
    template: web-service
    system: web
    image: registry.central.govcloud.gov.vn/tinh-khac/web@sha256:${"f".repeat(64)}
    host: khac.gov.vn
    placement: flexible
`;

function synthVariant(name: string, agencies: Record<string, string>): Map<string, TerraformJson> {
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(dir, "national.yaml"));
  for (const [id, text] of Object.entries(agencies)) fs.writeFileSync(path.join(dir, "national", "agencies", `${id}.yaml`), text);
  return readStacks(synthesize({ repoRoot: REPO_ROOT, environment: path.join(dir, "national.yaml"), out: path.join(dir, "cdktf.out") }).outdir);
}

function instances(doc: TerraformJson | undefined, type: string, name: string): Instances {
  return ((doc?.resource?.[type]?.[name] as { for_each?: Instances } | undefined)?.for_each ?? {}) as Instances;
}

describe("a flexible workload in national", () => {
  let stacks: Map<string, TerraformJson>;
  beforeAll(() => {
    stacks = synthVariant("flexible", { "tinh-thu": AGENCY });
  });

  it("runs in central, the lowest-carbon region, and not at home", () => {
    expect(Object.keys(instances(stacks.get("tenants-central-000"), "kubernetes_deployment_v1", "worker"))).toContain("tinh-thu/dong-bo");
    expect(Object.keys(instances(stacks.get("tenants-south-000"), "kubernetes_deployment_v1", "worker"))).not.toContain("tinh-thu/dong-bo");
    const pod = instances(stacks.get("tenants-central-000"), "kubernetes_deployment_v1", "worker")["tinh-thu/dong-bo"]!;
    expect((pod.pod_labels as Record<string, string>)[GREEN_LABELS.region]).toBe("central");
  });

  it("gets a placement tenant there: namespace, baseline and a quota of just what the workload needs", () => {
    const central = stacks.get("tenants-central-000");
    const namespace = instances(central, "kubernetes_namespace_v1", "tenant")["tinh-thu"];
    expect(namespace?.annotations).toMatchObject({ "govcloud.gov.vn/tenant-role": "placement" });
    expect(instances(central, "kubernetes_network_policy_v1", "default_deny")["tinh-thu"]).toBeDefined();
    // A worker of 2 replicas at the template's default request of 0.25 cores and 256 MiB.
    expect(instances(central, "kubernetes_resource_quota_v1", "tenant")["tinh-thu"]?.hard).toMatchObject({
      "requests.cpu": "500m",
      "requests.memory": "512Mi",
      "requests.storage": "0Gi",
    });
    // Home and DR tenants stay as they were.
    expect(instances(stacks.get("tenants-south-000"), "kubernetes_namespace_v1", "tenant")["tinh-thu"]?.annotations).toMatchObject({
      "govcloud.gov.vn/tenant-role": "home",
    });
    expect(instances(stacks.get("tenants-north-000"), "kubernetes_namespace_v1", "tenant")["tinh-thu"]?.annotations).toMatchObject({
      "govcloud.gov.vn/tenant-role": "dr",
    });
  });

  it("stays in central when an unrelated agency is added", () => {
    const after = synthVariant("flexible-and-another", { "tinh-thu": AGENCY, "tinh-khac": UNRELATED });
    expect(Object.keys(instances(after.get("tenants-central-000"), "kubernetes_deployment_v1", "worker"))).toContain("tinh-thu/dong-bo");
    expect(instances(after.get("tenants-central-000"), "kubernetes_deployment_v1", "worker")["tinh-thu/dong-bo"]).toEqual(
      instances(stacks.get("tenants-central-000"), "kubernetes_deployment_v1", "worker")["tinh-thu/dong-bo"],
    );
  });
});
