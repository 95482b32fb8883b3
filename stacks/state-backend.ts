/**
 * Terraform state backends. The backend is explicit per environment; none of them puts a secret
 * or an absolute machine path in the output:
 * - local: `<project root>/<directory>/<env>/<stack>.tfstate`, outside the output folder (synth
 *   replaces it), written relative to the stack folder so the bytes do not depend on where the
 *   repository is checked out (engine/state-location.ts decides the relative part);
 * - pg: the connection string comes from the PG_CONN_STR environment variable at plan time;
 * - kubernetes: a Secret per stack in the management cluster, reached through a kube context;
 * - s3: an in-country S3-compatible bucket, credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
import { LocalBackend, S3Backend, TerraformBackend, type TerraformRemoteState } from "cdktf";
import type { Construct } from "constructs";
import type { StateBackend } from "../environments/schema";
import { DEFAULT_STATE_ROOT } from "./state-root";

export interface StateBackendContext {
  readonly environment: string;
  readonly stackName: string;
  /**
   * From the stack folder (`<out>/stacks/<stack>/`, where Terraform runs) to the project root,
   * `/`-separated: the local backend's state path starts there.
   * @default "../../.." - the output folder is a folder of the project root, as `cdktf.out` is
   */
  readonly stateRoot?: string;
}

/** Attaches the environment's backend to a stack. */
export function addStateBackend(stack: Construct, backend: StateBackend, ctx: StateBackendContext): TerraformBackend {
  const { environment, stackName, stateRoot = DEFAULT_STATE_ROOT } = ctx;
  switch (backend.type) {
    case "local":
      return new LocalBackend(stack, { path: `${stateRoot}/${backend.directory}/${environment}/${stackName}.tfstate` });
    case "pg":
      return new AttributeBackend(stack, "pg", { schema_name: `${backend.schemaPrefix}_${environment}_${stackName}`.replace(/-/g, "_") });
    case "kubernetes":
      return new AttributeBackend(stack, "kubernetes", {
        secret_suffix: `${environment}-${stackName}`,
        namespace: backend.namespace,
        config_context: backend.kubeContext,
      });
    case "s3":
      return new S3Backend(stack, {
        bucket: backend.bucket,
        key: [backend.keyPrefix, environment, `${stackName}.tfstate`].filter(Boolean).join("/"),
        region: backend.region,
        endpoints: { s3: backend.endpoint },
        usePathStyle: true,
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
      });
  }
}

/**
 * A backend written as plain attributes. cdktf's PgBackend requires the connection string in the
 * output and it has no kubernetes backend class; both read their secrets from the environment.
 */
class AttributeBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    name: string,
    private readonly attributes: Record<string, string>,
  ) {
    super(scope, "backend", name);
  }

  protected override synthesizeAttributes(): Record<string, string> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, string> {
    return { ...this.attributes };
  }

  public getRemoteStateDataSource(_scope: Construct, _name: string, _fromStack: string): TerraformRemoteState {
    // Stacks never reference each other's outputs; deploy order is explicit instead.
    throw new Error(`internal: cross-stack references are not used with the ${this.name} backend`);
  }
}
