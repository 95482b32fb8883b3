/** Data, backups, charts and state stay in Vietnam. */
import endpointsInCountry from "../data-residency/endpoints-in-country";
import type { PolicyPackDefinition } from "../engine/types";
import { cybersecurityLaw, decree53, personalDataLaw } from "./controls";

const pack: PolicyPackDefinition = {
  name: "data-residency",
  description: "Every endpoint that holds or serves government data or software is in-country.",
  rules: [
    {
      rule: endpointsInCountry,
      level: "mandatory",
      explanation: "Backups, charts, images and Terraform state of state agencies must be stored and served in Vietnam.",
      controls: [cybersecurityLaw("Art. 26"), decree53("data storage in Vietnam"), personalDataLaw("cross-border transfer of personal data")],
    },
  ],
};
export default pack;
