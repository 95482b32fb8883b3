/**
 * security-level: every rule has a compliant and a non-compliant fixture. The agencies'
 * systems are rule configuration, as an environment's agency files give it.
 */
import { describe, expect, it } from "vitest";
import { auditLogSettings } from "../../../estate/cluster-api";
import type { TerraformJsonDocument } from "../../../policies/engine/expand";
import type { SystemRecord } from "../../../policies/lib/systems";
import { check, summary } from "../support";

const REGION = "govcloud.gov.vn/region";

/** Tenant namespaces: agency -> regions (the first is home). */
function namespaces(region: string, agencies: Readonly<Record<string, "home" | "dr">>): TerraformJsonDocument {
  return {
    resource: {
      kubernetes_namespace_v1: {
        tenant: {
          for_each: Object.fromEntries(
            Object.entries(agencies).map(([agency, role]) => [
              agency,
              {
                name: `tenant-${agency}`,
                labels: { "govcloud.gov.vn/tenant": `tenant-${agency}`, "govcloud.gov.vn/agency": agency, [REGION]: region },
                annotations: { "govcloud.gov.vn/tenant-role": role },
              },
            ]),
          ),
          metadata: { name: "${each.value.name}", labels: "${each.value.labels}", annotations: "${each.value.annotations}" },
        },
      },
    },
  };
}

const system = (agency: string, securityLevel: number, reviewDue?: string): SystemRecord => ({
  agency,
  system: `he-thong-${securityLevel}`,
  name: `Hệ thống cấp độ ${securityLevel}`,
  securityLevel,
  ...(reviewDue === undefined ? {} : { approval: { decision: `${securityLevel}/QĐ`, approvedOn: "2025-01-01", reviewDue } }),
});

const ns = (agency: string) => `kubernetes_namespace_v1.tenant["${agency}"]`;

describe("systems-have-current-approval", () => {
  const rule = "systems-have-current-approval";
  const docs = { "tenants-north-000": namespaces("north", { "agency-a": "home", "agency-b": "dr" }), "tenants-south-000": namespaces("south", { "agency-b": "home" }) };
  const systems = [system("agency-a", 1), system("agency-a", 3, "2027-03-14"), system("agency-b", 2, "2026-12-31"), system("agency-c", 2)];
  const on = (day: string) => ({ config: { [rule]: { systems } }, now: new Date(`${day}T09:00:00+07:00`) });

  it("passes while every level 2+ system's review is due on or after the day of the check (level 1 needs no approval)", async () => {
    expect(await check(rule, docs, on("2026-12-31"))).toEqual([]);
  });

  it("flags an overdue review and a missing approval, at the agency's home namespace", async () => {
    const findings = await check(rule, docs, { ...on("2027-03-15"), config: { [rule]: { systems: [...systems, { ...system("agency-a", 4), system: "khong-phe-duyet" }] } } });
    expect(summary(findings)).toEqual([
      `${ns("agency-a")}: agency agency-a: information system he-thong-3 (security level 3): the approval 3/QĐ of 2025-01-01 was due for review on 2027-03-14; have the level re-assessed and record the new decision and reviewDue under systems.he-thong-3.approval`,
      `${ns("agency-a")}: agency agency-a: information system khong-phe-duyet (security level 4) has no approval of its level dossier; level 2 and above must be approved (Decree 85/2016/NĐ-CP Art. 12): record the decision under systems.khong-phe-duyet.approval`,
      `${ns("agency-b")}: agency agency-b: information system he-thong-2 (security level 2): the approval 2/QĐ of 2025-01-01 was due for review on 2026-12-31; have the level re-assessed and record the new decision and reviewDue under systems.he-thong-2.approval`,
    ]);
    // agency-b's home is in the south; agency-c is not deployed by these inputs.
    expect(findings.map((f) => f.stack)).toEqual(["tenants-north-000", "tenants-north-000", "tenants-south-000"]);
  });

  it("flags an approval whose decision is still the onboarding placeholder, whatever its dates", async () => {
    const placeholder = { ...system("agency-a", 2, "2030-01-01"), approval: { decision: "TODO: number of the approval decision", approvedOn: "2026-01-01", reviewDue: "2030-01-01" } };
    const findings = await check(rule, docs, { ...on("2026-06-01"), config: { [rule]: { systems: [placeholder] } } });
    expect(summary(findings)).toEqual([
      `${ns("agency-a")}: agency agency-a: information system he-thong-2 (security level 2): the approval decision is still the onboarding placeholder "TODO: number of the approval decision"; record the number of the decision that approved the level dossier, its approvedOn and reviewDue under systems.he-thong-2.approval`,
    ]);
  });
});

describe("agency-files-have-no-placeholders", () => {
  const rule = "agency-files-have-no-placeholders";
  const docs = { "tenants-north-000": namespaces("north", { "agency-a": "home", "agency-b": "dr" }), "tenants-south-000": namespaces("south", { "agency-b": "home" }) };
  const placeholders = [
    { agency: "agency-a", field: "contacts[0].name", value: "TODO: full name", fillIn: "the full name of the official responsible" },
    { agency: "agency-b", field: "systems.cong.name", value: "TODO: check", fillIn: "the system's official name, as in its security level dossier" },
    { agency: "agency-c", field: "displayName", value: "TODO", fillIn: "the agency's official name" },
  ];

  it("passes agencies whose files carry no placeholder", async () => {
    expect(await check(rule, docs, { config: { [rule]: { placeholders: [] } } })).toEqual([]);
  });

  it("flags each placeholder of a deployed agency at its home namespace, saying what to write", async () => {
    const findings = await check(rule, docs, { config: { [rule]: { placeholders } } });
    expect(summary(findings)).toEqual([
      `${ns("agency-a")}: agency agency-a: contacts[0].name is still the onboarding placeholder "TODO: full name"; write the full name of the official responsible`,
      `${ns("agency-b")}: agency agency-b: systems.cong.name is still the onboarding placeholder "TODO: check"; write the system's official name, as in its security level dossier`,
    ]);
    expect(findings.map((f) => f.stack)).toEqual(["tenants-north-000", "tenants-south-000"]);
  });
});

/** The management stack's KubeadmControlPlane of a region, with or without audit logging. */
function controlPlane(region: string, endpoint?: string): TerraformJsonDocument {
  const audit = endpoint === undefined ? undefined : auditLogSettings({ endpoint, retentionDays: 365 });
  return {
    resource: {
      kubernetes_manifest: {
        [`kcp_${region}`]: {
          manifest: {
            apiVersion: "controlplane.cluster.x-k8s.io/v1beta2",
            kind: "KubeadmControlPlane",
            metadata: { name: `national-${region}-control-plane`, namespace: "govcloud-clusters", labels: { [REGION]: region } },
            spec: {
              replicas: 3,
              version: "v1.31.4",
              kubeadmConfigSpec: {
                clusterConfiguration: { imageRepository: "registry/kubernetes", ...(audit === undefined ? {} : { apiServer: audit.apiServer }) },
                ...(audit === undefined ? {} : { files: audit.files }),
              },
            },
          },
        },
      },
    },
  };
}

describe("level-3-systems-have-audit-logging", () => {
  const rule = "level-3-systems-have-audit-logging";
  const STORE = "https://audit.govcloud.gov.vn/k8s-audit";
  const systems = [system("agency-a", 3, "2027-01-01"), system("agency-b", 2, "2027-01-01")];
  const config = (extra: Record<string, unknown> = {}) => ({ config: { [rule]: { systems, allowedDomains: ["govcloud.gov.vn"], ...extra } } });
  const tenants = { "tenants-north-000": namespaces("north", { "agency-a": "home", "agency-b": "home" }), "tenants-south-000": namespaces("south", { "agency-b": "dr" }) };

  it("passes when the region's control plane sends audit events to an in-country store, or the environment declares the store", async () => {
    expect(await check(rule, { management: controlPlane("north", STORE), ...tenants }, config())).toEqual([]);
    expect(await check(rule, tenants, config({ auditLog: { endpoint: STORE, retentionDays: 365 } }))).toEqual([]);
  });

  it("flags a control plane without audit logging, or sending it abroad, only in regions hosting level 3+ systems", async () => {
    const findings = await check(rule, { management: { resource: { kubernetes_manifest: { ...controlPlane("north").resource!.kubernetes_manifest, ...controlPlane("south").resource!.kubernetes_manifest } } }, ...tenants }, config());
    expect(summary(findings)).toEqual([
      "kubernetes_manifest.kcp_north: region north hosts level 3+ systems (agency-a: he-thong-3 (level 3)), but the API server has no --audit-policy-file (without an audit policy the API server records nothing)",
      "kubernetes_manifest.kcp_north: region north hosts level 3+ systems (agency-a: he-thong-3 (level 3)), but the API server has no --audit-webhook-config-file (the audit webhook sends events to the in-country store)",
    ]);
    const abroad = await check(rule, { management: controlPlane("north", "https://logs.example.com/audit"), ...tenants }, config());
    expect(summary(abroad)).toEqual([
      "kubernetes_manifest.kcp_north: region north hosts level 3+ systems (agency-a: he-thong-3 (level 3)), but the audit store https://logs.example.com/audit is on logs.example.com, outside Vietnam (allowed domains: govcloud.gov.vn)",
    ]);
  });

  it("flags a region without Cluster API objects in the inputs when the environment declares no store", async () => {
    expect(summary(await check(rule, tenants, config()))).toEqual([
      `${ns("agency-a")}: region north hosts level 3+ systems (agency-a: he-thong-3 (level 3)); no KubeadmControlPlane of its cluster is among the inputs and the environment declares no in-country audit log store: set auditLog (endpoint, retentionDays) and configure the cluster's API server to send to it`,
    ]);
  });
});

describe("level-3-systems-have-cross-region-backups", () => {
  const rule = "level-3-systems-have-cross-region-backups";
  /** agency-a's Schedules in the north, each declaring the region of its store. */
  const docs = (stores: readonly string[]): Record<string, TerraformJsonDocument> => ({
    "tenants-north-000": {
      resource: {
        ...namespaces("north", { "agency-a": "home" }).resource,
        kubernetes_manifest: Object.fromEntries(
          stores.map((store) => [
            `schedule_${store}`,
            {
              manifest: {
                apiVersion: "velero.io/v1",
                kind: "Schedule",
                metadata: { name: `agency-a-north-to-${store}`, namespace: "velero", labels: { [REGION]: "north", "govcloud.gov.vn/backup-store": store } },
                spec: { schedule: "0 */4 * * *", template: { includedNamespaces: ["tenant-agency-a"], storageLocation: store === "north" ? "local" : `to-${store}` } },
              },
            },
          ]),
        ),
      },
    },
  });
  const level = (securityLevel: number) => ({ config: { [rule]: { systems: [system("agency-a", securityLevel, "2027-01-01")] } } });

  it("passes a level 3 agency backed up to two regions, and a level 2 agency backed up to one", async () => {
    expect(await check(rule, docs(["north", "south"]), level(3))).toEqual([]);
    expect(await check(rule, docs(["north"]), level(2))).toEqual([]);
  });

  it("flags a level 4 agency (levels accumulate) whose backups stay in one region", async () => {
    expect(summary(await check(rule, docs(["north"]), level(4)))).toEqual([
      `${ns("agency-a")}: tenant namespace "tenant-agency-a" (north) of agency agency-a, which runs he-thong-4 (level 4), has backups in 1 region(s) (north); level 3 and above needs copies in at least 2`,
    ]);
  });
});
