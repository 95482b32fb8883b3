/**
 * Every policy pack `govcloud check` runs. Adding a rule: write `policies/<pack>/<rule-id>.ts`,
 * add it to its pack here under policies/packs/, and give it a compliant and a non-compliant
 * fixture in test/policies/<pack>.test.ts.
 */
import type { PolicyPackDefinition } from "../engine/types";
import dataResidency from "./data-residency";
import kubernetesSecurity from "./kubernetes-security";
import tenantIsolation from "./tenant-isolation";

export const PACKS: readonly PolicyPackDefinition[] = [kubernetesSecurity, tenantIsolation, dataResidency];
