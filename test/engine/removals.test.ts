/**
 * Where the removal check's "before" comes from when an environment has no committed addresses:
 * the tenant-stack lock, and the previous output only if that output was synthesized from the
 * same environment file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { previousState } from "../../engine/removals";
import { tempDir } from "../support/synth";

/** An output folder with region `central`'s platform stack and one node pool, from `envFile`. */
function outputFrom(envFile: string): string {
  const out = tempDir("removals-out");
  fs.mkdirSync(path.join(out, "stacks", "management"), { recursive: true });
  fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ stacks: { management: { synthesizedStackPath: "stacks/management/cdk.tf.json" }, "platform-central": { synthesizedStackPath: "stacks/platform-central/cdk.tf.json" } } }));
  fs.writeFileSync(path.join(out, "stacks", "management", "cdk.tf.json"), JSON.stringify({ resource: { kubernetes_manifest: { "cluster-central_machine-deployment-dev-central-general_0123ABCD": {} } } }));
  fs.writeFileSync(path.join(out, "sources.json"), JSON.stringify({ environment: { file: envFile, line: 1, col: 1 } }));
  return out;
}

describe("previousState without committed addresses", () => {
  const project = tempDir("removals-project");
  const envPath = path.join(project, "environments", "dev.yaml");

  it("reads the regions and pools of an output synthesized from the same environment file", () => {
    const previous = previousState(envPath, "dev", outputFrom("environments/dev.yaml"), { agencies: {} });
    expect([...(previous?.regions ?? [])]).toEqual(["central"]);
    expect([...(previous?.pools ?? [])]).toEqual(["central/general"]);
  });

  it("ignores an output synthesized from another environment", () => {
    expect(previousState(envPath, "dev", outputFrom("environments/national.yaml"), { agencies: {} })).toBeUndefined();
  });
});
