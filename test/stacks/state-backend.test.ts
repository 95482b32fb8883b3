import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { StateBackend } from "../../environments/schema";
import { addStateBackend } from "../../stacks/state-backend";
import { synthConstructs } from "../support/synth";

const ctx: { environment: string; stackName: string; stateRoot?: string } = { environment: "national", stackName: "platform-north" };

function backendOf(backend: StateBackend, over: Partial<typeof ctx> = {}) {
  const doc = synthConstructs((stack) => {
    addStateBackend(stack, backend, { ...ctx, ...over });
  });
  return (doc.terraform as { backend: Record<string, Record<string, unknown>> }).backend;
}

describe("addStateBackend", () => {
  it("local: a path relative to the stack folder that lands beside the output folder", () => {
    const backend = backendOf({ type: "local", directory: "state" });
    expect(backend).toEqual({ local: { path: "../../../state/national/platform-north.tfstate" } });
    const resolved = path.posix.resolve("/repo/cdktf.out/stacks/platform-north", backend.local!.path as string);
    expect(resolved).toBe("/repo/state/national/platform-north.tfstate");
  });

  it("local: from an output folder deeper in the project, the path climbs to the same state file", () => {
    const backend = backendOf({ type: "local", directory: "state" }, { stateRoot: "../../../.." });
    expect(backend).toEqual({ local: { path: "../../../../state/national/platform-north.tfstate" } });
    const resolved = path.posix.resolve("/repo/build/out/stacks/platform-north", backend.local!.path as string);
    expect(resolved).toBe("/repo/state/national/platform-north.tfstate");
  });

  it("pg: one schema per stack; the connection string is left to PG_CONN_STR", () => {
    expect(backendOf({ type: "pg", schemaPrefix: "govcloud" })).toEqual({
      pg: { schema_name: "govcloud_national_platform_north" },
    });
  });

  it("kubernetes: one secret per stack in the management cluster", () => {
    expect(backendOf({ type: "kubernetes", kubeContext: "govcloud-management", namespace: "govcloud-state" })).toEqual({
      kubernetes: { secret_suffix: "national-platform-north", namespace: "govcloud-state", config_context: "govcloud-management" },
    });
  });

  it("s3: an in-country endpoint, path-style, with no AWS-specific checks and no credentials", () => {
    const backend = backendOf({
      type: "s3",
      endpoint: "https://s3.north.govcloud.gov.vn",
      bucket: "govcloud-state",
      region: "vn-north",
      keyPrefix: "govcloud",
    });
    expect(backend.s3).toMatchObject({
      bucket: "govcloud-state",
      key: "govcloud/national/platform-north.tfstate",
      region: "vn-north",
      endpoints: { s3: "https://s3.north.govcloud.gov.vn" },
      use_path_style: true,
      skip_credentials_validation: true,
    });
    expect(JSON.stringify(backend)).not.toMatch(/access_key|secret_key|token/);
  });
});
