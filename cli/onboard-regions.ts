/**
 * The home and disaster-recovery regions of `govcloud onboard`: as given on the command line,
 * checked against the environment; else the defaults of estate/onboarding.ts (the parent's home
 * region, the province's serving region, the capital's; the nearest other region for DR).
 */
import { type Diagnostic, UserError } from "../environments/diagnostics";
import type { Loaded } from "../environments/loader";
import type { Environment } from "../environments/schema";
import { defaultDrRegion, defaultHomeRegion, type PlacementInput } from "../estate/onboarding";

export interface RegionOptions {
  readonly homeRegion?: string;
  readonly drRegion?: string;
}

export interface ChosenRegions {
  readonly homeRegion: string;
  readonly drRegion: string;
  /** Why a region was chosen; undefined when it was given. */
  readonly homeRegionReason?: string;
  readonly drRegionReason?: string;
}

/**
 * The regions of a new agency. Unknown regions are reported at the environment's `regions`;
 * the same region twice is a usage error.
 */
export function chooseRegions(
  environment: Loaded<Environment>,
  opts: RegionOptions,
  placement: PlacementInput,
  usage: (message: string) => never,
): ChosenRegions {
  const env = environment.value;
  const all = Object.keys(env.regions).sort();
  const at = environment.source.locateKey(["regions"]);
  const problems: Diagnostic[] = [];
  for (const [flag, region] of [["--home-region", opts.homeRegion], ["--dr-region", opts.drRegion]] as const) {
    if (region !== undefined && !all.includes(region)) {
      problems.push({ ...at, path: "regions", message: `has no region '${region}' (${flag}); known regions: ${all.join(", ")}` });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  if (opts.homeRegion !== undefined && opts.homeRegion === opts.drRegion) {
    usage(`--dr-region must differ from --home-region ('${opts.homeRegion}'): a disaster in one region must not take both copies`);
  }
  const onlyOne = () =>
    new UserError([
      { ...at, path: "regions", message: `has only one region (${all.join(", ")}); an agency needs a home and a different disaster-recovery region` },
    ]);
  if (all.length < 2) throw onlyOne();

  let home = opts.homeRegion === undefined ? defaultHomeRegion(env, placement) : { region: opts.homeRegion, reason: undefined };
  // A default home region may not be the DR region given on the command line.
  if (home !== undefined && opts.homeRegion === undefined && home.region === opts.drRegion) {
    const alternative = defaultDrRegion(env, home.region, placement.needsGpus);
    home = alternative === undefined ? undefined : { region: alternative.region, reason: `${alternative.reason} (--dr-region takes ${home.region})` };
  }
  if (home === undefined) throw onlyOne();
  const dr = opts.drRegion === undefined ? defaultDrRegion(env, home.region, placement.needsGpus) : { region: opts.drRegion, reason: undefined };
  if (dr === undefined) throw onlyOne();
  return {
    homeRegion: home.region,
    drRegion: dr.region,
    ...(home.reason === undefined ? {} : { homeRegionReason: home.reason }),
    ...(dr.reason === undefined ? {} : { drRegionReason: dr.reason }),
  };
}
