import { validatePodTemplates, type WorkloadKind } from "../lib/pod-templates";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Long-running workloads; Jobs and CronJobs run to completion, and a readiness probe means nothing for them. */
const LONG_RUNNING: readonly WorkloadKind[] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"];

/**
 * Every long-running container (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod) has a
 * liveness and a readiness probe, so that a hung service is restarted and traffic only reaches
 * replicas that are ready. Jobs and CronJobs, which run to completion, are exempt; init
 * containers too.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: "Every container of a long-running workload has a livenessProbe and a readinessProbe (Jobs, CronJobs and init containers are exempt).",
  validateResource: validatePodTemplates((pod, report) => {
    for (const c of pod.containers) {
      if (c.kind !== "container") continue;
      const missing = [c.livenessProbe ? undefined : "livenessProbe", c.readinessProbe ? undefined : "readinessProbe"].filter(Boolean);
      if (missing.length > 0) report(`${c.label} has no ${missing.join(" and no ")}`);
    }
  }, LONG_RUNNING),
};
export default rule;
