/**
 * How buildEstate evaluates its per-agency steps (an agency's own checks, the copies of its
 * tenants' backups): `compute` is a pure function of the environment, the agency and `inputs` (plain
 * data naming everything else it reads), and `step` names it. The estate's result does not
 * depend on the strategy: the default calls `compute`; the engine remembers results between the
 * runs of a watch session, keyed by a digest of `step` and `inputs` (engine/estate-memo.ts).
 */
import type { Agency } from "../environments/agency-schema";
import type { Environment } from "../environments/schema";

export type AgencyStep = <T>(environment: Environment, agency: Agency, step: string, inputs: object, compute: () => T) => T;

/** Computes every step, every time. */
export const computeAgencyStep: AgencyStep = (_environment, _agency, _step, _inputs, compute) => compute();
