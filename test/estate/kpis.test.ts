/**
 * The KPI rules that the national sample does not exercise: placeholder decisions and past
 * review dates do not count as approved (and the overdue ones are listed), a namespace without a
 * copy elsewhere or backed up less often than its RPO is not counted, an endpoint abroad is not,
 * and a KPI without data says so.
 */
import { describe, expect, it } from "vitest";
import { configuredEndpoints, isPlaceholderDecision, type KpiInputs, measureKpis } from "../../estate/kpis";
import { NATIONAL, sampleAgency, WORKLOAD_SAMPLES } from "../support/fixtures";

const UNITS = { provincial: 34, commune: 3321, source: "test" };

function inputs(overrides: Partial<KpiInputs>): KpiInputs {
  return { environment: NATIONAL, agencies: [], units: UNITS, today: "2026-06-01", tenantStacks: [], backups: [], ...overrides };
}

const kpi = (input: KpiInputs, id: string) => measureKpis(input).kpis.find((k) => k.id === id);

describe("measureKpis", () => {
  it("counts a system approved only with a real decision whose review is not past, and lists the overdue", () => {
    const approval = (decision: string, reviewDue: string) => ({ name: "Hệ thống", securityLevel: 2, approval: { decision, approvedOn: "2025-01-01", reviewDue } });
    const agency = sampleAgency(
      {},
      {
        systems: {
          current: approval("12/QĐ-BTC", "2027-01-01"),
          "due-today": approval("13/QĐ-BTC", "2026-06-01"),
          overdue: approval("14/QĐ-BTC", "2026-05-31"),
          placeholder: approval("TODO: number of the approval decision", "2028-01-01"),
          "level-1": { name: "Cổng", securityLevel: 1 },
        },
      },
    );
    const input = inputs({ agencies: [agency] });
    expect(kpi(input, "systems-approved")).toMatchObject({ numerator: 2, denominator: 5, status: "not-met" });
    expect(kpi(input, "systems-approved")?.gaps).toEqual([
      "bo-tai-chinh/level-1 (no approval)",
      "bo-tai-chinh/overdue (review due 2026-05-31)",
      "bo-tai-chinh/placeholder (placeholder decision)",
    ]);
    expect(measureKpis(input).overdue).toEqual(["bo-tai-chinh/overdue (review due 2026-05-31)"]);
  });

  it("recognises the placeholder govcloud onboard writes", () => {
    expect(isPlaceholderDecision("TODO: number of the approval decision")).toBe(true);
    expect(isPlaceholderDecision(" ")).toBe(true);
    expect(isPlaceholderDecision("845/QĐ-BYT")).toBe(false);
  });

  it("counts a namespace only with a copy in another region and backups within its RPO", () => {
    const input = inputs({
      backups: [
        { namespace: "tenant-a", regionId: "north", rpoHours: 12, intervalHours: 12, copyRegions: ["north", "south"] },
        { namespace: "tenant-b", regionId: "north", rpoHours: 24, intervalHours: 24, copyRegions: ["north"] },
        { namespace: "tenant-c", regionId: "north", rpoHours: 4, intervalHours: 6, copyRegions: ["north", "central"] },
      ],
    });
    expect(kpi(input, "namespaces-backed-up-cross-region")).toMatchObject({
      numerator: 1,
      denominator: 3,
      gaps: ["north/tenant-b (no copy in another region)", "north/tenant-c (backups every 6 h, RPO 4 h)"],
    });
  });

  it("says no-data for the green labels when nothing was synthesized, and counts what the rule found lacking", () => {
    expect(kpi(inputs({}), "objects-green-labelled")).toMatchObject({ value: null, status: "no-data" });
    expect(kpi(inputs({ objects: { total: 4, unlabelled: ["platform-north/x"] } }), "objects-green-labelled")).toMatchObject({ numerator: 3, denominator: 4, value: 0.75 });
  });

  it("counts an image from abroad as an endpoint outside Vietnam", () => {
    const abroad = sampleAgency({ app: { ...WORKLOAD_SAMPLES.worker, image: `docker.io/library/app@sha256:${"a".repeat(64)}` } });
    const result = kpi(inputs({ agencies: [abroad] }), "endpoints-in-country");
    expect(result?.denominator).toBe(configuredEndpoints(NATIONAL, [abroad]).length);
    expect(result?.numerator).toBe((result?.denominator ?? 0) - 1);
    expect(result?.gaps).toEqual(["bo-tai-chinh.workloads.app.image: docker.io"]);
  });

  it("counts onboarded units once per unit code", () => {
    const province = (id: string, code: string) => sampleAgency({}, { id, level: "provincial", code });
    const input = inputs({ agencies: [province("thanh-pho-hue", "46"), province("so-y-te-hue", "46"), province("tinh-lao-cai", "15")] });
    expect(kpi(input, "provinces-onboarded")).toMatchObject({ numerator: 2, denominator: 34 });
    expect(kpi(input, "communes-onboarded")).toMatchObject({ numerator: 0, denominator: 3321, value: 0 });
  });

  it("with an agency, counts its systems, workloads, namespaces and endpoints only, and the estate-wide KPIs are not applicable", () => {
    const mine = sampleAgency({ app: WORKLOAD_SAMPLES.worker });
    const other = sampleAgency({}, { id: "bo-y-te" });
    const input = inputs({
      agencies: [mine, other],
      agency: mine.id,
      backups: [
        { agencyId: mine.id, namespace: "tenant-bo-tai-chinh", regionId: "north", rpoHours: 12, intervalHours: 12, copyRegions: ["north", "south"] },
        { agencyId: other.id, namespace: "tenant-bo-y-te", regionId: "north", rpoHours: 12, intervalHours: 12, copyRegions: ["north"] },
      ],
    });
    const report = measureKpis(input);
    expect(report.agency).toBe(mine.id);
    expect(kpi(input, "systems-approved")?.denominator).toBe(Object.keys(mine.systems).length);
    expect(kpi(input, "open-data-agencies")?.denominator).toBe(1);
    expect(kpi(input, "namespaces-backed-up-cross-region")).toMatchObject({ numerator: 1, denominator: 1 });
    expect(kpi(input, "endpoints-in-country")).toMatchObject({ numerator: 1, denominator: 1 });
    for (const id of ["provinces-onboarded", "communes-onboarded", "regions-meeting-pue-target", "regions-meeting-renewable-target", "regions-within-capacity"]) {
      expect(kpi(input, id), id).toMatchObject({ status: "not-applicable", value: null, denominator: 0 });
    }
    // The sites stay whole; the agency's share is part of what is allocated.
    for (const r of report.regions) expect(r.agencyShare!.facilityKWh).toBeLessThanOrEqual(r.site.allocated.facilityKWh + 1e-9);
    expect(report.regions.reduce((n, r) => n + r.agencyShare!.facilityKWh, 0)).toBeGreaterThan(0);
  });

  it("judges a region by its site KPIs: an exempt region is shown with its exemption, not counted as meeting the target", () => {
    const region = Object.keys(NATIONAL.regions).sort()[0]!;
    const environment = {
      ...NATIONAL,
      regions: { ...NATIONAL.regions, [region]: { ...NATIONAL.regions[region]!, energy: { ...NATIONAL.regions[region]!.energy, pue: 1.9 } } },
      green: { ...NATIONAL.green, exemptions: [{ region, expires: "2027-01-01", approvedBy: "test", reason: "test" }] },
    } as typeof NATIONAL;
    const report = measureKpis(inputs({ environment }));
    const figures = report.regions.find((r) => r.regionId === region)!;
    expect(figures).toMatchObject({ pue: 1.9, pueStatus: "not-met", exemptUntil: "2027-01-01" });
    expect(figures.siteKpis.targets.find((t) => t.kpi === "PUE")?.status).toMatch(/^exempt until 2027-01-01/);
    expect(kpi(inputs({ environment }), "regions-meeting-pue-target")?.gaps).toEqual([`${region} (PUE 1.9 > ${NATIONAL.green.targets.maxPue}, exempt until 2027-01-01)`]);
  });
});
