import type { PolicyResource } from "@pulumi/policy";
import { GREEN_LABELS } from "../../estate/green-labels";
import { greenTargetProblems } from "../../estate/green-targets";
import { type Environment, GreenSettingsSchema } from "../../environments/schema";
import { checkContext } from "../lib/check-context";
import { labelsOf, metadataOf } from "../lib/tenancy";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudStackPolicy } from "../engine/types";

export interface Config {
  readonly maxPue: number;
  readonly minRenewableShare: number;
  /** Dated exceptions: region, reason, approvedBy, expires (YYYY-MM-DD, the last day it holds). */
  readonly exemptions: readonly { readonly region: string; readonly reason?: string; readonly approvedBy: string; readonly expires: string }[];
  /** Each region's figures, from the environment; without them, the green labels of the region's objects are read. */
  readonly regions?: Readonly<Record<string, { readonly pue: number; readonly renewableShare: number }>>;
}

/** The schema's defaults (environments/schema.ts), so that they are written once. */
const DEFAULT_TARGETS = GreenSettingsSchema.shape.targets.parse(undefined);

interface RegionSeen {
  /** The first object of the region, where findings are reported. */
  readonly anchor: PolicyResource;
  pue: number;
  renewableShare: number;
}

/** Per region (its green.govcloud.gov.vn/region label), the worst figures its objects' labels carry. */
function regionsInLabels(resources: readonly PolicyResource[]): Map<string, RegionSeen> {
  const out = new Map<string, RegionSeen>();
  for (const r of resources) {
    const labels = labelsOf(metadataOf(r.type, r.props));
    const region = labels[GREEN_LABELS.region];
    if (typeof region !== "string") continue;
    const pue = Number(labels[GREEN_LABELS.pue]);
    const share = Number(labels[GREEN_LABELS.renewableShare]) / 100;
    const seen = out.get(region) ?? { anchor: r, pue: Number.NEGATIVE_INFINITY, renewableShare: Number.POSITIVE_INFINITY };
    if (Number.isFinite(pue)) seen.pue = Math.max(seen.pue, pue);
    if (Number.isFinite(share)) seen.renewableShare = Math.min(seen.renewableShare, share);
    out.set(region, seen);
  }
  return out;
}

/**
 * Every region the Terraform deploys to meets the environment's green targets (Resolution
 * 175/NQ-CP: national datacenters to green standards): PUE at most `green.targets.maxPue` and a
 * renewable share of at least `green.targets.minRenewableShare`, unless the region has an
 * exemption under `green.exemptions` that has not expired on the day of the check (`--as-of`).
 * The figures are the environment's when one is checked, else the green labels of the region's
 * objects (docs/green-labels.md), the worst where they differ.
 */
const rule: GovcloudStackPolicy = {
  name: ruleId(__filename),
  description:
    "Every region deployed to has a PUE of at most green.targets.maxPue and a renewable share of at least green.targets.minRenewableShare, unless an exemption for it has not expired (figures from the environment, else from the objects' green labels).",
  scope: "check",
  configSchema: {
    properties: {
      maxPue: { type: "number", minimum: 1, default: DEFAULT_TARGETS.maxPue },
      minRenewableShare: { type: "number", minimum: 0, maximum: 1, default: DEFAULT_TARGETS.minRenewableShare },
      exemptions: {
        type: "array",
        items: { type: "object", properties: { region: { type: "string" }, approvedBy: { type: "string" }, expires: { type: "string" } }, required: ["region", "expires"] },
        default: [],
      },
      regions: { type: "object", description: "region id -> { pue, renewableShare }, from the environment" },
    },
  },
  configFromEnvironment: (env: Environment) => ({
    maxPue: env.green.targets.maxPue,
    minRenewableShare: env.green.targets.minRenewableShare,
    exemptions: env.green.exemptions.map((e) => ({ ...e })),
    regions: Object.fromEntries(Object.entries(env.regions).map(([id, r]) => [id, { pue: r.energy.pue, renewableShare: r.energy.renewableShare }])),
  }),
  validateStack: (args, report) => {
    const { maxPue, minRenewableShare, exemptions, regions } = args.getConfig<Config>();
    const { today } = checkContext(args);
    for (const [id, seen] of [...regionsInLabels(args.resources)].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const declared = regions?.[id];
      const energy = declared ?? { pue: seen.pue, renewableShare: seen.renewableShare };
      const problems = greenTargetProblems(
        { regions: { [id]: { energy } }, green: { targets: { maxPue, minRenewableShare }, exemptions: exemptions.filter((e) => e.region === id) } },
        today,
      );
      const from = declared === undefined ? " (read from the green labels of its objects)" : "";
      for (const p of problems) report(`region ${id}: ${p.path.slice(2).join(".")} ${p.message}${from}`, seen.anchor.urn);
    }
  },
};
export default rule;
