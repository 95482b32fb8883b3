/**
 * The workload templates: one descriptor module per template, listed once here. Every registry
 * (the schema union, the template names, the lookups) is derived from this list, so a template
 * exists everywhere once it is listed, and a descriptor that lacks a piece does not compile.
 */
import { z } from "zod";
import type { TemplateSchema, WorkloadBehaviour, WorkloadTemplateDescriptor } from "./descriptor";
import { aiInference } from "./ai-inference";
import { openDataApi } from "./open-data-api";
import { scheduledJob } from "./scheduled-job";
import { statefulService } from "./stateful-service";
import { webService } from "./web-service";
import { worker } from "./worker";

export * from "./descriptor";

/**
 * Every workload template, in the order of the schema union (the JSON schema and `--template`
 * list them in this order). Adding a template: its module, and its entry here.
 */
export const WORKLOAD_TEMPLATE_DESCRIPTORS = [webService, worker, scheduledJob, statefulService, openDataApi, aiInference] as const;

type Descriptors = typeof WORKLOAD_TEMPLATE_DESCRIPTORS;
type SchemasOf<T extends readonly WorkloadTemplateDescriptor<TemplateSchema>[]> = { readonly [K in keyof T]: T[K]["schema"] };

/** A workload of any template: the agency file's `workloads.<name>`. */
export const WorkloadSchema = z.discriminatedUnion(
  "template",
  WORKLOAD_TEMPLATE_DESCRIPTORS.map((d) => d.schema) as unknown as SchemasOf<Descriptors>,
);
export type Workload = z.infer<typeof WorkloadSchema>;
export type WorkloadTemplate = Workload["template"];

/** The template names, for `--template` and error messages. */
export const WORKLOAD_TEMPLATES: readonly WorkloadTemplate[] = WORKLOAD_TEMPLATE_DESCRIPTORS.map((d) => d.schema.shape.template.value);

/** A template's descriptor, over any workload (the lookup by name makes the workload's type match). */
export interface WorkloadTemplateEntry extends WorkloadBehaviour<Workload> {
  readonly template: WorkloadTemplate;
  readonly schema: Descriptors[number]["schema"];
}

const BY_TEMPLATE: ReadonlyMap<string, WorkloadTemplateEntry> = new Map(
  WORKLOAD_TEMPLATE_DESCRIPTORS.map((d) => {
    const template = d.schema.shape.template.value;
    // Sound: an entry is only ever looked up by its own workloads' template.
    return [template, { ...(d as unknown as WorkloadBehaviour<Workload>), template, schema: d.schema }] as const;
  }),
);

/** Every template's entry, in list order. */
export const WORKLOAD_TEMPLATE_ENTRIES: readonly WorkloadTemplateEntry[] = [...BY_TEMPLATE.values()];

/** The descriptor of a template. */
export function workloadTemplateOf(template: WorkloadTemplate): WorkloadTemplateEntry {
  const entry = BY_TEMPLATE.get(template);
  if (entry === undefined) throw new Error(`internal: no descriptor for workload template ${template}`);
  return entry;
}

/** The descriptor of a workload's template. */
export function descriptorOf(workload: Pick<Workload, "template">): WorkloadTemplateEntry {
  return workloadTemplateOf(workload.template);
}
