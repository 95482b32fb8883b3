import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { stringify } from "yaml";
import { deepMerge, sortKeysDeep, type Values } from "../estate/deep-merge";

export interface HelmAddOnProps {
  /** Helm release name (DNS-1123 label of at most 53 characters, Helm's limit). */
  readonly releaseName: string;
  /** Namespace of the release. It must already exist: the cluster baseline creates it, with its Pod Security level and default-deny policies. */
  readonly namespace: string;
  /** Chart name inside the registry, e.g. `ingress-nginx`. */
  readonly chart: string;
  /** Exact chart version, e.g. `4.12.1` (a leading `v` is allowed: some charts publish `v1.17.2`). Never a range. */
  readonly version: string;
  /** The region's in-country chart registry, e.g. `oci://registry.north.govcloud.gov.vn/charts`. */
  readonly chartRegistry: string;
  /**
   * The add-on's pinned values.
   * @default {}
   */
  readonly defaultValues?: Values;
  /**
   * The environment's values, deep-merged over `defaultValues` (objects merge, lists and scalars
   * replace, `null` deletes a key).
   * @default {}
   */
  readonly values?: Values;
  /**
   * Seconds Helm waits for the release's resources and hooks to become ready before it rolls back.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * What must exist first: the namespace, its network allow rules, priority classes, CRDs.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * How the chart puts labels on the objects it renders: the values that carry `labels` (for
   * example `{ commonLabels: labels }`), used by {@link HelmAddOn.addCommonLabels}.
   * @default - the chart takes no such value; addCommonLabels changes nothing
   */
  readonly commonLabelValues?: (labels: Readonly<Record<string, string>>) => Values;
}

/** Labels as a Helm values fragment, for a chart's {@link HelmAddOnProps.commonLabelValues}. */
export type CommonLabelValues = (labels: Readonly<Record<string, string>>) => Values;

/** Release settings every platform add-on shares; see the constructor for why. */
const MAX_HISTORY = 5;
const DEFAULT_TIMEOUT_SECONDS = 600;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OCI_URL = /^oci:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._-]+)*\/?$/;
/** semver.org's grammar, with an optional leading `v`; anything else (`^1.2`, `1.x`, `>=1`, `*`) is a range. */
const EXACT_VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/**
 * One Helm release of a platform add-on, pulled from the region's in-country OCI registry at a
 * pinned version, with the add-on's default values and the environment's values merged once,
 * here, and written as one YAML document with sorted keys (the same inputs give the same bytes).
 *
 * PlatformAddOns renders every add-on descriptor (estate/add-ons/) as one of these, in the
 * manner of EKS Blueprints' Helm add-on base.
 */
export class HelmAddOn extends Construct {
  public readonly release: Release;
  public readonly releaseName: string;
  public readonly namespace: string;
  public readonly chart: string;
  public readonly version: string;
  /** The oci:// repository the chart is pulled from. */
  public readonly repository: string;
  /** Whether the chart takes labels for its objects through values (addCommonLabels works). */
  public readonly supportsCommonLabels: boolean;
  private resolvedValues: Values;
  private readonly commonLabelValues?: CommonLabelValues;

  constructor(scope: Construct, id: string, props: HelmAddOnProps) {
    super(scope, id);
    const problems = HelmAddOn.validate(props);
    if (problems.length > 0) {
      throw new Error(`HelmAddOn '${props.releaseName}' is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.releaseName = props.releaseName;
    this.namespace = props.namespace;
    this.chart = props.chart;
    this.version = props.version;
    this.repository = props.chartRegistry.replace(/\/+$/, "");
    this.resolvedValues = sortKeysDeep(deepMerge(props.defaultValues ?? {}, props.values ?? {}));
    this.commonLabelValues = props.commonLabelValues;
    this.supportsCommonLabels = props.commonLabelValues !== undefined;

    this.release = new Release(this, "release", {
      name: this.releaseName,
      namespace: this.namespace,
      repository: this.repository,
      chart: this.chart,
      version: this.version,
      values: [renderValues(this.resolvedValues)],
      // The baseline owns namespaces (Pod Security labels, default-deny); a release that created
      // its own would bypass both.
      createNamespace: false,
      // A failed install or upgrade rolls back rather than leaving a half-applied platform
      // service in every tenant's path; `atomic` implies waiting for readiness.
      atomic: true,
      wait: true,
      waitForJobs: true,
      cleanupOnFail: true,
      timeout: props.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      // Every revision is a Secret in the namespace; a few are enough to roll back by hand.
      maxHistory: MAX_HISTORY,
      dependsOn: props.dependsOn ?? [],
    });
  }

  /**
   * The resolved values: defaults with the environment's values merged over them, then any
   * common labels, keys sorted.
   */
  public get values(): Values {
    return this.resolvedValues;
  }

  /**
   * Puts `labels` on every object the chart renders, through the chart's own labels values
   * (`commonLabelValues`), merged over the values so far. The green labels aspect calls it.
   * Returns false, changing nothing, when the chart has no such value.
   */
  public addCommonLabels(labels: Readonly<Record<string, string>>): boolean {
    if (this.commonLabelValues === undefined) return false;
    this.resolvedValues = sortKeysDeep(deepMerge(this.resolvedValues, this.commonLabelValues({ ...labels })));
    this.release.values = [renderValues(this.resolvedValues)];
    return true;
  }

  /** Every problem with the props, so that one error says all that is wrong. */
  public static validate(props: HelmAddOnProps): string[] {
    const problems: string[] = [];
    if (!DNS_LABEL.test(props.releaseName) || props.releaseName.length > 53) {
      problems.push(`releaseName '${props.releaseName}' must be a DNS-1123 label of at most 53 characters`);
    }
    if (!DNS_LABEL.test(props.namespace) || props.namespace.length > 63) {
      problems.push(`namespace '${props.namespace}' must be a DNS-1123 label`);
    }
    if (!DNS_LABEL.test(props.chart)) {
      problems.push(`chart '${props.chart}' must be a chart name such as ingress-nginx`);
    }
    if (!OCI_URL.test(props.chartRegistry)) {
      problems.push(
        `chartRegistry '${props.chartRegistry}' must be an oci:// URL of the in-country registry, such as oci://registry.north.govcloud.gov.vn/charts`,
      );
    }
    if (!EXACT_VERSION.test(props.version)) {
      problems.push(`version '${props.version}' must be an exact semantic version such as 4.12.1, not a range`);
    }
    const timeout = props.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeout) || timeout < 60 || timeout > 3600) {
      problems.push(`timeoutSeconds ${timeout} must be a whole number of seconds between 60 and 3600`);
    }
    return problems;
  }
}

/** Values as the one YAML document a release gets: sorted keys, no anchors, no folding. */
function renderValues(values: Values): string {
  return stringify(values, { lineWidth: 0, aliasDuplicateObjects: false });
}
