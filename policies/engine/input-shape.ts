/**
 * The shape of what `govcloud check` reads, checked before any rule sees it: a `terraform show
 * -json` plan, a cdktf manifest.json and its cdk.tf.json documents. Malformed input is bad input
 * (exit code 2), each problem at its JSON pointer, never a rule crash or a silent pass: a
 * resource change whose address is a number, or whose actions are a string, would otherwise be
 * skipped by the rules that protect data.
 */
import { type JsonPath, type JsonProblem, jsonType } from "./json-locations";
import { isObject } from "./util";

/** Terraform's plan actions (`plans.Action` as `terraform show -json` writes them). */
export const PLAN_ACTIONS: ReadonlySet<string> = new Set(["no-op", "create", "read", "update", "delete", "forget"]);

type Expect = "string" | "object" | "array" | "key";

function check(problems: JsonProblem[], value: unknown, path: JsonPath, expected: Expect, required: boolean): boolean {
  if (value === undefined) {
    if (required) problems.push({ path, message: `is missing; expected ${expected === "key" ? "string or number" : expected}` });
    return false;
  }
  const ok =
    expected === "object" ? isObject(value) : expected === "array" ? Array.isArray(value) : expected === "key" ? typeof value === "string" || typeof value === "number" : typeof value === expected;
  if (!ok) problems.push({ path, message: `expected ${expected === "key" ? "string or number" : expected}, got ${jsonType(value)}` });
  return ok;
}

/** Problems of a parsed `terraform show -json` plan; empty when it can be read. */
export function planProblems(plan: unknown): JsonProblem[] {
  const problems: JsonProblem[] = [];
  if (!isObject(plan)) return [{ path: [], message: `expected an object (the output of terraform show -json <planfile>), got ${jsonType(plan)}` }];
  if (plan.planned_values === undefined && plan.resource_changes === undefined) {
    return [{ path: ["planned_values"], message: "is missing, and so is resource_changes; expected the output of terraform show -json <planfile>" }];
  }
  if (check(problems, plan.planned_values, ["planned_values"], "object", false)) {
    const values = plan.planned_values as Record<string, unknown>;
    if (check(problems, values.root_module, ["planned_values", "root_module"], "object", false)) moduleProblems(values.root_module as Record<string, unknown>, ["planned_values", "root_module"], problems);
  }
  if (check(problems, plan.resource_changes, ["resource_changes"], "array", false)) {
    (plan.resource_changes as unknown[]).forEach((entry, i) => changeProblems(entry, ["resource_changes", i], problems));
  }
  return problems;
}

function moduleProblems(module: Record<string, unknown>, at: JsonPath, problems: JsonProblem[]): void {
  check(problems, module.address, [...at, "address"], "string", false);
  if (check(problems, module.resources, [...at, "resources"], "array", false)) {
    (module.resources as unknown[]).forEach((r, i) => {
      const here = [...at, "resources", i];
      if (!check(problems, r, here, "object", true)) return;
      const resource = r as Record<string, unknown>;
      check(problems, resource.address, [...here, "address"], "string", true);
      check(problems, resource.type, [...here, "type"], "string", true);
      check(problems, resource.name, [...here, "name"], "string", true);
      modeProblems(resource.mode, [...here, "mode"], problems);
      if (resource.index !== null) check(problems, resource.index, [...here, "index"], "key", false);
      if (resource.values !== null) check(problems, resource.values, [...here, "values"], "object", false);
    });
  }
  if (check(problems, module.child_modules, [...at, "child_modules"], "array", false)) {
    (module.child_modules as unknown[]).forEach((child, i) => {
      if (check(problems, child, [...at, "child_modules", i], "object", true)) moduleProblems(child as Record<string, unknown>, [...at, "child_modules", i], problems);
    });
  }
}

function changeProblems(entry: unknown, at: JsonPath, problems: JsonProblem[]): void {
  if (!check(problems, entry, at, "object", true)) return;
  const c = entry as Record<string, unknown>;
  check(problems, c.address, [...at, "address"], "string", true);
  check(problems, c.type, [...at, "type"], "string", true);
  check(problems, c.name, [...at, "name"], "string", false);
  modeProblems(c.mode, [...at, "mode"], problems);
  if (c.index !== null) check(problems, c.index, [...at, "index"], "key", false);
  check(problems, c.deposed, [...at, "deposed"], "string", false);
  check(problems, c.action_reason, [...at, "action_reason"], "string", false);
  if (!check(problems, c.change, [...at, "change"], "object", true)) return;
  const change = c.change as Record<string, unknown>;
  if (check(problems, change.actions, [...at, "change", "actions"], "array", true)) {
    const actions = change.actions as unknown[];
    if (actions.length === 0) problems.push({ path: [...at, "change", "actions"], message: "is empty; expected one or two of no-op, create, read, update, delete, forget" });
    actions.forEach((action, i) => {
      if (typeof action !== "string" || !PLAN_ACTIONS.has(action)) {
        problems.push({ path: [...at, "change", "actions", i], message: `expected one of ${[...PLAN_ACTIONS].join(", ")}, got ${typeof action === "string" ? JSON.stringify(action) : jsonType(action)}` });
      }
    });
  }
  if (check(problems, change.replace_paths, [...at, "change", "replace_paths"], "array", false)) {
    (change.replace_paths as unknown[]).forEach((p, i) => check(problems, p, [...at, "change", "replace_paths", i], "array", true));
  }
}

function modeProblems(mode: unknown, at: JsonPath, problems: JsonProblem[]): void {
  if (check(problems, mode, at, "string", false) && mode !== "managed" && mode !== "data") {
    problems.push({ path: at, message: `expected "managed" or "data", got ${JSON.stringify(mode)}` });
  }
}

/** Problems of a cdktf manifest.json; empty when its stacks can be read. */
export function manifestProblems(manifest: unknown): JsonProblem[] {
  const problems: JsonProblem[] = [];
  if (!check(problems, manifest, [], "object", true)) return problems;
  const stacks = (manifest as Record<string, unknown>).stacks;
  if (stacks === undefined) return [{ path: ["stacks"], message: "is missing; this is not a cdktf manifest (run govcloud synth)" }];
  if (!check(problems, stacks, ["stacks"], "object", true)) return problems;
  for (const [name, entry] of Object.entries(stacks as Record<string, unknown>)) {
    if (check(problems, entry, ["stacks", name], "object", true)) {
      check(problems, (entry as Record<string, unknown>).synthesizedStackPath, ["stacks", name, "synthesizedStackPath"], "string", true);
    }
  }
  return problems;
}

/** Problems of a synthesized Terraform JSON document (cdk.tf.json) as far as the engine reads it. */
export function terraformDocumentProblems(doc: unknown): JsonProblem[] {
  const problems: JsonProblem[] = [];
  if (!check(problems, doc, [], "object", true)) return problems;
  const d = doc as Record<string, unknown>;
  if (check(problems, d.terraform, ["terraform"], "object", false)) {
    check(problems, (d.terraform as Record<string, unknown>).backend, ["terraform", "backend"], "object", false);
  }
  if (!check(problems, d.resource, ["resource"], "object", false)) return problems;
  for (const [type, byName] of Object.entries(d.resource as Record<string, unknown>)) {
    if (!check(problems, byName, ["resource", type], "object", true)) continue;
    for (const [name, body] of Object.entries(byName as Record<string, unknown>)) {
      const at = ["resource", type, name];
      if (!check(problems, body, at, "object", true)) continue;
      const b = body as Record<string, unknown>;
      const forEach = b.for_each;
      if (forEach !== undefined && !isObject(forEach) && typeof forEach !== "string" && !Array.isArray(forEach)) {
        problems.push({ path: [...at, "for_each"], message: `expected object, array or an expression string, got ${jsonType(forEach)}` });
      }
      const count = b.count;
      if (count !== undefined && typeof count !== "string" && !(typeof count === "number" && Number.isInteger(count) && count >= 0)) {
        problems.push({ path: [...at, "count"], message: `expected a whole number or an expression string, got ${JSON.stringify(count)}` });
      }
      check(problems, b.lifecycle, [...at, "lifecycle"], "object", false);
      check(problems, b.depends_on, [...at, "depends_on"], "array", false);
    }
  }
  return problems;
}

/** Problems of a sources.json (environments/source-map-file.ts) as far as the engine reads it. */
export function sourcesProblems(sources: unknown): JsonProblem[] {
  const problems: JsonProblem[] = [];
  if (!check(problems, sources, [], "object", true)) return problems;
  const s = sources as Record<string, unknown>;
  const location = (value: unknown, at: JsonPath) => {
    if (!check(problems, value, at, "object", true)) return;
    const l = value as Record<string, unknown>;
    check(problems, l.file, [...at, "file"], "string", true);
    for (const key of ["line", "col"]) {
      if (!(typeof l[key] === "number" && Number.isInteger(l[key]) && (l[key] as number) >= 1)) problems.push({ path: [...at, key], message: `expected a line or column number, got ${JSON.stringify(l[key])}` });
    }
  };
  location(s.environment, ["environment"]);
  if (check(problems, s.settings, ["settings"], "object", false)) {
    for (const [key, value] of Object.entries(s.settings as Record<string, unknown>)) location(value, ["settings", key]);
  }
  if (check(problems, s.agencies, ["agencies"], "object", true)) {
    for (const [id, agency] of Object.entries(s.agencies as Record<string, unknown>)) {
      location(agency, ["agencies", id]);
      if (isObject(agency) && check(problems, agency.workloads, ["agencies", id, "workloads"], "object", true)) {
        for (const [name, w] of Object.entries(agency.workloads as Record<string, unknown>)) location(w, ["agencies", id, "workloads", name]);
      }
    }
  }
  return problems;
}
