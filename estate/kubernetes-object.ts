/** A Kubernetes object as plain data, ready for `kubernetes_manifest`. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: unknown;
}

/** The `apiGroup` of an apiVersion (`cluster.x-k8s.io/v1beta2` -> `cluster.x-k8s.io`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** A v1beta2 Cluster API reference to another object in the same namespace. */
export function refTo(object: KubernetesObject): { apiGroup: string; kind: string; name: string } {
  return { apiGroup: apiGroupOf(object.apiVersion), kind: object.kind, name: object.metadata.name };
}
