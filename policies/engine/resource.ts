/**
 * A resource instance as rules see it: govcloud's fields plus the members of @pulumi/policy's
 * `PolicyResource` (urn, opts, dependencies, isType, asType), so that the same object can be
 * handed to a StackValidationPolicy. Methods live on the prototype: 100,000 instances cost
 * 100,000 small objects, not closures.
 */
import type { PolicyResourceOptions } from "@pulumi/policy";
import type { PolicyResourceData, SourceLocation } from "./types";

const OPTIONS: PolicyResourceOptions = Object.freeze({
  protect: false,
  ignoreChanges: Object.freeze([]) as unknown as string[],
  aliases: Object.freeze([]) as unknown as string[],
  customTimeouts: Object.freeze({ createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }),
  additionalSecretOutputs: Object.freeze([]) as unknown as string[],
});
const NONE: readonly never[] = Object.freeze([]);
const NO_PROPERTY_DEPENDENCIES = Object.freeze({});

/** The Terraform type a class stands for (`static __pulumiType`), as @pulumi/policy reads it. */
export function pulumiTypeOf(resourceClass: unknown): string | undefined {
  const t = (resourceClass as { __pulumiType?: unknown } | null | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

export class PolicyResource implements PolicyResourceData {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly key?: string | number;
  readonly props: Readonly<Record<string, unknown>>;
  readonly lifecycle?: { readonly prevent_destroy?: unknown };
  readonly dependsOn?: readonly string[];
  readonly source?: SourceLocation;
  readonly actions?: readonly string[];

  constructor(data: PolicyResourceData) {
    this.stack = data.stack;
    this.address = data.address;
    this.type = data.type;
    this.name = data.name;
    if (data.key !== undefined) this.key = data.key;
    this.props = data.props;
    if (data.lifecycle !== undefined) this.lifecycle = data.lifecycle;
    if (data.dependsOn !== undefined) this.dependsOn = data.dependsOn;
    if (data.source !== undefined) this.source = data.source;
    if (data.actions !== undefined) this.actions = data.actions;
  }

  /** Unique within a check: `<stack>::<address>`. */
  get urn(): string {
    return `${this.stack}::${this.address}`;
  }

  /** Terraform has no Pulumi resource options; `protect` mirrors lifecycle.prevent_destroy. */
  get opts(): PolicyResourceOptions {
    const protect = this.lifecycle?.prevent_destroy === true || this.lifecycle?.prevent_destroy === "true";
    return protect ? { ...OPTIONS, protect } : OPTIONS;
  }

  get dependencies(): readonly never[] {
    return NONE;
  }

  get propertyDependencies(): Readonly<Record<string, never>> {
    return NO_PROPERTY_DEPENDENCIES;
  }

  isType(resourceClass: unknown): boolean {
    return pulumiTypeOf(resourceClass) === this.type;
  }

  asType(resourceClass: unknown): Readonly<Record<string, unknown>> | undefined {
    return this.isType(resourceClass) ? this.props : undefined;
  }
}
