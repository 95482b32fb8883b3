/**
 * The engine's data: resources as rules see them, findings as reports show them. Nothing here
 * loads @pulumi/policy (it starts gRPC and @pulumi/pulumi): only types are imported from it.
 */
import type { Policy, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { Agency } from "../../environments/agency-schema";
import type { Environment } from "../../environments/schema";

/** How a rule's violations count: mandatory ones fail `govcloud check` (exit code 1). */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled"];

/** A line in a YAML file that produced a resource (repository-relative path, 1-based). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One resource instance, from a synthesized folder or a plan, in one shape for both. */
export interface PolicyResourceData {
  /** The stack (cdktf stack, or plan file) the resource belongs to. */
  readonly stack: string;
  /** Terraform instance address: `type.name`, `type.name["key"]`, `module.m.type.name[0]`. */
  readonly address: string;
  readonly type: string;
  /** The block name (`web_service`). */
  readonly name: string;
  /** The for_each key or count index of this instance. */
  readonly key?: string | number;
  /**
   * The expanded body: each.key / each.value substituted, every nested block an array of
   * objects (as in the plan JSON). Expressions the engine cannot resolve stay strings. Shared
   * between instances where it does not differ: rules must not modify it.
   */
  readonly props: Readonly<Record<string, unknown>>;
  readonly lifecycle?: { readonly prevent_destroy?: unknown };
  readonly dependsOn?: readonly string[];
  /** The agency or environment YAML that produced the resource (from sources.json). */
  readonly source?: SourceLocation;
  /** Planned actions (`create`, `update`, `delete`, `no-op`...) when read from a plan. */
  readonly actions?: readonly string[];
}

/** What an environment gives rules besides its own file: the agencies in its agencies folder. */
export interface EnvironmentContext {
  /** The agency files, as validated by the agency schema, sorted by file name. */
  readonly agencies: readonly Agency[];
}

/** What govcloud adds to a Pulumi policy object; Pulumi itself ignores these fields. */
export interface RuleExtras {
  /**
   * Rule configuration derived from the environment (its registries, backup settings, the
   * agencies' information systems), below --policy-config. It must be plain JSON data, so that
   * the same configuration can be passed as Pulumi policy-pack config.
   */
  readonly configFromEnvironment?: (environment: Environment, context: EnvironmentContext) => Record<string, unknown>;
  /**
   * What one call of a StackValidationPolicy sees: `stack` (default), each stack (cdktf stack or
   * plan file) on its own; `check`, every resource of every input at once, for rules about what
   * spans stacks (a tenant namespace in a tenant stack, its backup locations in the platform
   * stack). A finding reported with a urn belongs to that resource's stack.
   */
  readonly scope?: "stack" | "check";
}

/**
 * What govcloud's engine passes to a StackValidationPolicy besides @pulumi/policy's
 * StackValidationArgs. Read it through `checkContext(args)` (policies/lib/check-context.ts),
 * which also works when Pulumi, which has none of it, runs the rule.
 */
export interface GovcloudStackValidationArgs extends StackValidationArgs {
  /** The stack validated; "" for a rule with scope `check`. */
  readonly stack: string;
  /** The plan the stack was read from (`terraform show -json`); undefined for configuration and for scope `check`. */
  readonly plan?: Readonly<Record<string, unknown>>;
  /** The day dates are judged by (`--as-of`, else today in Vietnam), YYYY-MM-DD. */
  readonly today: string;
}

export type GovcloudResourcePolicy = ResourceValidationPolicy & RuleExtras;
export type GovcloudStackPolicy = StackValidationPolicy & RuleExtras;
/** A rule: a @pulumi/policy policy object whose `name` is its id (its file name). */
export type GovcloudPolicy = GovcloudResourcePolicy | GovcloudStackPolicy;

/** A reference to a law, decree, standard or benchmark control that a rule implements. */
export interface ControlReference {
  /** Short name, e.g. `Decree 53/2022/NĐ-CP`, `CIS Kubernetes Benchmark v1.9.0`. */
  readonly source: string;
  /** Article, clause or control, e.g. `Art. 26`, `5.2.7`, `Running as Non-root`. */
  readonly control?: string;
  readonly url?: string;
}

/** How a pack applies one rule. */
export interface PackEntry {
  readonly rule: GovcloudPolicy;
  readonly level: EnforcementLevel;
  /** Why the rule matters, in the words shown to agencies and auditors. */
  readonly explanation: string;
  readonly controls: readonly ControlReference[];
}

export interface PolicyPackDefinition {
  readonly name: string;
  readonly description: string;
  readonly rules: readonly PackEntry[];
}

/** A rule as the engine runs it: pack, level and configuration resolved. */
export interface ActiveRule {
  readonly id: string;
  readonly pack: string;
  readonly level: Exclude<EnforcementLevel, "disabled">;
  readonly policy: Policy;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Rules of the engine itself, reported like any other. */
export const ENGINE_RULES = {
  "rule-crashed": "A rule threw an error instead of judging the resource; it is reported instead of crashing the check.",
  "suppression-expired": "A suppression is past its expiry date: it no longer suppresses anything until it is renewed or removed.",
} as const;

export type EngineRuleId = keyof typeof ENGINE_RULES;

/** One violation. */
export interface Finding {
  readonly rule: string;
  readonly pack: string;
  readonly level: "advisory" | "mandatory";
  readonly message: string;
  readonly stack: string;
  /** Instance address; for a stack-wide finding the empty string. */
  readonly address: string;
  readonly type?: string;
  readonly key?: string | number;
  readonly source?: SourceLocation;
  /** For `rule-crashed`: the rule that crashed. */
  readonly crashedRule?: string;
  /** Set when a valid suppression covers the finding. */
  readonly suppressedBy?: SuppressionRef;
}

export interface SuppressionRef {
  readonly reason: string;
  readonly acceptedBy: string;
  readonly expires: string;
  readonly source: SourceLocation;
}
