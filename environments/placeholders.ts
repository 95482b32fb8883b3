/**
 * Placeholders: what `govcloud onboard` (cli/onboard.ts) writes where only the agency knows the
 * answer — `"TODO: full name"`, `"TODO: number of the approval decision"` — so that the file is
 * valid as written and synthesizes. Such a value must not stay: `govcloud validate` warns about
 * each one at its line, and the policy gate fails an agency that deploys with one
 * (systems-have-current-approval for an approval decision, agency-files-have-no-placeholders
 * for the rest).
 */
import type { Agency } from "./agency-schema";

/** How every onboarding placeholder value starts. */
export const PLACEHOLDER_PREFIX = "TODO";

/** Whether a value is (still) an onboarding placeholder: a string starting with `TODO`. */
export function isPlaceholder(value: unknown): value is string {
  return typeof value === "string" && /^\s*TODO\b/.test(value);
}

/** One placeholder left in an agency file. */
export interface Placeholder {
  /** Field path in the agency file, e.g. `["systems", "cong-dich-vu", "approval", "decision"]`. */
  readonly path: readonly (string | number)[];
  readonly value: string;
  /** What the agency must write instead, for messages. */
  readonly fillIn: string;
}

/** Every placeholder value of an agency, in field order. */
export function agencyPlaceholders(agency: Agency): Placeholder[] {
  const out: Placeholder[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (isPlaceholder(value)) out.push({ path, value, fillIn: fillInFor(path) });
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (typeof value === "object" && value !== null) for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
  };
  walk(agency, []);
  return out;
}

/** What a field at `path` needs, in words. */
function fillInFor(path: readonly (string | number)[]): string {
  const [first, , third, fourth] = path;
  const last = path[path.length - 1];
  if (first === "systems" && third === "approval" && fourth === "decision") return "the number of the decision that approved the system's security level dossier";
  if (first === "systems" && last === "name") return "the system's official name, as in its security level dossier";
  if (first === "contacts" && last === "name") return "the full name of the official responsible";
  if (first === "contacts") return `the contact's real ${String(last)}`;
  if (first === "displayName") return "the agency's official name";
  return "the real value";
}
