/**
 * Runs @pulumi/policy policy objects over resources without a Pulumi engine: resource policies
 * once per resource of their type (validateResourceOfType tags its function with the type, so
 * each resource meets only the rules for its type), stack policies once per stack (or once over
 * every stack, for scope `check`), with govcloud's extra arguments (GovcloudStackValidationArgs:
 * the stack, its plan, the day dates are judged by). Rules may be async. A rule that throws is
 * reported as a `rule-crashed` finding naming the rule and the resource; the check goes on.
 */
import type {
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type PolicyResource, pulumiTypeOf } from "./resource";
import { vietnamDate } from "./suppressions";
import type { ActiveRule, Finding, GovcloudStackValidationArgs, RuleExtras } from "./types";
import { compare } from "../../core/compare";

/** Thrown by `args.notApplicable()`: the rule does not apply, which is not a finding. */
const NOT_APPLICABLE: unique symbol = Symbol("not applicable");
const NO_TAGS: ReadonlyMap<string, string> = new Map();

function notApplicable(): never {
  throw NOT_APPLICABLE;
}

/** `ResourceValidationArgs` for one rule and one resource; members on the prototype. */
class ResourceArgs {
  constructor(
    readonly resource: PolicyResource,
    private readonly rule: ActiveRule,
  ) {}
  get type(): string {
    return this.resource.type;
  }
  get props(): Record<string, unknown> {
    return this.resource.props as Record<string, unknown>;
  }
  get urn(): string {
    return this.resource.urn;
  }
  get name(): string {
    return this.resource.name;
  }
  get opts() {
    return this.resource.opts;
  }
  get stackTags(): ReadonlyMap<string, string> {
    return NO_TAGS;
  }
  isType(resourceClass: unknown): boolean {
    return pulumiTypeOf(resourceClass) === this.resource.type;
  }
  asType(resourceClass: unknown): unknown {
    return this.isType(resourceClass) ? this.resource.props : undefined;
  }
  getConfig<T extends object>(): T {
    return this.rule.config as T;
  }
  notApplicable(): never {
    return notApplicable();
  }
}

export interface EvaluateOptions {
  /** Called for every rule that crashed, for debugging (GOVCLOUD_DEBUG). */
  readonly onCrash?: (rule: string, address: string, error: unknown) => void;
  /**
   * Every stack of the inputs, so that stack rules also meet stacks without resources (a plan
   * that only deletes).
   * @default - the stacks of `resources`
   */
  readonly stacks?: readonly string[];
  /** Plans by stack name, for stack rules (`GovcloudStackValidationArgs.plan`). */
  readonly plans?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Instances plans destroy: never judged, but a stack rule may report their urn. */
  readonly removed?: readonly PolicyResource[];
  /** The day dates are judged by, for stack rules. @default - today in Vietnam */
  readonly now?: Date;
}

/** Every violation the rules report, ordered by rule (as given), stack and address, then as reported. */
export async function evaluate(
  resources: readonly PolicyResource[],
  rules: readonly ActiveRule[],
  options: EvaluateOptions = {},
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const pending: Promise<unknown>[] = [];

  const finding = (rule: ActiveRule, resource: PolicyResource | undefined, stack: string, message: string): Finding => ({
    rule: rule.id,
    pack: rule.pack,
    level: rule.level,
    message: String(message),
    stack,
    address: resource?.address ?? "",
    ...(resource === undefined ? {} : { type: resource.type }),
    ...(resource?.key === undefined ? {} : { key: resource.key }),
    ...(resource?.source === undefined ? {} : { source: resource.source }),
  });
  const crashed = (rule: ActiveRule, resource: PolicyResource | undefined, stack: string, error: unknown): void => {
    if (error === NOT_APPLICABLE) return;
    options.onCrash?.(rule.id, resource?.address ?? stack, error);
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const where = resource !== undefined ? resource.address : stack === "" ? "the whole check" : `stack ${stack}`;
    findings.push({
      ...finding(rule, resource, stack, `rule '${rule.id}' crashed on ${where}: ${what}`),
      rule: "rule-crashed",
      pack: "engine",
      level: "mandatory",
      crashedRule: rule.id,
    });
  };
  /** What one validation returned: a promise is awaited with the rest at the end. */
  const settle = (rule: ActiveRule, resource: PolicyResource | undefined, stack: string, result: unknown): void => {
    if (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function") {
      pending.push(Promise.resolve(result).catch((error: unknown) => crashed(rule, resource, stack, error)));
    }
  };
  /** Runs one validation. */
  const run = (rule: ActiveRule, resource: PolicyResource | undefined, stack: string, call: () => unknown): void => {
    try {
      settle(rule, resource, stack, call());
    } catch (error) {
      crashed(rule, resource, stack, error);
    }
  };

  // Resource rules, indexed by the type their validateResourceOfType function carries.
  const byType = new Map<string, [ActiveRule, ResourceValidation][]>();
  const anyType: [ActiveRule, ResourceValidation][] = [];
  const stackRules: ActiveRule[] = [];
  for (const rule of rules) {
    const policy = rule.policy as Partial<ResourceValidationPolicy & StackValidationPolicy>;
    if (typeof policy.validateStack === "function") stackRules.push(rule);
    const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
    for (const validate of validations) {
      const type = pulumiTypeOf(validate);
      if (type === undefined) anyType.push([rule, validate]);
      else byType.set(type, [...(byType.get(type) ?? []), [rule, validate]]);
    }
  }

  if (anyType.length > 0) for (const [type, list] of byType) byType.set(type, [...list, ...anyType]);
  for (const resource of resources) {
    const validations = byType.get(resource.type) ?? anyType;
    for (const [rule, validate] of validations) {
      const report: ReportViolation = (message) => findings.push(finding(rule, resource, resource.stack, message));
      // As `run` does, without a closure per call: a national estate makes half a million.
      try {
        settle(rule, resource, resource.stack, validate(new ResourceArgs(resource, rule) as unknown as ResourceValidationArgs, report));
      } catch (error) {
        crashed(rule, resource, resource.stack, error);
      }
    }
  }

  if (stackRules.length > 0) {
    const today = vietnamDate(options.now ?? new Date());
    const stacks = new Map<string, PolicyResource[]>((options.stacks ?? []).map((stack) => [stack, []]));
    for (const r of resources) {
      const list = stacks.get(r.stack);
      if (list === undefined) stacks.set(r.stack, [r]);
      else list.push(r);
    }
    const byUrn = new Map<string, PolicyResource>();
    for (const r of options.removed ?? []) byUrn.set(r.urn, r);
    for (const r of resources) byUrn.set(r.urn, r);
    /** A finding of a stack rule: at the resource whose urn it names, else at the stack. */
    const reporter = (rule: ActiveRule, stack: string): ReportViolation => (message, urn) => {
      const resource = urn === undefined ? undefined : byUrn.get(urn);
      findings.push(finding(rule, resource, resource?.stack ?? stack, message));
    };
    const argsFor = (rule: ActiveRule, stack: string, members: readonly PolicyResource[]): GovcloudStackValidationArgs => {
      const plan = options.plans?.get(stack);
      return {
        resources: members as unknown as GovcloudStackValidationArgs["resources"],
        stackTags: NO_TAGS,
        getConfig: <T extends object>() => rule.config as T,
        notApplicable,
        stack,
        today,
        ...(plan === undefined ? {} : { plan }),
      };
    };
    for (const rule of stackRules) {
      const validate = (rule.policy as StackValidationPolicy).validateStack;
      if ((rule.policy as RuleExtras).scope === "check") {
        run(rule, undefined, "", () => validate(argsFor(rule, "", resources), reporter(rule, "")));
        continue;
      }
      for (const [stack, members] of stacks) {
        run(rule, undefined, stack, () => validate(argsFor(rule, stack, members), reporter(rule, stack)));
      }
    }
  }

  await Promise.all(pending);
  const order = new Map(rules.map((r, i) => [r.id, i]));
  const rank = (f: Finding) => order.get(f.crashedRule ?? f.rule) ?? rules.length;
  return findings.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      compare(a.rule, b.rule) ||
      compare(a.stack, b.stack) ||
      compare(a.address, b.address),
  );
}
