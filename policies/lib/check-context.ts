/**
 * What a stack rule knows about the check beyond its resources: the stack, the plan it was read
 * from, and the day dates are judged by. govcloud's engine passes these
 * (GovcloudStackValidationArgs); when Pulumi runs a rule they are missing, and these defaults
 * apply: no stack name, no plan, today in Vietnam.
 */
import type { StackValidationArgs } from "@pulumi/policy";
import { vietnamDate } from "../engine/suppressions";
import type { GovcloudStackValidationArgs } from "../engine/types";

export interface CheckContext {
  /** The stack validated; "" for a rule with scope `check` (and under Pulumi). */
  readonly stack: string;
  /** The `terraform show -json` plan the stack was read from; undefined for configuration. */
  readonly plan?: Readonly<Record<string, unknown>>;
  /** YYYY-MM-DD: `--as-of`, else today in Vietnam. */
  readonly today: string;
}

export function checkContext(args: StackValidationArgs): CheckContext {
  const extra = args as Partial<GovcloudStackValidationArgs>;
  return {
    stack: typeof extra.stack === "string" ? extra.stack : "",
    ...(extra.plan === undefined ? {} : { plan: extra.plan }),
    today: typeof extra.today === "string" ? extra.today : vietnamDate(new Date()),
  };
}
