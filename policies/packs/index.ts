/**
 * Every policy pack `govcloud check` runs. Adding a rule: write `policies/<pack>/<rule-id>.ts`,
 * add it to its pack here under policies/packs/, and give it compliant and non-compliant fixtures
 * in test/policies/packs/<pack>.ts for every resource type it declares (test/policies/rules.test.ts
 * checks, by rule id and type).
 */
import type { PolicyPackDefinition } from "../engine/types";
import backup from "./backup";
import dataResidency from "./data-residency";
import green from "./green";
import kubernetesSecurity from "./kubernetes-security";
import personalData from "./personal-data";
import securityLevel from "./security-level";
import tenantIsolation from "./tenant-isolation";

export const PACKS: readonly PolicyPackDefinition[] = [kubernetesSecurity, tenantIsolation, dataResidency, backup, green, securityLevel, personalData];
