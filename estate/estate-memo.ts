import type { Agency } from "../environments/agency-schema";
import type { Environment } from "../environments/schema";

/**
 * Per-agency results of earlier builds, for long-running processes (`govcloud synth --watch`):
 * an agency's tenant blocks and backups are rebuilt only when their inputs changed. Their inputs
 * are the environment and the agency (the same objects while their files are unchanged, see
 * environments/load-cache.ts) and a key naming everything else they depend on (region, role,
 * placement, dependency edges).
 */
export class EstateMemo {
  private environment: Environment | undefined;
  private byAgency = new WeakMap<Agency, Map<string, unknown>>();

  public remember<T>(environment: Environment, agency: Agency, key: string, build: () => T): T {
    if (environment !== this.environment) {
      this.environment = environment;
      this.byAgency = new WeakMap();
    }
    let entries = this.byAgency.get(agency);
    if (entries === undefined) {
      entries = new Map();
      this.byAgency.set(agency, entries);
    }
    if (!entries.has(key)) entries.set(key, build());
    return entries.get(key) as T;
  }
}
