/**
 * Per-agency results of earlier builds, for long-running processes (`govcloud synth --watch`):
 * an agency's tenant blocks, checks and backup copies are rebuilt only when their inputs
 * changed. Their inputs are the environment and the agency (the same objects while their files
 * are unchanged, see engine/load-cache.ts) and a key derived from everything else they depend
 * on: a tenant's task (taskKey), a step's name and inputs (estate/agency-step.ts). A tenant
 * stack's merged blocks are kept while its tenants' blocks are the same objects.
 */
import type { Agency } from "../environments/agency-schema";
import type { Environment } from "../environments/schema";
import type { AgencyStep } from "../estate/agency-step";
import { digestOf } from "./digest";

export class EstateMemo {
  private environment: Environment | undefined;
  private byAgency = new WeakMap<Agency, Map<string, unknown>>();
  private readonly merged = new Map<string, { readonly parts: readonly object[]; readonly value: unknown }>();

  /** The strategy for buildEstate's per-agency steps: remembered by step name and a digest of the inputs. */
  public readonly agencyStep: AgencyStep = (environment, agency, step, inputs, compute) => this.remember(environment, agency, `${step} ${digestOf(inputs)}`, compute);

  public remember<T>(environment: Environment, agency: Agency, key: string, build: () => T): T {
    this.use(environment);
    let entries = this.byAgency.get(agency);
    if (entries === undefined) {
      entries = new Map();
      this.byAgency.set(agency, entries);
    }
    if (!entries.has(key)) entries.set(key, build());
    return entries.get(key) as T;
  }

  /**
   * A tenant stack's blocks, merged from its tenants' blocks (`parts`, in order): the previous
   * result while the parts are the same objects in the same order.
   */
  public rememberMerged<T>(environment: Environment, stack: string, parts: readonly object[], merge: () => T): T {
    this.use(environment);
    const previous = this.merged.get(stack);
    if (previous !== undefined && previous.parts.length === parts.length && previous.parts.every((p, i) => p === parts[i])) {
      return previous.value as T;
    }
    const value = merge();
    this.merged.set(stack, { parts: [...parts], value });
    return value;
  }

  /** Everything remembered was built from one environment: another one starts afresh. */
  private use(environment: Environment): void {
    if (environment === this.environment) return;
    this.environment = environment;
    this.byAgency = new WeakMap();
    this.merged.clear();
  }
}
