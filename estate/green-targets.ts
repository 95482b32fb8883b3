/**
 * The environment's green targets: every region's PUE at most `green.targets.maxPue` and its
 * renewable share at least `green.targets.minRenewableShare`, unless the region carries a
 * dated, unexpired exemption. Structural types only: the environment schema calls this while it
 * validates, so a failing region is reported at its own `energy` field.
 */

/** The parts of an environment the targets read. */
export interface GreenTargetInput {
  readonly regions: Readonly<Record<string, { readonly energy: { readonly pue: number; readonly renewableShare: number } }>>;
  readonly green: {
    readonly targets: { readonly maxPue: number; readonly minRenewableShare: number };
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
  const { maxPue, minRenewableShare } = env.green.targets;
  const regionIds = Object.keys(env.regions).sort();
  env.green.exemptions.forEach((exemption, i) => {
    if (!(exemption.region in env.regions)) {
      problems.push({ path: ["green", "exemptions", i, "region"], message: `names no region of this environment; regions: ${regionIds.join(", ")}` });
    }
  });
  for (const id of regionIds) {
    const { pue, renewableShare } = (env.regions[id] as GreenTargetInput["regions"][string]).energy;
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
  }
  return problems;
}
