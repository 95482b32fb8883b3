/**
 * The environment file schema: one YAML file per environment under `environments/<name>.yaml`.
 *
 * This module is the single source of truth for the shape of an environment, its defaults and
 * the cross-field rules. Types are derived with `z.infer`; the JSON Schema under `schemas/` is
 * generated from it (`npm run schemas`) and kept in sync by a test.
 */
import { z } from "zod";
import { addOnProblems } from "../estate/add-ons";

// ---------------------------------------------------------------------------------------------
// Reusable field types
// ---------------------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** A Kubernetes name that must be a DNS-1123 label (namespaces, region ids, pool names). */
export const DnsLabel = z
  .string()
  .max(63, "must be at most 63 characters (DNS-1123 label)")
  .regex(DNS_LABEL, "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit");

/** A Kubernetes name that must be a DNS-1123 subdomain (PriorityClass, StorageClass, ...). */
export const DnsSubdomain = z
  .string()
  .max(253, "must be at most 253 characters (DNS-1123 subdomain)")
  .regex(DNS_SUBDOMAIN, "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'");

/** Kubernetes labels: keys and values are checked against the API server's rules. */
export const Labels = z.record(
  z.string().regex(LABEL_NAME, "is not a valid Kubernetes label key").max(317),
  z.string().max(63, "label values are at most 63 characters").regex(LABEL_VALUE, "is not a valid Kubernetes label value"),
);

/** A host name, without scheme or port. */
export const HostName = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, "must be a lowercase host name such as registry.hn.govcloud.gov.vn");

/** An https:// URL (the host is checked against the in-country allow-list separately). */
export const HttpsUrl = z
  .string()
  .regex(/^https:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[^\s]*)?$/, "must be an https:// URL with a lowercase host name");

/** An oci:// repository URL for Helm charts. */
export const OciUrl = z
  .string()
  .regex(/^oci:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._/-]*)?$/, "must be an oci:// URL such as oci://registry.hn.govcloud.gov.vn/charts");

/** An ISO date `YYYY-MM-DD`. */
export const IsoDate = z.iso.date("must be a date written as YYYY-MM-DD");

const KubernetesVersion = z
  .string()
  .regex(/^v1\.\d{1,2}\.\d{1,3}$/, "must be a full Kubernetes version such as v1.31.4 (pinned, no ranges)");

const Cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR such as 10.244.0.0/16");

// ---------------------------------------------------------------------------------------------
// Clusters
// ---------------------------------------------------------------------------------------------

/** What a node pool is for; the platform schedules by these roles. */
export const NodePoolRole = z.enum(["system", "general", "gpu", "storage"]);

export const NodePoolSchema = z.strictObject({
  role: NodePoolRole.describe("What the pool runs: system (platform add-ons), general (tenant workloads), gpu (AI inference), storage (stateful services)"),
  count: z.int().min(0).max(1000).describe("Number of machines in the pool"),
  flavor: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe("Flavor (instance type) of the infrastructure provider; required unless the clusters already exist"),
  cpu: z.int().min(1).max(1024).describe("vCPUs per machine"),
  memoryGiB: z.int().min(1).max(16384).describe("Memory per machine, GiB"),
  diskGiB: z.int().min(20).max(65536).default(100).describe("Root disk per machine, GiB"),
  gpus: z.int().min(0).max(16).default(0).describe("GPUs per machine"),
  gpuModel: z.string().min(1).max(63).optional().describe("GPU model, required when gpus > 0"),
  labels: Labels.default({}).describe("Extra node labels"),
  /** Taints keep general workloads off special-purpose nodes. */
  taints: z
    .array(
      z.strictObject({
        key: z.string().regex(LABEL_NAME, "is not a valid taint key"),
        value: z.string().regex(LABEL_VALUE, "is not a valid taint value").optional(),
        effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
      }),
    )
    .default([])
    .describe("Node taints"),
});

export const ClusterSchema = z.strictObject({
  kubernetesVersion: KubernetesVersion.describe("Kubernetes version of control plane and nodes"),
  controlPlane: z
    .strictObject({
      replicas: z
        .int()
        .min(1)
        .max(7)
        .refine((n) => n % 2 === 1, "must be odd so etcd keeps quorum (1, 3 or 5)")
        .default(3),
      flavor: z.string().min(1).max(255),
    })
    .optional()
    .describe("Control plane machines; required unless the clusters already exist"),
  network: z
    .strictObject({
      pods: Cidr.default("10.244.0.0/16"),
      services: Cidr.default("10.96.0.0/12"),
      nodes: Cidr.default("10.0.0.0/22").describe("Managed subnet for the machines"),
      dnsServers: z.array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, "must be an IPv4 address")).default([]),
    })
    .prefault({}),
  nodePools: z
    .record(DnsLabel, NodePoolSchema)
    .refine((pools) => Object.keys(pools).length > 0, "a cluster needs at least one node pool")
    .describe("Worker node pools keyed by pool name"),
});

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

export const EnergyProfileSchema = z.strictObject({
  pue: z.number().min(1).max(3).describe("Power usage effectiveness of the datacenter (facility energy / IT energy)"),
  renewableShare: z.number().min(0).max(1).describe("Share of the datacenter's electricity from renewable sources, 0..1"),
  gridIntensityGCO2ePerKWh: z
    .number()
    .min(0)
    .max(2000)
    .describe("Carbon intensity of grid electricity, gCO2e/kWh"),
  source: z.string().min(1).max(500).describe("Where the figures come from"),
});

export const RegionSchema = z.strictObject({
  displayName: z.string().min(1).max(200).describe("Human name, Vietnamese with diacritics welcome"),
  site: z.string().min(1).max(200).describe("Datacenter site"),
  provinceCode: z
    .string()
    .regex(/^\d{2}$/, "must be the 2-digit province code of Decision 19/2025/QĐ-TTg")
    .describe("Province code of the site (Decision 19/2025/QĐ-TTg)"),
  kubeContext: z.string().min(1).max(253).describe("kubeconfig context of the regional cluster"),
  cluster: ClusterSchema,
  objectStorage: z
    .strictObject({
      endpoint: HttpsUrl.describe("S3-compatible endpoint inside Vietnam"),
      region: z.string().min(1).max(63).describe("S3 region name the endpoint expects"),
    })
    .describe("In-country S3-compatible object storage of the region"),
  registries: z
    .strictObject({
      images: HostName.describe("Container image registry mirror (host name)"),
      charts: OciUrl.describe("Helm chart registry (oci:// URL)"),
    })
    .describe("In-country registry mirrors; nothing is pulled from public registries"),
  energy: EnergyProfileSchema,
});

// ---------------------------------------------------------------------------------------------
// Infrastructure provider, management cluster, state backend
// ---------------------------------------------------------------------------------------------

export const OpenStackInfrastructureSchema = z.strictObject({
  provider: z.literal("openstack"),
  cloudName: z.string().min(1).max(63).describe("Cloud name inside the clouds.yaml secret"),
  identitySecret: DnsSubdomain.describe(
    "Name of an existing Secret (in the cluster namespace) holding clouds.yaml; never the credentials themselves",
  ),
  externalNetwork: z.string().min(1).max(255).describe("Name of the provider's external network"),
  machineImage: z.string().min(1).max(255).describe("Glance image name of the node OS image, pinned to a Kubernetes version"),
  sshKeyName: z.string().min(1).max(255).optional(),
});

/** Clusters that already exist (kind, k3d, a lab): no Cluster API objects are generated. */
export const ExistingInfrastructureSchema = z.strictObject({
  provider: z.literal("existing"),
});

export const InfrastructureSchema = z.discriminatedUnion("provider", [OpenStackInfrastructureSchema, ExistingInfrastructureSchema]);

export const StateBackendSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    directory: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, "must be a relative path without '..'")
      .default("state")
      .describe(
        "Folder for state files, beside the output folder (the repository root for the default cdktf.out); never inside the output, which synth replaces",
      ),
  }),
  z.strictObject({
    type: z.literal("pg"),
    schemaPrefix: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,40}$/, "must be a lowercase SQL identifier")
      .default("govcloud")
      .describe("Schema names are <prefix>_<environment>_<stack>; the connection string comes from PG_CONN_STR"),
  }),
  z.strictObject({
    type: z.literal("kubernetes"),
    kubeContext: z.string().min(1).max(253),
    namespace: DnsLabel.default("govcloud-state"),
  }),
  z.strictObject({
    type: z.literal("s3"),
    endpoint: HttpsUrl,
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name"),
    region: z.string().min(1).max(63),
    keyPrefix: z.string().regex(/^[a-z0-9._/-]*$/).default("govcloud"),
  }),
]);

export const ManagementClusterSchema = z.strictObject({
  kubeContext: z.string().min(1).max(253).describe("kubeconfig context of the Cluster API management cluster"),
  namespace: DnsLabel.default("govcloud-clusters").describe("Namespace holding the regional clusters' Cluster API objects"),
});

// ---------------------------------------------------------------------------------------------
// Platform baseline
// ---------------------------------------------------------------------------------------------

export const PodSecurityLevel = z.enum(["restricted", "baseline", "privileged"]);

export const PlatformNamespaceSchema = z
  .strictObject({
    podSecurity: PodSecurityLevel.default("restricted"),
    exemptionReason: z
      .string()
      .min(10, "must explain in at least 10 characters why the namespace needs more than 'restricted'")
      .optional(),
  })
  .superRefine((ns, ctx) => {
    if (ns.podSecurity !== "restricted" && ns.exemptionReason === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["exemptionReason"],
        message: `is required when podSecurity is '${ns.podSecurity}': say which component needs it and why`,
      });
    }
  });

export const PriorityClassSchema = z.strictObject({
  value: z.int().min(-1_000_000_000).max(1_000_000_000),
  description: z.string().min(1).max(500),
  preemption: z.enum(["PreemptLowerPriority", "Never"]).default("PreemptLowerPriority"),
});

export const StorageClassSchema = z.strictObject({
  provisioner: z.string().min(1).max(253),
  reclaimPolicy: z.enum(["Delete", "Retain"]).default("Delete"),
  volumeBindingMode: z.enum(["Immediate", "WaitForFirstConsumer"]).default("WaitForFirstConsumer"),
  allowVolumeExpansion: z.boolean().default(true),
  parameters: z.record(z.string().min(1), z.string()).default({}),
  isDefault: z.boolean().default(false),
});

/** Per add-on overrides; the pinned chart versions and default values live with each add-on. */
export const AddOnOverrideSchema = z.strictObject({
  enabled: z.boolean().default(true),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be an exact chart version such as 4.12.1 (no ranges)")
    .optional()
    .describe("Chart version; defaults to the version pinned in the add-on"),
  values: z.record(z.string(), z.unknown()).default({}).describe("Helm values, deep-merged over the add-on's defaults"),
});

export const PlatformSchema = z
  .strictObject({
    namespaces: z.record(DnsLabel, PlatformNamespaceSchema).describe("Platform namespaces in every regional cluster"),
    priorityClasses: z.record(DnsSubdomain, PriorityClassSchema).default({}),
    storageClasses: z.record(DnsSubdomain, StorageClassSchema).default({}),
    addOns: z
      .record(DnsLabel, AddOnOverrideSchema)
      .default({})
      .describe("Overrides for platform add-ons (ingress-nginx, cert-manager, monitoring, velero, kepler, kyverno)"),
  })
  .superRefine((platform, ctx) => {
    const defaults = Object.entries(platform.storageClasses).filter(([, sc]) => sc.isDefault);
    if (defaults.length > 1) {
      for (const [name] of defaults.slice(1)) {
        ctx.addIssue({
          code: "custom",
          path: ["storageClasses", name, "isDefault"],
          message: `only one StorageClass may be the default; '${defaults[0]![0]}' already is`,
        });
      }
    }
    // Unknown add-on names, add-ons without their namespace, credentials in values: estate/add-ons.ts.
    for (const problem of addOnProblems(platform)) ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
  });

// ---------------------------------------------------------------------------------------------
// Tenancy
// ---------------------------------------------------------------------------------------------

export const TenancySchema = z.strictObject({
  maxResourcesPerStack: z
    .int()
    .min(50)
    .max(20_000)
    .default(1500)
    .describe("Most resource instances in one tenant stack, so that a terraform plan stays fast"),
  stackFillFactor: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe("New agencies fill a tenant stack up to this share of the limit; the rest is room for growth"),
  overcommit: z
    .strictObject({
      cpu: z.number().min(1).max(10).default(1.5),
      memory: z.number().min(1).max(10).default(1),
    })
    .prefault({})
    .describe("How far the sum of tenant quota requests may exceed a region's allocatable capacity"),
  drReserveShare: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("Share of an agency's quota reserved in its disaster-recovery region"),
  limitsToRequests: z
    .strictObject({ cpu: z.number().min(1).max(10).default(2), memory: z.number().min(1).max(10).default(1) })
    .prefault({})
    .describe("Tenant quota limits as a multiple of the requested quota"),
  publicDomains: z
    .array(HostName)
    .min(1)
    .default(["gov.vn"])
    .describe("Domains under which agencies may publish services (Ingress hosts)"),
  ingressClass: DnsSubdomain.default("nginx"),
  clusterIssuer: DnsSubdomain.default("govcloud-ca").describe("cert-manager ClusterIssuer that signs tenant TLS certificates"),
  storageClass: DnsSubdomain.optional().describe("StorageClass for tenant volumes; defaults to the environment's default class"),
  starterImage: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$/, "must be an image pinned by digest")
    .optional()
    .describe("In-country image that `govcloud onboard` puts in new workloads until the agency sets its own"),
});

// ---------------------------------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------------------------------

export const EnvironmentSchema = z
  .strictObject({
    name: DnsLabel.describe("Environment name; must match the file name"),
    displayName: z.string().min(1).max(200),
    sovereignty: z
      .strictObject({
        allowedDomains: z
          .array(HostName)
          .min(1)
          .describe("In-country domains: every endpoint, registry and bucket host must be one of them or below one"),
      })
      .describe("Data residency (Law on Cybersecurity 2018, Decree 53/2022/NĐ-CP)"),
    stateBackend: StateBackendSchema.prefault({ type: "local" }),
    managementCluster: ManagementClusterSchema,
    infrastructure: InfrastructureSchema,
    platform: PlatformSchema,
    tenancy: TenancySchema.prefault({}),
    regions: z
      .record(DnsLabel, RegionSchema)
      .refine((regions) => Object.keys(regions).length > 0, "an environment needs at least one region"),
  })
  .superRefine((env, ctx) => {
    const allowed = env.sovereignty.allowedDomains;
    const check = (host: string, path: PropertyKey[], what: string): void => {
      if (!isAllowedHost(host, allowed)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `${what} host '${host}' is not in Vietnam: it must be one of, or below one of, sovereignty.allowedDomains (${allowed.join(", ")})`,
        });
      }
    };
    for (const [id, region] of Object.entries(env.regions)) {
      check(hostOf(region.objectStorage.endpoint), ["regions", id, "objectStorage", "endpoint"], "object storage");
      check(region.registries.images, ["regions", id, "registries", "images"], "image registry");
      check(hostOf(region.registries.charts), ["regions", id, "registries", "charts"], "chart registry");
      const provisioned = env.infrastructure.provider !== "existing";
      if (provisioned && region.cluster.controlPlane === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["regions", id, "cluster"],
          message: `missing required field 'controlPlane' (infrastructure.provider is '${env.infrastructure.provider}')`,
        });
      }
      for (const [pool, spec] of Object.entries(region.cluster.nodePools)) {
        if (provisioned && spec.flavor === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["regions", id, "cluster", "nodePools", pool],
            message: `missing required field 'flavor' (infrastructure.provider is '${env.infrastructure.provider}')`,
          });
        }
        if (spec.gpus > 0 && spec.gpuModel === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["regions", id, "cluster", "nodePools", pool, "gpuModel"],
            message: "is required when gpus > 0",
          });
        }
      }
    }
    if (env.stateBackend.type === "s3") {
      check(hostOf(env.stateBackend.endpoint), ["stateBackend", "endpoint"], "state backend");
    }
  });

export type Environment = z.infer<typeof EnvironmentSchema>;
export type Region = z.infer<typeof RegionSchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type NodePool = z.infer<typeof NodePoolSchema>;
export type EnergyProfile = z.infer<typeof EnergyProfileSchema>;
export type StateBackend = z.infer<typeof StateBackendSchema>;
export type OpenStackInfrastructure = z.infer<typeof OpenStackInfrastructureSchema>;
export type Infrastructure = z.infer<typeof InfrastructureSchema>;
export type Platform = z.infer<typeof PlatformSchema>;
export type PlatformNamespace = z.infer<typeof PlatformNamespaceSchema>;
export type PriorityClass = z.infer<typeof PriorityClassSchema>;
export type StorageClass = z.infer<typeof StorageClassSchema>;
export type Tenancy = z.infer<typeof TenancySchema>;
export type AddOnOverride = z.infer<typeof AddOnOverrideSchema>;

/** The host part of an https:// or oci:// URL. */
export function hostOf(url: string): string {
  return url.replace(/^[a-z]+:\/\//, "").replace(/[:/].*$/, "");
}

/** True when `host` equals one of the allowed domains or is a subdomain of one. */
export function isAllowedHost(host: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}
