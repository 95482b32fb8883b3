import { describe, expect, it } from "vitest";
import { isPlainObject } from "../../../core/plain-object";
import { kyverno } from "../../../estate/add-ons/kyverno";
import { addOnValues } from "../../support/add-ons";

/** Every `image` object of the values, with its path. */
function images(value: unknown, path = ""): [string, Record<string, unknown>][] {
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const here = path === "" ? key : `${path}.${key}`;
    return key === "image" && isPlainObject(item) ? [[here, item] as [string, Record<string, unknown>]] : images(item, here);
  });
}

describe("kyverno", () => {
  const values = addOnValues("kyverno", { regionId: "central" });

  it("pins chart kyverno 3.5.1 in the kyverno namespace", () => {
    expect([kyverno.chart, kyverno.version, kyverno.namespace]).toEqual(["kyverno", "3.5.1", "kyverno"]);
  });

  it("sets global.image.registry and every component image's registry to the region's registry", () => {
    expect(values.global.image.registry).toBe("registry.central.govcloud.gov.vn");
    const found = images(values);
    expect(found.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        "global.image",
        "admissionController.initContainer.image",
        "admissionController.container.image",
        "backgroundController.image",
        "cleanupController.image",
        "reportsController.image",
        "webhooksCleanup.image",
        "test.image",
      ]),
    );
    for (const [path, image] of found) expect(image.registry, path).toBe("registry.central.govcloud.gov.vn");
  });

  it("runs three admission controllers and two of every other controller", () => {
    expect(values.admissionController.replicas).toBe(3);
    for (const c of ["backgroundController", "cleanupController", "reportsController"]) expect(values[c].replicas, c).toBe(2);
  });

  it("honours policy exceptions only in its own namespace", () => {
    expect(values.features.policyExceptions).toEqual({ enabled: true, namespace: "kyverno" });
  });

  it("runs every controller restricted, with requests and limits", () => {
    for (const container of [values.admissionController.container, values.backgroundController, values.cleanupController, values.reportsController]) {
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true });
      expect(Object.keys(container.resources).sort()).toEqual(["limits", "requests"]);
    }
  });
});
