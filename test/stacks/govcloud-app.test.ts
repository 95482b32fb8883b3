import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEstate } from "../../engine/load-estate";
import { synthesize } from "../../engine/synth";
import { synthesizeInBatches } from "../../stacks/govcloud-app";
import { tenantStackBodies } from "../../stacks/tenant-stack";
import { synthesizedOutput } from "../support/synthesized";
import { readStacks, readTree, REPO_ROOT, tempDir, type TerraformJson } from "../support/synth";

const out = tempDir();

describe("national", () => {
  let stacks: Map<string, TerraformJson>;
  let manifest: { stacks: Record<string, { dependencies: string[] }> };
  beforeAll(() => {
    const outdir = synthesizedOutput("national");
    stacks = readStacks(outdir);
    manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  });

  it("has one management stack, one platform and one backup stack per region and tenant stacks per region", () => {
    const names = [...stacks.keys()].sort();
    expect(names.filter((n) => !n.startsWith("tenants-"))).toEqual([
      "backup-central",
      "backup-north",
      "backup-south",
      "management",
      "platform-central",
      "platform-north",
      "platform-south",
    ]);
    for (const region of ["north", "central", "south"]) {
      expect(names.filter((n) => n.startsWith(`tenants-${region}-`)).length, region).toBeGreaterThan(0);
    }
  });

  it("deploys management, then each region's platform, then its backup locations, then that region's tenants", () => {
    expect(manifest.stacks.management?.dependencies).toEqual([]);
    for (const region of ["north", "central", "south"]) {
      expect(manifest.stacks[`platform-${region}`]?.dependencies).toEqual(["management"]);
      expect(manifest.stacks[`backup-${region}`]?.dependencies).toEqual([`platform-${region}`]);
    }
    for (const [name, stack] of Object.entries(manifest.stacks)) {
      const region = /^tenants-([a-z0-9-]+)-\d{3}$/.exec(name)?.[1];
      if (region !== undefined) expect(stack.dependencies, name).toEqual([`backup-${region}`, `platform-${region}`]);
    }
  });

  it("targets each region's own cluster with the kubernetes and helm providers", () => {
    for (const region of ["north", "central", "south"]) {
      const provider = stacks.get(`platform-${region}`)?.provider as Record<string, Array<Record<string, unknown>>>;
      expect(provider.kubernetes?.[0]).toEqual({ config_context: `govcloud-${region}` });
      expect(provider.helm?.[0]).toEqual({ kubernetes: { config_context: `govcloud-${region}` } });
      const backup = stacks.get(`backup-${region}`)?.provider as Record<string, Array<Record<string, unknown>>>;
      expect(backup).toEqual({ kubernetes: [{ config_context: `govcloud-${region}` }] });
    }
    const management = stacks.get("management")?.provider as Record<string, Array<Record<string, unknown>>>;
    expect(management.kubernetes?.[0]).toEqual({ config_context: "govcloud-management" });
  });

  it("keeps local state beside the output folder, never inside it (synth replaces it)", () => {
    for (const [name, doc] of stacks) {
      const backend = (doc.terraform?.backend as { local: { path: string } }).local;
      expect(backend.path).toBe(`../../../state/national/${name}.tfstate`);
    }
  });

  it("never writes an absolute path of this machine", () => {
    for (const [name, doc] of stacks) {
      const text = JSON.stringify(doc);
      expect(text, name).not.toContain(REPO_ROOT);
      expect(text, name).not.toContain(path.dirname(synthesizedOutput("national")));
    }
  });

  it("pins the provider versions the bindings were generated for", () => {
    const required = stacks.get("platform-north")?.terraform?.required_providers as Record<string, { version: string }>;
    expect(required.kubernetes?.version).toBe("2.38.0");
    expect(required.helm?.version).toBe("3.1.1");
  });

  it("writes byte-identical output on every run, wherever the output folder is", () => {
    const second = synthesize({ repoRoot: REPO_ROOT, environment: "national", out: path.join(out, "b", "c", "d", "out") });
    const first = readTree(synthesizedOutput("national"));
    const again = readTree(second.outdir);
    expect([...again.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [file, bytes] of first) expect(again.get(file)?.equals(bytes), file).toBe(true);
  });
});

describe("synthesis on two threads", () => {
  it("writes the same bytes as one thread", () => {
    const one = synthesize({ repoRoot: REPO_ROOT, environment: "national", out: path.join(out, "one", "cdktf.out") });
    process.env.GOVCLOUD_THREADS = "2";
    try {
      const two = synthesize({ repoRoot: REPO_ROOT, environment: "national", out: path.join(out, "two", "cdktf.out") });
      const a = readTree(one.outdir);
      const b = readTree(two.outdir);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [file, bytes] of a) expect(b.get(file)?.equals(bytes), file).toBe(true);
      expect(two.stacks).toEqual(one.stacks);
    } finally {
      delete process.env.GOVCLOUD_THREADS;
    }
  });
});

describe("tenant stacks of one shape", () => {
  it("take their resources from the first, and write the bytes each writes alone", () => {
    const { estate } = loadEstate(REPO_ROOT, "national");
    const [first] = estate.tenantStacks;
    if (first === undefined) throw new Error("national has no tenant stack");
    // A second stack of the same region and blocks, with its own name, state and metadata.
    const twin = { ...first, name: `${first.name.slice(0, -3)}099`, shard: 99, blocks: first.blocks };
    const shared = path.join(out, "shape", "shared");
    const alone = path.join(out, "shape", "alone");
    for (const dir of [shared, alone]) fs.mkdirSync(dir, { recursive: true });
    synthesizeInBatches({ environment: estate.environment, tenantStacks: [first, twin] }, shared, [first.name, twin.name]);
    // The twin took the resources of the first, bodies and all.
    const bodies = tenantStackBodies(estate.environment).use;
    expect(bodies.resolved).toBeGreaterThan(0);
    expect(bodies).toEqual({ resolved: bodies.resolved, reused: 0, templated: 1 });
    // Alone: an environment of its own shares nothing with anything.
    const environment = structuredClone(estate.environment);
    synthesizeInBatches({ environment, tenantStacks: [twin] }, alone, [twin.name]);
    expect(tenantStackBodies(environment).use).toEqual({ resolved: bodies.resolved, reused: 0, templated: 0 });
    const file = path.join("stacks", twin.name, "cdk.tf.json");
    const written = fs.readFileSync(path.join(shared, file), "utf8");
    expect(written).toBe(fs.readFileSync(path.join(alone, file), "utf8"));
    expect(written).toContain(`"path": "${twin.name}/baseline/namespace"`);
  });
});

describe("dev", () => {
  it("has no management stack, because its clusters already exist", () => {
    expect([...readStacks(synthesizedOutput("dev")).keys()].sort()).toEqual(["backup-north", "backup-south", "platform-north", "platform-south"]);
  });
});
