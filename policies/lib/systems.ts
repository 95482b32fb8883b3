/**
 * The agencies' information systems and their security levels (Decree 85/2016/NĐ-CP), as rules
 * receive them: plain JSON configuration, derived from the agency files when an environment is
 * checked (`configFromEnvironment`), or given with `--policy-config`.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { Agency } from "../../environments/agency-schema";
import { compare } from "../../core/compare";

/** One information system of one agency. */
export interface SystemRecord {
  readonly agency: string;
  /** The system's id in the agency file (a key of `systems`). */
  readonly system: string;
  readonly name: string;
  /** 1 to 5. */
  readonly securityLevel: number;
  /** The approval of the level dossier, when there is one. */
  readonly approval?: { readonly decision: string; readonly approvedOn: string; readonly reviewDue: string };
}

/** The systems of the agencies, sorted by agency and system id. */
export function systemRecords(agencies: readonly Agency[]): SystemRecord[] {
  return agencies
    .flatMap((agency) =>
      Object.entries(agency.systems).map(([system, s]) => ({
        agency: agency.id,
        system,
        name: s.name,
        securityLevel: s.securityLevel,
        ...(s.approval === undefined ? {} : { approval: { ...s.approval } }),
      })),
    )
    .sort((a, b) => compare(a.agency, b.agency) || compare(a.system, b.system));
}

/** The configuration schema of a `systems` setting. */
export const SYSTEMS_CONFIG: PolicyConfigJSONSchema = {
  type: "array",
  description: "The agencies' information systems: from the environment's agency files, else from --policy-config",
  items: {
    type: "object",
    properties: {
      agency: { type: "string" },
      system: { type: "string" },
      name: { type: "string" },
      securityLevel: { type: "integer", minimum: 1, maximum: 5 },
      approval: {
        type: "object",
        properties: { decision: { type: "string" }, approvedOn: { type: "string" }, reviewDue: { type: "string" } },
      },
    },
    required: ["agency", "system", "securityLevel"],
  },
  default: [],
};

/**
 * The systems of each agency whose level is at least `level`. Levels accumulate: what level 3
 * requires, levels 4 and 5 require too.
 */
export function systemsAtLeast(systems: readonly SystemRecord[], level: number): Map<string, SystemRecord[]> {
  const out = new Map<string, SystemRecord[]>();
  for (const s of systems) {
    if (!(s.securityLevel >= level)) continue;
    out.set(s.agency, [...(out.get(s.agency) ?? []), s]);
  }
  return out;
}

/** `ho-so (level 4), du-lieu (level 3)`, for messages. */
export function describeSystems(systems: readonly SystemRecord[]): string {
  return systems.map((s) => `${s.system} (level ${s.securityLevel})`).join(", ");
}
