import { describe, expect, it } from "vitest";
import { AgencySchema } from "../../environments/agency-schema";
import { isLabelValue, labelSlug, managementRegionId, regionGreenLabels, tenantGreenLabels } from "../../estate/green-labels";
import { NATIONAL } from "../support/fixtures";
import { isOneBytePerCharacter } from "../support/string-storage";

const national = NATIONAL;

describe("green labels", () => {
  it("describe a region with label-safe values", () => {
    expect(regionGreenLabels("north", national.regions.north!)).toEqual({
      "green.govcloud.gov.vn/region": "north",
      "green.govcloud.gov.vn/site": "khu-cong-nghe-cao-hoa-lac",
      "green.govcloud.gov.vn/renewable-share": "30",
      "green.govcloud.gov.vn/pue": "1.35",
      "green.govcloud.gov.vn/grid-intensity": "659",
      "green.govcloud.gov.vn/certification": "none",
    });
    expect(regionGreenLabels("south", national.regions.south!)["green.govcloud.gov.vn/pue"]).toBe("1.40");
  });

  it("carry the region's certification when it has one", () => {
    const labels = regionGreenLabels("north", { ...national.regions.north!, greenCertification: "tcvn-green-dc" });
    expect(labels["green.govcloud.gov.vn/certification"]).toBe("tcvn-green-dc");
  });

  it("attribute a tenant to its agency and cost centre (the agency id unless it sets one)", () => {
    expect(tenantGreenLabels({ id: "bo-y-te" })).toEqual({ "green.govcloud.gov.vn/agency": "bo-y-te", "green.govcloud.gov.vn/cost-centre": "bo-y-te" });
    expect(tenantGreenLabels({ id: "bo-y-te", costCentre: "BYT.CNTT-01" })["green.govcloud.gov.vn/cost-centre"]).toBe("BYT.CNTT-01");
  });

  it("slug any site name to a valid label value", () => {
    expect(labelSlug("Khu Công nghệ cao Đà Nẵng")).toBe("khu-cong-nghe-cao-da-nang");
    expect(labelSlug("  --TP. Hồ Chí Minh!! ")).toBe("tp-ho-chi-minh");
    const long = labelSlug("Trung tâm dữ liệu quốc gia ".repeat(5));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(isLabelValue(long)).toBe(true);
  });

  it("keep a slug at one byte per character: it is in every object's labels (core/one-byte-text.ts)", () => {
    expect(isOneBytePerCharacter(labelSlug("Khu Công nghệ cao Đà Nẵng"))).toBe(true);
  });

  it("place the management cluster in its configured region, else the first", () => {
    expect(managementRegionId(national)).toBe("north");
    expect(managementRegionId({ ...national, managementCluster: { ...national.managementCluster, region: undefined } })).toBe("central");
  });
});

describe("agency schema: placement", () => {
  it("does not let a stateful service be flexible", () => {
    const result = AgencySchema.safeParse({
      id: "a",
      displayName: "A",
      level: "central",
      contacts: [{ name: "CNTT", role: "technical", email: "cntt@a.gov.vn" }],
      homeRegion: "north",
      drRegion: "south",
      quota: { cpu: 8, memoryGiB: 16, storageGiB: 100 },
      dataClassification: "internal",
      personalData: false,
      systems: { s: { name: "S", securityLevel: 1 } },
      workloads: { db: { template: "stateful-service", system: "s", image: `registry.north.govcloud.gov.vn/a/db@sha256:${"a".repeat(64)}`, placement: "flexible" } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["workloads.db.placement", "cannot be flexible for a stateful-service: its volumes live in the home region and are never destroyed, so it cannot move; use home"],
    ]);
  });
});
