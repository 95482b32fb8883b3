/**
 * Label keys that govcloud puts on what it creates. Keys under one prefix so that selectors and
 * policies can rely on them; tenants may not set keys under this prefix themselves.
 */

/** The label prefix owned by the platform. */
export const LABEL_PREFIX = "govcloud.gov.vn";

export const LABELS = {
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  environment: `${LABEL_PREFIX}/environment`,
  region: `${LABEL_PREFIX}/region`,
  component: `${LABEL_PREFIX}/component`,
  nodePool: `${LABEL_PREFIX}/node-pool`,
} as const;

/** The value of `app.kubernetes.io/managed-by` on every object. */
export const MANAGED_BY = "govcloud";

/** Labels that say who manages an object and where it lives. */
export function ownershipLabels(environment: string, region?: string): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.partOf]: "govcloud",
    [LABELS.environment]: environment,
    ...(region === undefined ? {} : { [LABELS.region]: region }),
  };
}

/** Pod Security Admission labels for a namespace, pinned to the cluster's minor version. */
export function podSecurityLabels(level: string, kubernetesVersion: string): Record<string, string> {
  const minor = kubernetesVersion.replace(/^(v\d+\.\d+).*$/, "$1");
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"] as const) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = minor;
  }
  // Audit and warn at 'restricted' even where enforcement is relaxed, so exemptions stay visible.
  labels["pod-security.kubernetes.io/audit"] = "restricted";
  labels["pod-security.kubernetes.io/warn"] = "restricted";
  return labels;
}
