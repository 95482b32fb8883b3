/**
 * The environment file schema: one YAML file per environment under `environments/<name>.yaml`.
 *
 * This module is the single source of truth for the shape of an environment, its defaults and
 * the cross-field rules. Types are derived with `z.infer`; the JSON Schema under `schemas/` is
 * generated from it (`npm run schemas`) and kept in sync by a test.
 */
import { z } from "zod";
import { cronProblem } from "../core/cron";
import { CCF, DEFAULT_POWER } from "./energy-coefficients";

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

/**
 * A five-field cron schedule as Kubernetes CronJobs take it (core/cron.ts has the grammar):
 * the field count is a pattern (it is in the JSON Schema too), the fields' values are checked
 * by the cron module.
 */
export function CronSchedule(example: string) {
  return z
    .string()
    .regex(/^(\S+\s+){4}\S+$/, `must be a five-field cron expression such as '${example}'`)
    .superRefine((schedule, ctx) => {
      if (!/^(\S+\s+){4}\S+$/.test(schedule)) return;
      const problem = cronProblem(schedule, example);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    });
}

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

/**
 * How much power a node pool's machines draw for what a workload reserves, for the energy
 * estimate (estate/energy.ts). Defaults are Cloud Carbon Footprint's coefficients
 * (cloudcarbonfootprint.org/docs/methodology, Appendix I and III); see docs/energy-and-placement.md.
 */
export const PowerModelSchema = z.strictObject({
  wattsPerCore: z
    .number()
    .min(0)
    .max(100)
    .default(DEFAULT_POWER.wattsPerCore)
    .describe("Power of one vCPU at full load, W (default 3.5: Cloud Carbon Footprint's average maximum for AWS processors)"),
  idleShare: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_POWER.idleShare)
    .describe("Share of a vCPU's full-load power it draws idle (default 0.74 / 3.5 = 0.211: Cloud Carbon Footprint's 0.74 W minimum / 3.5 W maximum)"),
  wattsPerGiB: z
    .number()
    .min(0)
    .max(10)
    .default(DEFAULT_POWER.wattsPerGiB)
    .describe("Memory power, W per GiB (default 0.421: Cloud Carbon Footprint's 0.392 W per GB × 1.074 GB per GiB)"),
  wattsPerGpu: z
    .number()
    .min(0)
    .max(2000)
    .default(DEFAULT_POWER.wattsPerGpu)
    .describe("Power of one GPU at full load, W (default 306: Cloud Carbon Footprint's figure for NVIDIA V100 and P100); set the board power of the pool's GPU model"),
  gpuIdleShare: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_POWER.gpuIdleShare)
    .describe("Share of a GPU's full-load power it draws idle (default 35 / 306 = 0.114: Cloud Carbon Footprint's 35 W idle / 306 W)"),
  wattsPerTiB: z
    .number()
    .min(0)
    .max(100)
    .default(DEFAULT_POWER.wattsPerTiB)
    .describe("Power of provisioned storage (volumes and the machines' disks), W per TiB (default 1.319: Cloud Carbon Footprint's SSD 1.2 Wh per TB-hour × 1.1 TB per TiB; HDD: 0.65 × 1.1 = 0.715)"),
});

/** Emissions of making and disposing of one machine, spread over its service life (SCI's M). */
export const EmbodiedEmissionsSchema = z.strictObject({
  kgCO2ePerNode: z
    .number()
    .min(0)
    .max(100_000)
    .default(CCF.embodiedKgCO2ePerServer.value)
    .describe("Manufacturing, transport and end-of-life emissions of one machine, kgCO2e (default 1000 is an assumption, not a measurement: use the vendor's product carbon footprint)"),
  lifetimeYears: z
    .number()
    .gt(0)
    .max(20)
    .default(CCF.serverLifetimeYears.value)
    .describe("Years a machine serves before it is replaced (default 4, as Cloud Carbon Footprint and Teads assume after Dell's R740 life-cycle assessment)"),
});

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
  power: PowerModelSchema.prefault({}).describe("Power drawn for what workloads reserve on this pool (energy estimate)"),
  embodied: EmbodiedEmissionsSchema.prefault({}).describe("Embodied emissions of one machine of the pool (energy estimate, SCI's M)"),
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
      cpu: z.int().min(1).max(1024).optional().describe("vCPUs per control plane machine (its flavor's); the site energy counts control planes only when cpu and memoryGiB are declared"),
      memoryGiB: z.int().min(1).max(16384).optional().describe("Memory per control plane machine, GiB (its flavor's)"),
      diskGiB: z.int().min(20).max(65536).default(100).describe("Root disk per control plane machine, GiB"),
      power: PowerModelSchema.prefault({}).describe("Power model of the control plane machines (site energy)"),
      embodied: EmbodiedEmissionsSchema.prefault({}).describe("Embodied emissions of one control plane machine (site energy)"),
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
  wue: z
    .number()
    .min(0)
    .max(20)
    .optional()
    .describe("Water usage effectiveness (ISO/IEC 30134-9): the site's yearly water use, litres, per kWh of IT energy, as the site measures or designs it; default none (not reported)"),
  erf: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Energy reuse factor (ISO/IEC 30134-6): the share of the site's energy reused outside it (district heating, ...), 0..1; default none (not reported)"),
  networkGBPerYear: z
    .number()
    .min(0)
    .max(1e12)
    .optional()
    .describe("Data the site's network carries in a year, GB, for the networking energy (Cloud Carbon Footprint: 0.001 kWh per GB); default none (not counted)"),
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
  greenCertification: z
    .string()
    .max(63)
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "must be a label-safe name such as tcvn-green-dc (letters, digits, '-', '_', '.')")
    .optional()
    .describe("Green certification of the datacenter site, as it appears in the green.govcloud.gov.vn/certification label; default none"),
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
        "Folder for state files, relative to the project root (the folder holding environments/), wherever the output goes; never inside the output, which synth replaces",
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
  region: DnsLabel.optional().describe("Region whose datacenter hosts the management cluster (its green labels); default: the first region by id"),
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
    // Unknown add-on names, add-ons without their namespace, credentials in values: the estate
    // checks them on the validated environment (estate/environment-checks.ts).
  });

// ---------------------------------------------------------------------------------------------
// Tenancy
// ---------------------------------------------------------------------------------------------

/** One RBAC rule of a tenant role, spelled out as Kubernetes spells it. */
export const TenantRoleRuleSchema = z.strictObject({
  apiGroups: z.array(z.string().max(253)).min(1).describe('API groups ("" is the core group)'),
  resources: z.array(z.string().min(1).max(253)).min(1),
  verbs: z.array(z.string().min(1).max(63)).min(1),
});

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
  extraRoleRules: z
    .strictObject({
      admin: z.array(TenantRoleRuleSchema).default([]),
      developer: z.array(TenantRoleRuleSchema).default([]),
      viewer: z.array(TenantRoleRuleSchema).default([]),
    })
    .prefault({})
    .describe(
      "RBAC rules appended to the tenant ClusterRoles (govcloud-tenant-admin, -developer, -viewer); wildcards and escalating verbs are the policy check's to reject (rbac-has-no-wildcards-or-escalation)",
    ),
});

// ---------------------------------------------------------------------------------------------
// Policy checks (govcloud check): enforcement per environment, suppressions with an owner
// ---------------------------------------------------------------------------------------------

/** A rule id of a policy pack (policies/<pack>/<rule-id>.ts); `govcloud check` rejects unknown ids. */
export const PolicyRuleId = z.string().max(100).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a policy rule id such as containers-run-as-non-root");

export const EnforcementLevelSchema = z.enum(["advisory", "mandatory", "disabled"]);

/** An accepted exception to a rule: who accepted it, why, and until when. */
export const PolicySuppressionSchema = z.strictObject({
  rule: PolicyRuleId.describe("The rule the exception is for"),
  resource: z
    .string()
    .min(1)
    .max(500)
    .describe('Terraform address of the resource instance, or a glob on it (* and ?), e.g. kubernetes_service_v1.web_service["bo-tai-chinh/*"]'),
  stack: z.string().min(1).max(200).optional().describe("Only in stacks matching this glob (default: every stack)"),
  reason: z.string().min(10, "must explain in at least 10 characters why the exception is acceptable").max(1000),
  acceptedBy: z.string().min(1).max(200).describe("Who accepted the risk (name or role, and the decision if there is one)"),
  expires: IsoDate.describe("Last day the exception holds; after it the suppression is itself a violation"),
});

export const PolicySettingsSchema = z.strictObject({
  enforcement: z
    .record(PolicyRuleId, EnforcementLevelSchema)
    .default({})
    .describe("Enforcement level per rule id, overriding the level its pack gives"),
  suppressions: z.array(PolicySuppressionSchema).default([]).describe("Accepted exceptions, each with a reason, an owner and an expiry date"),
});

// ---------------------------------------------------------------------------------------------
// Backup: cross-region copies, retention, immutability and restore drills (docs/backup.md)
// ---------------------------------------------------------------------------------------------

/** Data classifications, lowest first; the agency schema's `dataClassification` uses the same names. */
export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "secret"] as const;
export type DataClassificationName = (typeof DATA_CLASSIFICATIONS)[number];

/** One setting per data classification, each with its default. */
function perClassification(
  make: (classification: DataClassificationName, fallback: number) => z.ZodDefault<z.ZodInt>,
  defaults: Readonly<Record<DataClassificationName, number>>,
) {
  return z
    .strictObject({
      public: make("public", defaults.public),
      internal: make("internal", defaults.internal),
      confidential: make("confidential", defaults.confidential),
      secret: make("secret", defaults.secret),
    })
    .prefault({});
}

const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-')");

/** A reference to a key of an existing Secret: the only way a credential appears in configuration. */
export const SecretKeyRefSchema = z.strictObject({
  name: DnsSubdomain.describe("Name of an existing Secret in the velero namespace, created outside IaC; never the credential itself"),
  key: z
    .string()
    .max(253)
    .regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret key: letters, digits, '-', '_' and '.'")
    .describe("Key of the Secret that holds the credentials file"),
});

export const BackupRegionSchema = z.strictObject({
  bucket: BucketName.describe("Bucket on the region's objectStorage endpoint that holds Velero backups"),
  prefix: z
    .string()
    .max(200)
    .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, "must be a folder path such as velero or govcloud/velero, without leading or trailing '/'")
    .default("velero")
    .describe("Folder in the bucket; the backups of region <r> are kept under <prefix>/<r>"),
  credentials: SecretKeyRefSchema.describe(
    "Secret (in the velero namespace of every cluster that writes or reads this store) holding an AWS-style credentials file for the region's object storage",
  ),
  objectLock: z
    .strictObject({
      endpoint: HttpsUrl.describe("S3-compatible endpoint of the replication target, inside Vietnam"),
      bucket: BucketName.describe("Bucket with Object Lock enabled that the backup bucket replicates to"),
      mode: z
        .enum(["COMPLIANCE", "GOVERNANCE"])
        .default("COMPLIANCE")
        .describe("COMPLIANCE: nobody, not even the storage administrators, can shorten the retention"),
      retentionDays: z
        .int()
        .min(1)
        .max(36_500)
        .describe("Default retention of every replicated object, days; at least the longest backup retention"),
    })
    .describe("Immutable copy: storage-side replication of the backup bucket to a bucket with Object Lock (Velero cannot lock objects)"),
  volumeSnapshots: z
    .strictObject({
      provider: z
        .enum(["community.openstack.org/openstack"])
        .describe("Velero volume snapshotter plugin (the OpenStack Cinder snapshotter)"),
      config: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, "must be a plugin setting name"), z.string().max(1000)).default({}),
      credentials: SecretKeyRefSchema.optional().describe("Secret with the plugin's credentials; default: the server's environment"),
      storageClasses: z
        .array(DnsSubdomain)
        .min(1)
        .describe("StorageClasses whose volumes this snapshotter can snapshot; other volumes go by file-system backup"),
    })
    .optional()
    .describe("Volume snapshots in the region's block storage; without it every volume goes by file-system backup"),
});

const Cron = CronSchedule("0 2 * * 6");

export const RestoreDrillSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: Cron.default("0 2 * * 6").describe("When drills run, in Asia/Ho_Chi_Minh time; default weekly, Saturday 02:00"),
  namespacePrefix: DnsLabel.max(12, "must be at most 12 characters, so that <prefix>-<agency id> fits in 63")
    .refine((p) => p !== "tenant", "must not be 'tenant': scratch namespaces must never be mistaken for (or deleted as) tenant namespaces")
    .default("drill")
    .describe("Scratch namespaces are <prefix>-<agency id>; created by the restore, deleted after the check"),
  image: z
    .strictObject({
      repository: z
        .string()
        .max(255)
        .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, "must be a repository path such as bitnami/kubectl (no registry host)"),
      digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, "must be sha256:<64 hex digits>"),
    })
    .describe("Drill image (sh, awk, sed and kubectl), pulled from each region's registry mirror and pinned by digest"),
  rtoMinutes: perClassification(
    (c, d) => z.int().min(5).max(10_080).default(d).describe(`Recovery time objective of ${c} data, minutes: the restore must complete within it`),
    { public: 1440, internal: 480, confidential: 240, secret: 120 },
  ),
});

export const BackupSchema = z.strictObject({
  topology: z
    .enum(["ring", "full-mesh"])
    .default("ring")
    .describe("ring: each region also copies to the next region (region ids in sorted order); full-mesh: to every other region"),
  regions: z.record(DnsLabel, BackupRegionSchema).describe("Per region: backup bucket, credentials reference, object-lock target, snapshots"),
  rpoHours: perClassification(
    (c, d) => z.int().min(1).max(168).default(d).describe(`Recovery point objective of ${c} data, hours: the longest time between two backups`),
    { public: 24, internal: 12, confidential: 4, secret: 1 },
  ),
  retentionDays: perClassification(
    (c, d) => z.int().min(1).max(3650).default(d).describe(`How long backups of ${c} data are kept, days (Velero TTL)`),
    { public: 30, internal: 90, confidential: 180, secret: 365 },
  ),
  minCopyRegions: perClassification(
    (c, d) => {
      const base = z.int().max(16);
      const min = c === "confidential" || c === "secret" ? base.min(2, `must be at least 2: ${c} data must survive the loss of a region`) : base.min(1);
      return min.default(d).describe(`Regions holding copies of ${c} backups, the home region included`);
    },
    { public: 1, internal: 2, confidential: 2, secret: 2 },
  ),
  restoreDrills: RestoreDrillSchema,
});

// ---------------------------------------------------------------------------------------------
// Green targets: PUE and renewable share per region, with dated exemptions (docs/energy-and-placement.md)
// ---------------------------------------------------------------------------------------------

/** A region allowed to miss the green targets for a while: why, who decided, until when. */
export const GreenExemptionSchema = z.strictObject({
  region: DnsLabel.describe("The region that may miss green.targets"),
  reason: z.string().min(10, "must explain in at least 10 characters why the region cannot meet the targets yet").max(1000),
  approvedBy: z.string().min(1).max(200).describe("Who approved the exemption (name or role, and the decision if there is one)"),
  expires: IsoDate.describe("Last day the exemption holds; after it the region fails validation again"),
});

export const GreenSettingsSchema = z.strictObject({
  targets: z
    .strictObject({
      maxPue: z.number().min(1).max(3).default(1.4).describe("Highest PUE a region may have"),
      minRenewableShare: z.number().min(0).max(1).default(0.2).describe("Lowest renewable share of electricity a region may have, 0..1"),
      maxWue: z.number().min(0).max(20).optional().describe("Highest water usage effectiveness (L/kWh) a region may have; default none. Every region must then declare energy.wue"),
      minErf: z.number().min(0).max(1).optional().describe("Lowest energy reuse factor a region may have; default none. Every region must then declare energy.erf"),
      maxCue: z
        .number()
        .min(0)
        .max(5)
        .optional()
        .describe("Highest carbon usage effectiveness (kgCO2e per IT kWh, location-based: PUE × grid intensity) a region may have; default none"),
    })
    .prefault({})
    .describe("Every region must meet these unless it has an unexpired exemption"),
  exemptions: z.array(GreenExemptionSchema).default([]).describe("Dated exceptions to the targets, each with a reason and an approver"),
  averageUtilisation: z
    .number()
    .gt(0)
    .max(1)
    .default(CCF.averageUtilisation.value)
    .describe("Average CPU and GPU utilisation assumed by the energy estimate (default 0.5, as Cloud Carbon Footprint assumes when it is not measured)"),
});

// ---------------------------------------------------------------------------------------------
// Audit logging of the Kubernetes API servers
// ---------------------------------------------------------------------------------------------

export const AuditLogSchema = z.strictObject({
  endpoint: HttpsUrl.describe("In-country audit log store the API servers send audit events to (audit webhook); its host must be on sovereignty.allowedDomains"),
  retentionDays: z.int().min(1).max(3650).default(365).describe("How long the store keeps audit events, days (default 365)"),
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
    policy: PolicySettingsSchema.prefault({}).describe("Policy checks: enforcement overrides and suppressions (govcloud check)"),
    green: GreenSettingsSchema.prefault({}).describe("Green targets per region and the energy estimate's assumptions"),
    backup: BackupSchema.optional().describe("Cross-region backup: topology, RPO, retention, copies, object lock and restore drills (docs/backup.md)"),
    auditLog: AuditLogSchema.optional().describe("API-server audit logging to an in-country store: required where level-3 or higher information systems run (Decree 85/2016/NĐ-CP)"),
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
          message: `[endpoints-in-country] ${what} host '${host}' is not in Vietnam: it must be one of, or below one of, sovereignty.allowedDomains (${allowed.join(", ")})`,
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
    if (env.auditLog !== undefined) check(hostOf(env.auditLog.endpoint), ["auditLog", "endpoint"], "audit log store");
    // Add-ons, backup and green targets need the estate's knowledge: estate/environment-checks.ts.
    const management = env.managementCluster.region;
    if (management !== undefined && !(management in env.regions)) {
      ctx.addIssue({
        code: "custom",
        path: ["managementCluster", "region"],
        message: `names no region of this environment; regions: ${Object.keys(env.regions).sort().join(", ")}`,
      });
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
export type PolicySettings = z.infer<typeof PolicySettingsSchema>;
export type PolicySuppression = z.infer<typeof PolicySuppressionSchema>;
export type Backup = z.infer<typeof BackupSchema>;
export type BackupRegion = z.infer<typeof BackupRegionSchema>;
export type RestoreDrill = z.infer<typeof RestoreDrillSchema>;
export type SecretKeyRef = z.infer<typeof SecretKeyRefSchema>;
export type PowerModel = z.infer<typeof PowerModelSchema>;
export type EmbodiedEmissions = z.infer<typeof EmbodiedEmissionsSchema>;
export type GreenSettings = z.infer<typeof GreenSettingsSchema>;
export type GreenExemption = z.infer<typeof GreenExemptionSchema>;
export type AuditLog = z.infer<typeof AuditLogSchema>;
export type TenantRoleRule = z.infer<typeof TenantRoleRuleSchema>;

/** The host part of an https:// or oci:// URL. */
export function hostOf(url: string): string {
  return url.replace(/^[a-z]+:\/\//, "").replace(/[:/].*$/, "");
}

/** True when `host` equals one of the allowed domains or is a subdomain of one. */
export function isAllowedHost(host: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}
