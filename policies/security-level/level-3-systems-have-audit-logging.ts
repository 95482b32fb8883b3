import type { PolicyResource } from "@pulumi/policy";
import { parse } from "yaml";
import { type Environment, isAllowedHost } from "../../environments/schema";
import { describeSystems, type SystemRecord, SYSTEMS_CONFIG, systemRecords, systemsAtLeast } from "../lib/systems";
import { kindOf, labelsOf, metadataOf, REGION_LABEL, type TenantNamespace, tenantNamespaces } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import { blocks, hostOfUrl, isObject, text } from "../lib/values";
import type { EnvironmentContext, GovcloudStackPolicy } from "../engine/types";

export interface Config {
  readonly systems: readonly SystemRecord[];
  /** The environment's in-country audit log store (`auditLog`), when it declares one. */
  readonly auditLog?: { readonly endpoint: string; readonly retentionDays: number };
  /** In-country domains: the audit webhook's server must be on one. */
  readonly allowedDomains?: readonly string[];
}

/** The API server's flags of a KubeadmControlPlane: v1beta2 `{name, value}` entries, or a v1beta1 map. */
function apiServerArgs(apiServer: Readonly<Record<string, unknown>>): Map<string, string> {
  const args = apiServer.extraArgs;
  if (Array.isArray(args)) return new Map(blocks(args).map((a) => [String(a.name), String(a.value)]));
  return new Map(isObject(args) ? Object.entries(args).map(([k, v]) => [k, String(v)]) : []);
}

/** What is missing for the API server of one KubeadmControlPlane to send audit events to an in-country store. */
function auditProblems(manifest: Readonly<Record<string, unknown>>, allowedDomains: readonly string[] | undefined): string[] {
  const spec = isObject(manifest.spec) && isObject(manifest.spec.kubeadmConfigSpec) ? manifest.spec.kubeadmConfigSpec : {};
  const cluster = isObject(spec.clusterConfiguration) ? spec.clusterConfiguration : {};
  const apiServer = isObject(cluster.apiServer) ? cluster.apiServer : {};
  const args = apiServerArgs(apiServer);
  const files = new Map(blocks(spec.files).map((f) => [String(f.path), f.content]));
  const mounts = blocks(apiServer.extraVolumes).map((v) => text(v.mountPath).replace(/\/+$/, ""));
  const mounted = (file: string) => mounts.some((m) => m !== "" && file.startsWith(`${m}/`));
  const problems: string[] = [];
  const file = (flag: string, what: string): string | undefined => {
    const path = args.get(flag);
    if (path === undefined) {
      problems.push(`the API server has no --${flag} (${what})`);
      return undefined;
    }
    if (!files.has(path)) problems.push(`--${flag} names ${path}, which kubeadmConfigSpec.files does not write`);
    if (!mounted(path)) problems.push(`${path} (--${flag}) is not mounted into the API server (clusterConfiguration.apiServer.extraVolumes)`);
    return path;
  };
  file("audit-policy-file", "without an audit policy the API server records nothing");
  const webhook = file("audit-webhook-config-file", "the audit webhook sends events to the in-country store");
  const content = webhook === undefined ? undefined : files.get(webhook);
  if (typeof content === "string") {
    let servers: string[] = [];
    try {
      const config = parse(content, { maxAliasCount: 0 }) as unknown;
      servers = blocks(isObject(config) ? config.clusters : undefined).map((c) => (isObject(c.cluster) ? text(c.cluster.server) : ""));
    } catch {
      problems.push(`${webhook} is not a readable kubeconfig`);
    }
    if (servers.length === 0 || servers.some((s) => s === "")) problems.push(`${webhook} names no audit store (clusters[].cluster.server)`);
    for (const server of servers.filter((s) => s !== "")) {
      const host = hostOfUrl(server);
      if (!server.startsWith("https://")) problems.push(`the audit store ${server} is not reached over https`);
      if (allowedDomains !== undefined && !isAllowedHost(host, allowedDomains)) problems.push(`the audit store ${server} is on ${host}, outside Vietnam (allowed domains: ${allowedDomains.join(", ")})`);
    }
  }
  return problems;
}

/**
 * Where an information system of security level 3 or higher runs (Decree 85/2016/NĐ-CP
 * Art. 9–11; levels accumulate, so 4 and 5 too), access to its platform is logged in-country:
 * the API servers of every region that hosts one of its tenant namespaces record audit events
 * and send them to an in-country store (TCVN 11930:2017 and Circular 12/2022/TT-BTTTT:
 * logging and log retention from level 3). For clusters govcloud provisions, the region's
 * KubeadmControlPlane must set --audit-policy-file and --audit-webhook-config-file, write both
 * files and mount them into the API server, the webhook pointing at an https store on
 * `sovereignty.allowedDomains`. For clusters whose Cluster API objects are not among the inputs
 * (existing clusters, or a plan of other stacks), the environment must declare the store
 * (`auditLog`).
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every region hosting a tenant of an agency with a security level 3 or higher system (Decree 85/2016/NĐ-CP Art. 9–11) has API-server audit logging to an in-country store: in its KubeadmControlPlane, or declared as auditLog for clusters without one in the inputs.",
  scope: "check",
  configSchema: {
    properties: {
      systems: SYSTEMS_CONFIG,
      auditLog: { type: "object", description: "the environment's auditLog: { endpoint, retentionDays }" },
      allowedDomains: { type: "array", items: { type: "string" } },
    },
  },
  configFromEnvironment: (env: Environment, { agencies }: EnvironmentContext) => ({
    systems: systemRecords(agencies),
    ...(env.auditLog === undefined ? {} : { auditLog: { ...env.auditLog } }),
    allowedDomains: [...env.sovereignty.allowedDomains],
  }),
  validateStack: (args, report) => {
    const { systems, auditLog, allowedDomains } = args.getConfig<Config>();
    const level3 = systemsAtLeast(systems, 3);
    if (level3.size === 0) return;
    // Regions hosting a tenant namespace of such an agency, with those namespaces.
    const regions = new Map<string, TenantNamespace[]>();
    for (const ns of tenantNamespaces(args.resources)) {
      if (level3.has(ns.agency)) regions.set(ns.cluster, [...(regions.get(ns.cluster) ?? []), ns]);
    }
    const controlPlanes = new Map<string, PolicyResource[]>();
    for (const r of args.resources) {
      if (kindOf(r.type, r.props) !== "KubeadmControlPlane") continue;
      const region = labelsOf(metadataOf(r.type, r.props))[REGION_LABEL];
      if (typeof region === "string") controlPlanes.set(region, [...(controlPlanes.get(region) ?? []), r]);
    }
    for (const [region, namespaces] of [...regions].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const agencies = [...new Set(namespaces.map((n) => n.agency))].sort();
      const hosted = agencies.map((a) => `${a}: ${describeSystems(level3.get(a) ?? [])}`).join("; ");
      const kcps = controlPlanes.get(region) ?? [];
      for (const kcp of kcps) {
        for (const problem of auditProblems(kcp.props.manifest as Readonly<Record<string, unknown>>, allowedDomains)) {
          report(`region ${region} hosts level 3+ systems (${hosted}), but ${problem}`, kcp.urn);
        }
      }
      if (kcps.length === 0 && auditLog === undefined) {
        report(
          `region ${region} hosts level 3+ systems (${hosted}); no KubeadmControlPlane of its cluster is among the inputs and the environment declares no in-country audit log store: set auditLog (endpoint, retentionDays) and configure the cluster's API server to send to it`,
          (namespaces[0] as TenantNamespace).resource.urn,
        );
      }
    }
  },
};
export default rule;
