/**
 * Generates environments of a given size for the benchmark, from the national environment:
 * more regions and more node pools per region (and, once tenants exist, agencies).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

export interface BenchSize {
  /** Label of the case in the results table. */
  readonly name: string;
  readonly regions: number;
  readonly poolsPerRegion: number;
}

/** Writes `<dir>/<name>.yaml` and returns its path. */
export function writeEnvironment(repoRoot: string, dir: string, size: BenchSize): string {
  const national = YAML.parse(fs.readFileSync(path.join(repoRoot, "environments", "national.yaml"), "utf8"));
  const template = national.regions.north;
  const regions: Record<string, unknown> = {};
  for (let r = 0; r < size.regions; r++) {
    const id = `r${String(r).padStart(3, "0")}`;
    const pools: Record<string, unknown> = {};
    for (let p = 0; p < size.poolsPerRegion; p++) {
      pools[`pool-${String(p).padStart(2, "0")}`] = { ...template.cluster.nodePools.general, count: 4 + (p % 8) };
    }
    regions[id] = {
      ...template,
      displayName: `Region ${id}`,
      kubeContext: `govcloud-${id}`,
      cluster: { ...template.cluster, nodePools: pools },
      objectStorage: { endpoint: `https://s3.${id}.govcloud.gov.vn`, region: `vn-${id}` },
      registries: { images: `registry.${id}.govcloud.gov.vn`, charts: `oci://registry.${id}.govcloud.gov.vn/charts` },
    };
  }
  const env = { ...national, name: size.name, regions };
  const file = path.join(dir, `${size.name}.yaml`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, YAML.stringify(env, { aliasDuplicateObjects: false }));
  return file;
}
