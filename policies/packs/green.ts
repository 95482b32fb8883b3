/**
 * Green government cloud: every object is attributed to a region, site and agency for energy
 * metering and reporting, and every region deployed to meets the environment's energy targets.
 */
import objectsCarryGreenLabels from "../green/objects-carry-green-labels";
import regionsMeetGreenTargets from "../green/regions-meet-green-targets";
import type { PolicyPackDefinition } from "../engine/types";
import { energyEfficiencyLaw, iso30134, resolution175 } from "./controls";

const pack: PolicyPackDefinition = {
  name: "green",
  description: "Every object carries its region's and agency's green labels, and every region deployed to meets the green targets or has a dated exemption.",
  rules: [
    {
      rule: objectsCarryGreenLabels,
      level: "mandatory",
      explanation:
        "Energy metering, dashboards and cost reports group by the green labels; an object without them is energy nobody is accountable for.",
      controls: [resolution175("datacenters to green standards, energy planning"), energyEfficiencyLaw("energy use monitored and reported")],
    },
    {
      rule: regionsMeetGreenTargets,
      level: "mandatory",
      explanation: "Agencies' workloads go only to datacenters that meet the green targets, or whose shortfall someone has approved until a date.",
      controls: [resolution175("datacenters to green standards"), iso30134("2", "PUE"), iso30134("3", "REF"), energyEfficiencyLaw()],
    },
  ],
};
export default pack;
