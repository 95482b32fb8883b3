import { validatePodTemplates } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Volume sources the Pod Security Standards 'restricted' profile allows. */
export const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

/**
 * Pods use only the volume sources of the Pod Security Standards 'restricted' profile:
 * configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and
 * secret. Storage reaches a pod through a PersistentVolumeClaim, whose StorageClass the platform
 * controls; hostPath, NFS, iSCSI and the other in-line sources bypass it.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "Every volume is a configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volume (Pod Security Standards 'restricted').",
  validateResource: validatePodTemplates((pod, report) => {
    for (const v of pod.volumes) {
      const other = v.sources.filter((s) => !RESTRICTED_VOLUME_SOURCES.has(s));
      if (other.length > 0) report(`volume ${JSON.stringify(v.name ?? "?")} is a ${other.join(", ")} volume; the restricted profile allows only ${[...RESTRICTED_VOLUME_SOURCES].join(", ")}`);
    }
  }),
};
export default rule;
