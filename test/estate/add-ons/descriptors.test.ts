/**
 * Every add-on descriptor (estate/add-ons/), checked against the real charts in ../shared/charts
 * and against each other, one table over all of them: a new add-on's module is checked here
 * without a line of this file changing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { AddOnNetworkPolicy } from "../../../constructs/add-on-network-policy";
import {
  ADD_ON_NAMES,
  ADD_ONS,
  type AddOnName,
  installationOrder,
  labelValues,
  NODE_AGENTS,
} from "../../../estate/add-ons";
import { POD_SECURITY_ORDER } from "../../../estate/add-on-descriptor";
import { deepMerge, stringsIn, type Values } from "../../../estate/deep-merge";
import { formatValuesPath, walkValues } from "../../../policies/lib/helm-values";
import { isTrue } from "../../../policies/lib/values";
import { PRIVILEGED_KEYS } from "../../../policies/kubernetes-security/helm-values-not-privileged";
import { CHARTS_DIR, loadChart, unknownPaths } from "../../support/chart-values";
import { contextFor } from "../../support/add-ons";
import { DEV } from "../../support/fixtures";

/** Each descriptor with its values for a region of national (monitoring installed) and of dev (a laptop, no monitoring). */
const cases = ADD_ON_NAMES.map((name) => ({
  name,
  descriptor: ADD_ONS[name],
  national: ADD_ONS[name].values(contextFor(name)),
  dev: ADD_ONS[name].values(contextFor(name, { environment: DEV, regionId: "north" })),
}));

const ADD_ONS_DIR = path.resolve(__dirname, "..", "..", "..", "estate", "add-ons");

describe("the add-on registry", () => {
  it("lists every module of estate/add-ons/, by its file name", () => {
    const modules = fs
      .readdirSync(ADD_ONS_DIR)
      .filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "catalog.ts")
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect([...ADD_ON_NAMES].sort()).toEqual(modules);
  });

  it("orders every add-on after the add-ons it depends on, and none depends on itself or an unknown add-on", () => {
    const order = installationOrder(ADD_ON_NAMES);
    expect([...order].sort()).toEqual([...ADD_ON_NAMES].sort());
    for (const { name, descriptor } of cases) {
      for (const dependency of descriptor.dependencies) {
        expect(ADD_ON_NAMES, `${name} -> ${dependency.addOn}`).toContain(dependency.addOn);
        expect(dependency.addOn, name).not.toBe(name);
        expect(order.indexOf(dependency.addOn as AddOnName), `${name} -> ${dependency.addOn}`).toBeLessThan(order.indexOf(name));
        expect(dependency.reason.trim(), `${name} -> ${dependency.addOn}`).not.toBe("");
      }
    }
  });

  it("derives the node agents from the descriptors, each agent once", () => {
    const declared = cases.flatMap(({ name, descriptor }) => Object.keys(descriptor.nodeAgents).map((agent) => `${agent}:${name}`));
    expect(Object.entries(NODE_AGENTS).map(([agent, { addOn }]) => `${agent}:${addOn}`)).toEqual(declared);
  });
});

describe.each(cases)("add-on $name", ({ name, descriptor, national, dev }) => {
  const chart = loadChart(descriptor.chart, descriptor.version);

  it("pins a chart version of ../shared/charts, with its name", () => {
    expect(chart.name).toBe(descriptor.chart);
    expect(chart.version).toBe(descriptor.version);
  });

  it("gives values the chart's values schema accepts, merged over the chart's defaults as Helm does", () => {
    const file = path.join(CHARTS_DIR, `${descriptor.chart}-${descriptor.version}`, "values.schema.json");
    if (!fs.existsSync(file)) {
      // No schema: the chart-values test checks every path against the defaults instead.
      expect(unknownPaths(chart, national)).toEqual([]);
      return;
    }
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(fs.readFileSync(file, "utf8")) as object);
    for (const values of [national, dev]) {
      const ok = validate(deepMerge(chart.defaults, values));
      expect(validate.errors ?? [], name).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("sets only values paths the chart knows", () => {
    expect(unknownPaths(chart, national)).toEqual([]);
    expect(unknownPaths(chart, dev)).toEqual([]);
  });

  it("puts labels only at values paths the chart has", () => {
    expect(descriptor.labelValuePaths.length).toBeGreaterThan(0);
    const labels = labelValues(descriptor.labelValuePaths, { "govcloud.gov.vn/energy-zone": "north" });
    expect(unknownPaths(chart, labels)).toEqual([]);
    // A labels path must reach a map of the chart (or one its defaults leave empty), not a setting.
    for (const labelPath of descriptor.labelValuePaths) {
      const owner = labelPath[0] !== undefined && chart.subcharts.has(labelPath[0]) ? chart.subcharts.get(labelPath[0])! : chart;
      const rest = owner === chart ? labelPath : labelPath.slice(1);
      let node: unknown = owner.defaults;
      for (const key of rest) node = node !== null && typeof node === "object" ? (node as Values)[key] : undefined;
      expect(node === undefined || node === null || (typeof node === "object" && !Array.isArray(node)), labelPath.join(".")).toBe(true);
    }
  });

  it("needs more than restricted Pod Security only with a reason, and sets privileged values only where it says why", () => {
    expect(POD_SECURITY_ORDER).toContain(descriptor.podSecurity);
    if (descriptor.podSecurity !== "restricted") expect(descriptor.podSecurityReason.trim().length).toBeGreaterThan(10);
    for (const reason of Object.values(descriptor.privilegedValues)) expect(reason.trim().length).toBeGreaterThan(10);
    if (Object.keys(descriptor.privilegedValues).length > 0) expect(descriptor.podSecurity).toBe("privileged");
    for (const values of [national, dev]) {
      for (const { path: at, key, value } of walkValues(values)) {
        if (!PRIVILEGED_KEYS.includes(key) || !isTrue(value)) continue;
        expect(Object.keys(descriptor.privilegedValues), `${name} sets ${formatValuesPath(at)}`).toContain(formatValuesPath(at));
      }
    }
  });

  it("pulls every image it pins at the tag it declares", () => {
    const strings = [...stringsIn(national)].map((s) => s.value);
    for (const [repository, tag] of Object.entries(descriptor.imageTags)) {
      const pinned = strings.some((s) => s.endsWith(`/${repository}:${tag}`)) || (strings.some((s) => s.endsWith(`/${repository}`)) && strings.includes(tag));
      expect(pinned, `${repository}:${tag}`).toBe(true);
    }
  });

  it("lists valid network allow rules", () => {
    expect(AddOnNetworkPolicy.validate(descriptor.networkAllows)).toEqual([]);
    expect(descriptor.networkAllows.map((a) => a.name)).toContain("kubernetes-api-egress");
  });

  it("creates ServiceMonitors only when it declares its dependency on monitoring", () => {
    const on = descriptor.values({ ...contextFor(name), serviceMonitors: true });
    const off = descriptor.values({ ...contextFor(name), serviceMonitors: false });
    if (JSON.stringify(on) !== JSON.stringify(off)) expect(descriptor.dependencies.map((d) => d.addOn)).toContain("monitoring");
  });

  it("computes its values purely: the same context gives the same values", () => {
    expect(JSON.stringify(descriptor.values(contextFor(name)))).toBe(JSON.stringify(national));
  });
});
