/**
 * An add-on descriptor's values as a region gets them: `values(context)` for the region of an
 * environment (national's by default), with optional environment values merged over them the
 * way HelmAddOn merges them.
 */
import type { Environment } from "../../environments/schema";
import { type AddOnContext, addOnContext, type AddOnName, ADD_ONS } from "../../estate/add-ons";
import { deepMerge, sortKeysDeep, type Values } from "../../estate/deep-merge";
import { NATIONAL } from "./fixtures";

export interface ValuesOptions {
  /** @default NATIONAL */
  readonly environment?: Environment;
  /** @default "north" */
  readonly regionId?: string;
  /** Context fields to replace. */
  readonly context?: Partial<AddOnContext>;
  /** Environment values merged over the defaults. */
  readonly values?: Values;
}

export function contextFor(name: AddOnName, options: ValuesOptions = {}): AddOnContext {
  const base = addOnContext({ addOn: name, environment: options.environment ?? NATIONAL, regionId: options.regionId ?? "north" });
  return { ...base, ...options.context };
}

export function addOnValues(name: AddOnName, options: ValuesOptions = {}): Record<string, any> {
  return sortKeysDeep(deepMerge(ADD_ONS[name].values(contextFor(name, options)), options.values ?? {}));
}
