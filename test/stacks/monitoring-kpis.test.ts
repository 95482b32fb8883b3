/**
 * The runtime KPIs in the platform stacks of every environment: the PrometheusRules that
 * kube-prometheus-stack creates from its `additionalPrometheusRulesMap` value validate against
 * the real PrometheusRule CRD, every PromQL expression (rules and dashboards) parses with
 * Prometheus's own grammar, every tenant Schedule of a region is watched against the RPO its
 * Schedule declares, the dashboards carry the label the chart's Grafana sidecar watches, the
 * Kepler metric names are those of the pinned chart's version, and no platform stack holds a
 * PrometheusRule as a kubernetes_manifest (its CRD comes with the release in the same stack).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { parser } from "@prometheus-io/lezer-promql";
import { beforeAll, describe, expect, it } from "vitest";
import { listEnvironments } from "../../environments";
import { synthesizedOutput } from "../support/synthesized";
import { GRAFANA_DASHBOARD_LABEL } from "../../estate/grafana-dashboards";
import { METRICS, type PrometheusRuleSpec } from "../../estate/monitoring-rules";
import { crdsDir, loadCrdValidators } from "../support/crd-validation";
import { manifestInstances } from "../support/manifests";
import { readStacks, REPO_ROOT, type TerraformJson } from "../support/synth";

type Json = Record<string, unknown>;
const CHARTS = path.resolve(REPO_ROOT, "..", "shared", "charts");

/** Problems of a PromQL expression: lezer error nodes, with where they are. */
function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`);
    },
  });
  return errors;
}

function monitoringValues(doc: TerraformJson): Json {
  const releases = Object.values((doc.resource?.helm_release ?? {}) as Record<string, Json>);
  const release = releases.find((r) => r.name === "monitoring");
  if (release === undefined) throw new Error("no monitoring release");
  return YAML.parse((release.values as string[])[0] as string) as Json;
}

it("the PromQL check finds a broken expression (the parser is live)", () => {
  expect(promqlErrors("sum(rate(x[5m])")).not.toEqual([]);
  expect(promqlErrors("sum by (a) (rate(x{b=~\"c|d\"}[5m])) > 0")).toEqual([]);
});

it("the CRD check rejects a bad rule group (the validator is live, Go's (?i) pattern included)", () => {
  const validators = loadCrdValidators(crdsDir());
  const rule = (group: Json) => ({ apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "x", namespace: "monitoring" }, spec: { groups: [group] } });
  expect(validators.validate(rule({ name: "g", partial_response_strategy: "Warn", rules: [{ record: "a:b", expr: "up" }] }))).toEqual([]);
  expect(validators.validate(rule({ name: "g", partial_response_strategy: "sometimes", rules: [] }))).not.toEqual([]);
  expect(validators.validate(rule({ name: "g", rules: [{ record: "a:b", expr: "up", severity: "x" }] }))).not.toEqual([]);
});

describe.each(listEnvironments(REPO_ROOT))("environment %s", (name) => {
  let stacks: Map<string, TerraformJson>;
  beforeAll(() => {
    stacks = readStacks(synthesizedOutput(name));
  });
  // Platform stacks that install monitoring (dev turns it off).
  const platforms = () => [...stacks].filter(([stack, doc]) => stack.startsWith("platform-") && Object.values((doc.resource?.helm_release ?? {}) as Record<string, Json>).some((r) => r.name === "monitoring"));

  it("ships PrometheusRules through the chart's values that validate against the real CRD, with PromQL that parses", () => {
    const validators = loadCrdValidators(crdsDir());
    const problems: string[] = [];
    let rules = 0;
    for (const [stack, doc] of platforms()) {
      const map = monitoringValues(doc).additionalPrometheusRulesMap as Record<string, PrometheusRuleSpec>;
      expect(Object.keys(map).sort()).toEqual(["govcloud-backups", "govcloud-certificates", "govcloud-energy", "govcloud-quotas"]);
      for (const [key, spec] of Object.entries(map)) {
        // What the chart's additionalPrometheusRules.yaml template renders for each entry.
        const object = { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: `monitoring-${key}`, namespace: "monitoring" }, spec };
        for (const p of validators.validate(object)) problems.push(`${stack} ${key}: ${p.path}: ${p.message}`);
        for (const group of spec.groups) {
          for (const rule of group.rules) {
            rules++;
            for (const e of promqlErrors(rule.expr)) problems.push(`${stack} ${key} ${group.name} ${"alert" in rule ? rule.alert : rule.record}: ${e}`);
            if ("alert" in rule) expect(["warning", "critical"]).toContain(rule.labels.severity);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    if (name === "national") {
      expect(platforms().map(([stack]) => stack)).toEqual(["platform-central", "platform-north", "platform-south"]);
      expect(rules).toBeGreaterThan(0);
    }
  });

  it("watches every tenant Schedule of a region against the RPO its Schedule declares", () => {
    for (const [stack, doc] of platforms()) {
      const region = stack.slice("platform-".length);
      const map = monitoringValues(doc).additionalPrometheusRulesMap as Record<string, PrometheusRuleSpec>;
      // Schedule name -> the RPO of the rule group whose selector lists it.
      const watched = new Map<string, string>();
      for (const group of map["govcloud-backups"]?.groups ?? []) {
        for (const rule of group.rules) {
          if (!("record" in rule) || rule.record !== "govcloud:velero_schedule_rpo_seconds") continue;
          const rpo = rule.labels?.rpo_hours as string;
          for (const n of /schedule=~"([^"]*)"/.exec(rule.expr)?.[1]?.split("|") ?? []) {
            expect(watched.has(n), `${n} watched once`).toBe(false);
            watched.set(n.replace(/\\\\/g, ""), rpo);
          }
          expect(rule.expr).toMatch(new RegExp(`\\* 0 \\+ ${Number(rpo) * 3600}$`));
        }
      }
      const expected = new Map<string, string>();
      for (const [tenantStack, tenantDoc] of stacks) {
        if (!tenantStack.startsWith(`tenants-${region}-`)) continue;
        for (const { manifest } of manifestInstances(tenantDoc)) {
          const m = manifest as { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> } };
          if (m.kind !== "Schedule") continue;
          expected.set(m.metadata?.name as string, m.metadata?.annotations?.["govcloud.gov.vn/rpo-hours"] as string);
        }
      }
      expect(watched).toEqual(expected);
      if (name === "national") expect(expected.size, stack).toBeGreaterThan(0);
    }
  });

  it("has dashboards as ConfigMaps with the label the chart's Grafana sidecar watches, with PromQL that parses", () => {
    const values = YAML.parse(fs.readFileSync(path.join(CHARTS, "kube-prometheus-stack-72.6.2", "values.yaml"), "utf8")) as {
      grafana: { sidecar: { dashboards: { label: string; labelValue: string; searchNamespace: string } } };
    };
    const sidecar = values.grafana.sidecar.dashboards;
    expect(GRAFANA_DASHBOARD_LABEL).toEqual({ key: sidecar.label, value: sidecar.labelValue });
    for (const [stack, doc] of platforms()) {
      const maps = Object.values((doc.resource?.kubernetes_config_map_v1 ?? {}) as Record<string, Json>).filter((c) =>
        String((c.metadata as Json).name).startsWith("dashboard-"),
      );
      expect(maps.length, stack).toBe(4);
      for (const map of maps) {
        const metadata = map.metadata as { labels: Record<string, string>; namespace: string };
        expect(metadata.labels[sidecar.label]).toBe(sidecar.labelValue);
        // The sidecar searches every namespace, or the release's own.
        expect(sidecar.searchNamespace === "ALL" || metadata.namespace === "monitoring").toBe(true);
        for (const text of Object.values(map.data as Record<string, string>)) {
          const dashboard = JSON.parse(text) as { uid: string; panels: { targets: { expr: string }[] }[] };
          expect(dashboard.uid).toMatch(new RegExp(`-${stack.slice("platform-".length)}$`));
          for (const target of dashboard.panels.flatMap((p) => p.targets)) expect(promqlErrors(target.expr), target.expr).toEqual([]);
        }
      }
    }
  });

  it("holds no PrometheusRule or ServiceMonitor as a kubernetes_manifest in a platform stack (their CRDs come with its own release)", () => {
    for (const [stack, doc] of platforms()) {
      const kinds = manifestInstances(doc).map(({ manifest }) => (manifest as { kind?: string }).kind);
      expect(kinds, stack).not.toContain("PrometheusRule");
      expect(kinds, stack).not.toContain("ServiceMonitor");
    }
  });
});

describe("Kepler metric names", () => {
  it("are those of the pinned chart's Kepler (0.10 and later renamed them to kepler_<level>_cpu_joules_total)", () => {
    const chart = YAML.parse(fs.readFileSync(path.join(CHARTS, "kepler-0.11.1", "Chart.yaml"), "utf8")) as { appVersion: string };
    const [major, minor] = chart.appVersion.replace(/^v/, "").split(".").map(Number);
    expect((major as number) > 0 || (minor as number) >= 10).toBe(true);
    expect(Object.values(METRICS.kepler).sort()).toEqual(["kepler_container_cpu_joules_total", "kepler_node_cpu_joules_total", "kepler_pod_cpu_joules_total"]);
  });

  it("are the only Kepler names the rules and dashboards use", () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "estate", "monitoring-rules.ts"), "utf8") + fs.readFileSync(path.join(REPO_ROOT, "estate", "grafana-dashboards.ts"), "utf8");
    // Kepler's metrics end in _total; govcloud's recording rules are named govcloud:kepler_*.
    const used = new Set(text.match(/(?<!govcloud:)\bkepler_[a-z_]+_total\b/g) ?? []);
    expect([...used].sort()).toEqual(Object.values(METRICS.kepler).sort());
  });
});
