/**
 * The first apply works stack after stack, with no `-target`: no stack of any environment has a
 * `kubernetes_manifest` of a CRD that a `helm_release` of the same stack installs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizedOutput } from "../support/synthesized";
import { listEnvironments } from "../../environments";
import { crdsDir } from "../support/crd-validation";
import { CHART_CRDS, checkDeclaration, PREREQUISITE_GROUPS, releaseCrdGroups, selfInstalledCrdUses } from "../support/chart-crds";
import { manifestInstances } from "../support/manifests";
import { readStacks, REPO_ROOT, type TerraformJson } from "../support/synth";

const environments = listEnvironments(REPO_ROOT);
const stacksByEnv = new Map<string, Map<string, TerraformJson>>();

beforeAll(() => {
  for (const env of environments) {
    const outdir = synthesizedOutput(env);
    stacksByEnv.set(env, readStacks(outdir));
  }
});

const releases = () =>
  [...stacksByEnv.values()].flatMap((stacks) =>
    [...stacks.values()].flatMap((doc) => Object.values((doc.resource?.helm_release ?? {}) as Record<string, { chart: string; version: string; values?: string[] }>)),
  );

describe("CRDs and the stacks that use them", () => {
  it("covers both environments", () => {
    expect(environments).toEqual(expect.arrayContaining(["dev", "national"]));
  });

  it("declares, for every chart a release pins, CRDs that agree with the chart's own data", () => {
    const pinned = new Set(releases().map((r) => `${r.chart}@${r.version}`));
    expect(pinned.size).toBeGreaterThan(0);
    for (const entry of pinned) {
      const [chart, version] = entry.split("@") as [string, string];
      expect(checkDeclaration(chart, version), entry).toEqual([]);
    }
  });

  it("knows who installs every CRD in ../shared/crds: a chart, or the management cluster's prerequisites", () => {
    const declared = new Set([...Object.values(CHART_CRDS).flatMap((c) => c.groups), ...PREREQUISITE_GROUPS]);
    const files = fs.readdirSync(crdsDir()).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const crd = YAML.parse(fs.readFileSync(path.join(crdsDir(), file), "utf8")) as { spec: { group: string } };
      expect(declared.has(crd.spec.group), file).toBe(true);
    }
  });

  it("reads the switches: Velero always brings velero.io; the monitoring release brings monitoring.coreos.com", () => {
    const velero = releases().filter((r) => r.chart === "velero");
    const monitoring = releases().filter((r) => r.chart === "kube-prometheus-stack");
    expect(velero.length).toBeGreaterThan(0);
    expect(monitoring.length).toBeGreaterThan(0);
    for (const r of velero) expect(releaseCrdGroups(r)).toEqual(["velero.io"]);
    for (const r of monitoring) expect(releaseCrdGroups(r)).toEqual(["monitoring.coreos.com"]);
    // A values document that turns the switch off wins over the chart's default.
    expect(releaseCrdGroups({ ...monitoring[0]!, values: [...(monitoring[0]!.values ?? []), "crds:\n  enabled: false\n"] })).toEqual([]);
  });

  it("finds a stack that uses its own release's CRD (the layout this replaced)", () => {
    const platform = stacksByEnv.get("national")!.get("platform-north")!;
    const backup = stacksByEnv.get("national")!.get("backup-north")!;
    const merged: TerraformJson = { resource: { ...platform.resource, kubernetes_manifest: backup.resource?.kubernetes_manifest ?? {} } };
    const problems = selfInstalledCrdUses(merged);
    expect(problems.length).toBe(manifestInstances(backup).length);
    expect(problems[0]).toMatch(/^kubernetes_manifest\.velero_\S+ \(velero\.io\/v1 (BackupStorageLocation|VolumeSnapshotLocation)\): CRD installed by helm_release\.\S+ \(velero\) of the same stack$/);
  });

  it("has no stack, in any environment, that uses a CRD its own helm_release installs", () => {
    let manifests = 0;
    for (const [env, stacks] of stacksByEnv) {
      for (const [name, doc] of stacks) {
        manifests += manifestInstances(doc).length;
        expect(selfInstalledCrdUses(doc), `${env}/${name}`).toEqual([]);
      }
    }
    expect(manifests).toBeGreaterThan(0);
  });

  it("applies each region's backup locations after its platform stack, and its tenants after both", () => {
    for (const [env, stacks] of stacksByEnv) {
      const manifest = JSON.parse(fs.readFileSync(path.join(synthesizedOutput(env), "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies: string[] }> };
      for (const name of stacks.keys()) {
        const region = /^backup-(.+)$/.exec(name)?.[1];
        if (region !== undefined) expect(manifest.stacks[name]?.dependencies, `${env}/${name}`).toEqual([`platform-${region}`]);
        const tenantRegion = /^tenants-(.+)-\d{3}$/.exec(name)?.[1];
        if (tenantRegion !== undefined) expect(manifest.stacks[name]?.dependencies, `${env}/${name}`).toEqual([`backup-${tenantRegion}`, `platform-${tenantRegion}`]);
      }
    }
  });
});
