/**
 * Rules that span files: an agency against the environment and against the other agencies.
 * Each rule reports every violation, located in the agency file that has to change.
 */
import * as path from "node:path";
import type { Agency, Workload } from "../environments/agency-schema";
import { type Diagnostic, formatPath } from "../environments/diagnostics";
import type { LoadedAgency } from "../environments";
import type { Loaded } from "../environments/loader";
import { type Environment, isAllowedHost } from "../environments/schema";
import { type AgencyStep, computeAgencyStep } from "./agency-step";
import { kubernetesId, servicePort, tenantNamespace } from "./tenant-model";
import { normalizeName } from "../environments/vietnamese";
import { descriptorOf } from "../environments/workloads";

/** Where a diagnostic points: a file's source map and a field path. */
function at(loaded: Loaded<unknown>, fieldPath: PropertyKey[], message: string, key = false): Diagnostic {
  const pos = key ? loaded.source.locateKey(fieldPath) : loaded.source.locate(fieldPath);
  return { ...pos, path: formatPath(fieldPath), message };
}

function where(loaded: Loaded<unknown>, fieldPath: PropertyKey[]): string {
  const pos = loaded.source.locate(fieldPath);
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/** Image hosts the estate may pull from: the regions' own registry mirrors. */
function inCountryRegistries(env: Environment): Set<string> {
  return new Set(Object.values(env.regions).map((r) => r.registries.images));
}

/**
 * All cross-file problems of an environment's agencies, in no particular order. When two files
 * clash, the one that is not yet established (absent from `established`, the agencies already
 * placed in tenant stacks, or named unlike its id) is the one reported: it is the one to change.
 */
export function checkAgencies(
  environment: Loaded<Environment>,
  loadedAgencies: readonly LoadedAgency[],
  established: ReadonlySet<string> = new Set(),
  step: AgencyStep = computeAgencyStep,
): Diagnostic[] {
  const env = environment.value;
  const fileIds = new Map(loadedAgencies.map((a) => [a, path.basename(a.path).replace(/\.ya?ml$/, "")]));
  const fileId = (a: LoadedAgency) => fileIds.get(a) as string;
  const ranks = new Map(loadedAgencies.map((a) => [a, fileId(a) !== a.value.id ? 2 : established.has(a.value.id) ? 0 : 1]));
  const rank = (a: LoadedAgency) => ranks.get(a) as number;
  const agencies = [...loadedAgencies].sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : 1));
  const problems: Diagnostic[] = [];
  const byId = new Map<string, LoadedAgency>();
  const byName = new Map<string, LoadedAgency>();
  const byCode = new Map<string, LoadedAgency>();
  const byHost = new Map<string, { agency: LoadedAgency; workload: string }>();
  const registries = inCountryRegistries(env);
  const regions = Object.keys(env.regions).sort();

  for (const loaded of agencies) {
    const agency = loaded.value;
    if (agency.id !== fileId(loaded)) {
      problems.push(at(loaded, ["id"], `is '${agency.id}' but the file is ${fileId(loaded)}.yaml; rename one so they match`));
    }
    const sameId = byId.get(agency.id);
    if (sameId !== undefined) {
      problems.push(at(loaded, ["id"], `duplicate agency id '${agency.id}': also declared at ${where(sameId, ["id"])}`));
    } else {
      byId.set(agency.id, loaded);
    }
    const normalized = normalizeName(agency.displayName);
    const sameName = byName.get(normalized);
    if (sameName !== undefined) {
      problems.push(
        at(
          loaded,
          ["displayName"],
          `'${agency.displayName}' is the same name as '${sameName.value.displayName}' (agency ${sameName.value.id}, ${where(sameName, ["displayName"])}) once diacritics, case and punctuation are ignored; an agency onboards once`,
        ),
      );
    } else {
      byName.set(normalized, loaded);
    }
    if (agency.code !== undefined) {
      const sameCode = byCode.get(agency.code);
      if (sameCode !== undefined) {
        problems.push(at(loaded, ["code"], `administrative code ${agency.code} is already used by agency ${sameCode.value.id} (${where(sameCode, ["code"])})`));
      } else {
        byCode.set(agency.code, loaded);
      }
    }
    for (const field of ["homeRegion", "drRegion"] as const) {
      if (!(agency[field] in env.regions)) {
        problems.push(at(loaded, [field], `no region '${agency[field]}' in environment ${env.name}; known regions: ${regions.join(", ")}`));
      }
    }
    // The agency on its own against the environment: the same while neither changes.
    const own = () => [
      ...Object.entries(agency.workloads).flatMap(([name, workload]) => checkWorkloadSources(loaded, name, workload, registries, env)),
      ...checkQuotaCoversWorkloads(loaded),
    ];
    problems.push(...step(env, agency, "checks", {}, own));
    for (const [name, workload] of Object.entries(agency.workloads)) {
      if ("host" in workload) {
        const other = byHost.get(workload.host);
        if (other !== undefined) {
          problems.push(
            at(loaded, ["workloads", name, "host"], `host ${workload.host} is already served by ${other.agency.value.id}/${other.workload} (${where(other.agency, ["workloads", other.workload, "host"])})`),
          );
        } else {
          byHost.set(workload.host, { agency: loaded, workload: name });
        }
      }
    }
  }

  // Rules that need every agency known first.
  // A renamed agency keeps its Kubernetes names (tenant-<former id>): no other agency may take them.
  const byKubernetesId = new Map<string, LoadedAgency>();
  for (const loaded of agencies) {
    const agency = loaded.value;
    if (agency.originalId !== undefined && agency.renamedFrom === undefined) {
      problems.push(at(loaded, ["originalId"], "originalId is for an agency renamed more than once; set renamedFrom to its previous id too"));
    }
    const names = kubernetesId(agency);
    const other = byKubernetesId.get(names);
    if (other !== undefined) {
      const field = names === agency.id ? ["id"] : agency.originalId !== undefined ? ["originalId"] : ["renamedFrom"];
      problems.push(at(loaded, field, `namespace ${tenantNamespace(names)} is already the namespace of agency ${other.value.id} (${where(other, ["id"])}), which keeps it since its rename; choose another id`));
    } else {
      byKubernetesId.set(names, loaded);
    }
  }
  for (const loaded of agencies) {
    const agency = loaded.value;
    if (agency.renamedFrom !== undefined && byId.has(agency.renamedFrom)) {
      problems.push(at(loaded, ["renamedFrom"], `agency '${agency.renamedFrom}' still exists (${where(byId.get(agency.renamedFrom) as LoadedAgency, ["id"])}); remove its file when renaming it`));
    }
    if (agency.parent !== undefined) {
      const parent = byId.get(agency.parent);
      if (parent === undefined) {
        problems.push(at(loaded, ["parent"], `no agency '${agency.parent}' in environment ${env.name}`));
      } else if (agency.level === "commune" && parent.value.level !== "provincial") {
        problems.push(at(loaded, ["parent"], `a commune's parent must be a province; '${agency.parent}' is ${parent.value.level}`));
      }
    }
    for (const [name, workload] of Object.entries(agency.workloads)) {
      workload.dependsOn.forEach((dep, i) => {
        const fieldPath = ["workloads", name, "dependsOn", i];
        const provider = byId.get(dep.agency);
        const target = provider?.value.workloads[dep.workload];
        if (provider === undefined) {
          problems.push(at(loaded, [...fieldPath, "agency"], `no agency '${dep.agency}' in environment ${env.name}`));
        } else if (target === undefined) {
          const known = Object.keys(provider.value.workloads).sort().join(", ") || "(none)";
          problems.push(at(loaded, [...fieldPath, "workload"], `agency ${dep.agency} has no workload '${dep.workload}'; it has: ${known}`));
        } else if (servicePort(target) === undefined) {
          problems.push(at(loaded, [...fieldPath, "workload"], `${dep.agency}/${dep.workload} is a ${target.template}, which serves nothing to call`));
        } else if (dep.agency === agency.id && dep.workload === name) {
          problems.push(at(loaded, fieldPath, "a workload cannot depend on itself"));
        } else if (provider.value.homeRegion !== agency.homeRegion) {
          problems.push(
            at(
              loaded,
              fieldPath,
              `${dep.agency}/${dep.workload} runs in region ${provider.value.homeRegion} and this workload in ${agency.homeRegion}; in-cluster dependencies must share a region (call its public host instead)`,
            ),
          );
        }
      });
    }
  }
  return problems;
}

function checkWorkloadSources(
  loaded: LoadedAgency,
  name: string,
  workload: Workload,
  registries: Set<string>,
  env: Environment,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const known = () => [...registries].sort().join(", ");
  const imageHost = workload.image.split("/")[0] as string;
  if (!registries.has(imageHost)) {
    problems.push(
      at(loaded, ["workloads", name, "image"], `image registry ${imageHost} is not an in-country mirror; the datacenters pull only from: ${known()}`),
    );
  }
  for (const { field, host } of descriptorOf(workload).artifacts?.(workload) ?? []) {
    if (!registries.has(host)) problems.push(at(loaded, ["workloads", name, field], `${field} registry ${host} is not an in-country mirror; use one of: ${known()}`));
  }
  if ("host" in workload && !isAllowedHost(workload.host, env.tenancy.publicDomains)) {
    problems.push(
      at(loaded, ["workloads", name, "host"], `host ${workload.host} is not under the public domains of this environment (${env.tenancy.publicDomains.join(", ")})`),
    );
  }
  return problems;
}

/** The most a workload can ask of its namespace's quota, at its largest scale. */
export function workloadFootprint(workload: Workload): { cpu: number; memoryGiB: number; storageGiB: number; gpus: number } {
  const { maxReplicas: replicas, gpusPerReplica, storageGiBPerReplica } = descriptorOf(workload).sizing(workload);
  return {
    cpu: replicas * workload.resources.cpu,
    memoryGiB: (replicas * workload.resources.memoryMiB) / 1024,
    storageGiB: replicas * storageGiBPerReplica,
    gpus: replicas * gpusPerReplica,
  };
}

function checkQuotaCoversWorkloads(loaded: Loaded<Agency>): Diagnostic[] {
  const agency = loaded.value;
  const total = { cpu: 0, memoryGiB: 0, storageGiB: 0, gpus: 0 };
  for (const workload of Object.values(agency.workloads)) {
    const f = workloadFootprint(workload);
    total.cpu += f.cpu;
    total.memoryGiB += f.memoryGiB;
    total.storageGiB += f.storageGiB;
    total.gpus += f.gpus;
  }
  const problems: Diagnostic[] = [];
  const fields = [
    ["cpu", "CPU cores"],
    ["memoryGiB", "GiB of memory"],
    ["storageGiB", "GiB of storage"],
    ["gpus", "GPUs"],
  ] as const;
  for (const [field, unit] of fields) {
    const need = Math.round(total[field] * 1000) / 1000;
    if (need > agency.quota[field]) {
      problems.push(at(loaded, ["quota", field], `is ${agency.quota[field]} but the workloads need ${need} ${unit} at their largest scale; raise the quota or shrink the workloads`));
    }
  }
  return problems;
}
