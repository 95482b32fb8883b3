/**
 * Every finding gets a physical location. Resources with a YAML source (sources.json) already
 * have one; the rest are located in the file they were read from: a plan's resource change (or
 * planned value), a cdk.tf.json block or state backend. Stack-wide findings point at the
 * environment file when there is one, else at the stack's file.
 */
import { displayPath } from "../../environments/diagnostics";
import { type JsonPath, JsonPositions } from "./json-locations";
import type { LoadedResources, PlanJson } from "./load";
import type { Finding, SourceLocation } from "./types";
import * as fs from "node:fs";

interface StackInput {
  readonly file: string;
  readonly plan?: PlanJson;
  readonly environment?: SourceLocation;
}

export function locateFindings(findings: readonly Finding[], loaded: readonly LoadedResources[]): Finding[] {
  if (findings.every((f) => f.source !== undefined)) return [...findings];
  const inputs = new Map<string, StackInput>();
  for (const l of loaded) {
    for (const [stack, file] of l.files ?? []) {
      const plan = l.plans?.get(stack);
      inputs.set(stack, { file, ...(plan === undefined ? {} : { plan }), ...(l.sources === undefined ? {} : { environment: l.sources.environment }) });
    }
  }
  const first = inputs.values().next().value as StackInput | undefined;
  const positions = new Map<string, JsonPositions>();
  const locate = (file: string, at: JsonPath): SourceLocation => {
    let p = positions.get(file);
    if (p === undefined) {
      p = new JsonPositions(fs.readFileSync(file, "utf8"));
      positions.set(file, p);
    }
    return { file: displayPath(file), ...p.locate(at) };
  };
  const planIndex = new Map<PlanJson, Map<string, JsonPath>>();
  return findings.map((f) => {
    if (f.source !== undefined) return f;
    const input = inputs.get(f.stack) ?? first;
    if (input === undefined) return f;
    if (f.address === "" || input !== inputs.get(f.stack)) {
      return { ...f, source: input.environment ?? locate(input.file, []) };
    }
    if (input.plan !== undefined) {
      let index = planIndex.get(input.plan);
      if (index === undefined) {
        index = planAddresses(input.plan);
        planIndex.set(input.plan, index);
      }
      return { ...f, source: locate(input.file, index.get(f.address) ?? []) };
    }
    return { ...f, source: locate(input.file, documentPath(f)) };
  });
}

/** Where each address is in a plan: its resource change, else its planned value. */
function planAddresses(plan: PlanJson): Map<string, JsonPath> {
  const out = new Map<string, JsonPath>();
  const pending: [unknown, JsonPath][] = [[plan.planned_values?.root_module, ["planned_values", "root_module"]]];
  while (pending.length > 0) {
    const [module, at] = pending.pop() as [{ resources?: { address?: unknown }[]; child_modules?: unknown[] } | undefined, JsonPath];
    module?.resources?.forEach((r, i) => typeof r.address === "string" && out.set(r.address, [...at, "resources", i]));
    module?.child_modules?.forEach((child, i) => pending.push([child, [...at, "child_modules", i]]));
  }
  plan.resource_changes?.forEach((c, i) => typeof c.address === "string" && out.set(c.address, ["resource_changes", i]));
  return out;
}

/** The block of a finding in a cdk.tf.json: `resource.<type>.<name>`, or `terraform.backend.<kind>`. */
function documentPath(f: Finding): JsonPath {
  if (f.type === "terraform_backend") return ["terraform", "backend", f.address.replace(/^terraform\.backend\./, "")];
  if (f.type === undefined || !f.address.startsWith(`${f.type}.`)) return [];
  const name = f.address.slice(f.type.length + 1).replace(/\[.*$/, "");
  return ["resource", f.type, name];
}
