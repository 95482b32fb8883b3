/**
 * The workload templates: one descriptor module per template, listed in the generated catalog
 * (catalog.ts). Every registry (the schema union, the template names, the lookups) is derived
 * from that list, so a template exists everywhere once its module exists and `npm run schemas`
 * has run, and a descriptor that lacks a piece does not compile.
 */
import { z } from "zod";
import type { TemplateSchema, WorkloadBehaviour, WorkloadTemplateDescriptor } from "./descriptor";
import { WORKLOAD_TEMPLATE_DESCRIPTORS } from "./catalog";
import { merged } from "../../core/merged";

export * from "./descriptor";

/**
 * Every workload template: the generated catalog of this folder's modules (`npm run schemas`
 * writes it, cli/catalogs.ts), in the order of their file names.
 */
export { WORKLOAD_TEMPLATE_DESCRIPTORS };

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
    return [template, merged(d as unknown as WorkloadBehaviour<Workload>, { template, schema: d.schema })] as const;
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
