/**
 * Stand-in classes for Terraform resource types, so that @pulumi/policy's
 * `validateResourceOfType` can select resources by their Terraform type: it reads the class's
 * static `__pulumiType`, and the engine compares that with the resource's `type`.
 */
import type { Resource } from "@pulumi/pulumi";

/**
 * The props of a Terraform resource as rules see them: blocks are arrays of objects. The values
 * are `any` because @pulumi/policy passes props through its `Unwrap<T>`, which turns `unknown`
 * into `never`; read them through the helpers in ./values, which take `unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TerraformProps = Readonly<Record<string, any>>;

export interface TerraformTypeClass<TProps extends object = TerraformProps> {
  new (name: string, args: TProps, ...rest: unknown[]): Resource;
  readonly __pulumiType: string;
}

const classes = new Map<string, TerraformTypeClass<object>>();

/** `terraformType("kubernetes_deployment_v1")`: a class to pass to validateResourceOfType. */
export function terraformType<TProps extends object = TerraformProps>(type: string): TerraformTypeClass<TProps> {
  let cls = classes.get(type);
  if (cls === undefined) {
    cls = class {
      static readonly __pulumiType = type;
    } as unknown as TerraformTypeClass<object>;
    classes.set(type, cls);
  }
  return cls as TerraformTypeClass<TProps>;
}

/** A rule's id: the name of its file (`containers-run-as-non-root.ts` -> `containers-run-as-non-root`). */
export function ruleId(file: string): string {
  return (file.split(/[\\/]/).pop() ?? file).replace(/\.[cm]?[jt]s$/, "");
}
