/**
 * The environment's green targets: every region's PUE at most `green.targets.maxPue` and its
 * renewable share (REF) at least `green.targets.minRenewableShare`, and, where the environment
 * sets them, its WUE at most `maxWue`, its ERF at least `minErf` and its CUE at most `maxCue`
 * (ISO/IEC 30134), unless the region carries a dated, unexpired exemption.
 * The estate checks them on the validated environment (estate/environment-checks.ts), and a
 * failing region is reported at its own `energy` field.
 */

/** The parts of an environment the targets read. */
export interface GreenTargetInput {
  readonly regions: Readonly<
    Record<
      string,
      {
        readonly energy: {
          readonly pue: number;
          readonly renewableShare: number;
          readonly gridIntensityGCO2ePerKWh?: number;
          readonly wue?: number;
          readonly erf?: number;
        };
      }
    >
  >;
  readonly green: {
    readonly targets: {
      readonly maxPue: number;
      readonly minRenewableShare: number;
      readonly maxWue?: number;
      readonly minErf?: number;
      readonly maxCue?: number;
    };
    readonly exemptions: readonly { readonly region: string; readonly expires: string; readonly approvedBy: string }[];
  };
}

export interface GreenTargetProblem {
  /** Path from the environment's root. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Today's date in Vietnam (UTC+7, no daylight saving), `YYYY-MM-DD`: exemptions expire on Vietnamese days. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Every region that misses a target without a valid exemption, and every exemption that names
 * no region. An exemption holds up to and including its `expires` day; `today` is `YYYY-MM-DD`.
 */
export function greenTargetProblems(env: GreenTargetInput, today: string): GreenTargetProblem[] {
  const problems: GreenTargetProblem[] = [];
  const { maxPue, minRenewableShare, maxWue, minErf, maxCue } = env.green.targets;
  const regionIds = Object.keys(env.regions).sort();
  env.green.exemptions.forEach((exemption, i) => {
    if (!(exemption.region in env.regions)) {
      problems.push({ path: ["green", "exemptions", i, "region"], message: `names no region of this environment; regions: ${regionIds.join(", ")}` });
    }
  });
  for (const id of regionIds) {
    const { pue, renewableShare, gridIntensityGCO2ePerKWh, wue, erf } = (env.regions[id] as GreenTargetInput["regions"][string]).energy;
    const exemptions = env.green.exemptions.filter((e) => e.region === id);
    if (exemptions.some((e) => e.expires >= today)) continue;
    const expired = exemptions.map((e) => e.expires).sort().at(-1);
    const remedy =
      expired === undefined
        ? `improve the site, or add a dated exemption for region '${id}' under green.exemptions (reason, approvedBy, expires)`
        : `its exemption under green.exemptions expired on ${expired}: meet the target, or renew the exemption with a new approval and date`;
    if (pue > maxPue + 1e-9) {
      problems.push({ path: ["regions", id, "energy", "pue"], message: `is ${pue}, over the green target of at most ${maxPue} (green.targets.maxPue); ${remedy}` });
    }
    if (renewableShare < minRenewableShare - 1e-9) {
      problems.push({
        path: ["regions", id, "energy", "renewableShare"],
        message: `is ${renewableShare}, under the green target of at least ${minRenewableShare} (green.targets.minRenewableShare); ${remedy}`,
      });
    }
    const at = (field: string) => ["regions", id, "energy", field];
    if (maxWue !== undefined) {
      if (wue === undefined) problems.push({ path: ["regions", id, "energy"], message: `has no wue, but green.targets.maxWue is ${maxWue}: declare the site's water usage effectiveness (L/kWh)` });
      else if (wue > maxWue + 1e-9) problems.push({ path: at("wue"), message: `is ${wue}, over the green target of at most ${maxWue} (green.targets.maxWue); ${remedy}` });
    }
    if (minErf !== undefined) {
      if (erf === undefined) problems.push({ path: ["regions", id, "energy"], message: `has no erf, but green.targets.minErf is ${minErf}: declare the site's energy reuse factor (0..1)` });
      else if (erf < minErf - 1e-9) problems.push({ path: at("erf"), message: `is ${erf}, under the green target of at least ${minErf} (green.targets.minErf); ${remedy}` });
    }
    if (maxCue !== undefined && gridIntensityGCO2ePerKWh !== undefined) {
      const cue = carbonUsageEffectiveness(pue, gridIntensityGCO2ePerKWh);
      if (cue > maxCue + 1e-9) {
        problems.push({
          path: at("gridIntensityGCO2ePerKWh"),
          message: `gives a CUE of ${round3(cue)} kgCO2e per IT kWh (PUE ${pue} × ${gridIntensityGCO2ePerKWh} g/kWh), over the green target of at most ${maxCue} (green.targets.maxCue); ${remedy}`,
        });
      }
    }
  }
  return problems;
}

/**
 * Carbon usage effectiveness (ISO/IEC 30134-8), location-based: the CO2e of the site's total
 * energy per kWh of IT energy, kgCO2e/kWh = PUE × grid intensity. Renewable contracts do not
 * lower it (the market-based variant in the energy report does).
 */
export function carbonUsageEffectiveness(pue: number, gridIntensityGCO2ePerKWh: number): number {
  return (pue * gridIntensityGCO2ePerKWh) / 1000;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
