/**
 * Where a resource instance came from, by its for_each key (`<agency>[/<workload>][-><provider>]`):
 * sourceOf reads the key without splitting it (the policy gate asks for every instance); this
 * holds it to the reading by `split`, for keys made of the separators and the agencies' names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type SourceLocation, type SourcesFile, sourceOf } from "../../environments/source-map-file";

const SOURCES: SourcesFile = {
  version: 1,
  environment: { file: "environments/dev.yaml", line: 1, col: 1 },
  settings: {},
  agencies: {
    "bo-y-te": { file: "agencies/bo-y-te.yaml", line: 2, col: 5, workloads: { portal: { file: "agencies/bo-y-te.yaml", line: 9, col: 3 }, api: { file: "agencies/bo-y-te.yaml", line: 14, col: 3 } } },
    "so-y-te-ha-noi": { file: "agencies/so-y-te-ha-noi.yaml", line: 1, col: 5, workloads: {} },
  },
};

/** The reading sourceOf replaced: split on `->`, then on `/`. */
function bySplit(sources: SourcesFile, key: string, fallback: SourceLocation): SourceLocation {
  const [consumer] = key.split("->");
  const [agencyId, workload] = (consumer ?? "").split("/");
  const agency = agencyId === undefined ? undefined : sources.agencies[agencyId];
  if (agency === undefined) return fallback;
  const w = workload === undefined ? undefined : agency.workloads[workload];
  return w ?? { file: agency.file, line: agency.line, col: agency.col };
}

describe("sourceOf", () => {
  const fallback: SourceLocation = { file: "environments/dev.yaml", line: 30, col: 7 };
  const part = fc.constantFrom("bo-y-te", "so-y-te-ha-noi", "portal", "api", "other", "", "->", "/", "-", ">");

  it("reads a for_each key as splitting it on '->' and '/' would", () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 7 }), (parts) => {
        const key = parts.join("");
        expect(sourceOf(SOURCES, key, () => fallback)).toEqual(bySplit(SOURCES, key, fallback));
      }),
      { numRuns: 2000 },
    );
  });

  it("locates a workload's instance at its workload, an agency's at its id, anything else at the fallback", () => {
    expect(sourceOf(SOURCES, "bo-y-te/api->so-y-te-ha-noi", () => fallback)).toEqual({ file: "agencies/bo-y-te.yaml", line: 14, col: 3 });
    expect(sourceOf(SOURCES, "bo-y-te/unknown", () => fallback)).toEqual({ file: "agencies/bo-y-te.yaml", line: 2, col: 5 });
    expect(sourceOf(SOURCES, "so-y-te-ha-noi", () => fallback)).toEqual({ file: "agencies/so-y-te-ha-noi.yaml", line: 1, col: 5 });
    expect(sourceOf(SOURCES, "platform-ingress", () => fallback)).toBe(fallback);
    expect(sourceOf(SOURCES, undefined, () => fallback)).toBe(fallback);
  });
});
