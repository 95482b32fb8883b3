/** The stateful-service template: replicas with one persistent volume each (a database, a queue). */
import { z } from "zod";
import { workloadTemplate } from "./descriptor";
import { Resources, workloadBase } from "./fields";
import { merged } from "../../core/merged";

export const StatefulServiceSchema = z.strictObject({
  template: z.literal("stateful-service"),
  ...workloadBase,
  port: z.int().min(1024).max(65535).default(5432),
  replicas: z.int().min(1).max(9).default(3),
  storageGiB: z.int().min(1).max(16_384).default(20).describe("Volume size per replica, GiB"),
  storageClass: z.string().min(1).max(253).optional().describe("StorageClass; defaults to the environment's retained class"),
  resources: Resources(0.5, 1024, 2, 2048),
});

export const statefulService = workloadTemplate({
  schema: StatefulServiceSchema,
  traits: { exposed: false, holdsData: true, nodeRole: "storage", readOnly: false },
  rendering: {
    serviceAccount: {},
    configMap: {},
    volumeClaim: {},
    statefulSet: { probe: "tcp", data: true },
    service: { headless: true, portName: "tcp" },
    disruptionBudget: {},
  },
  sizing: (w) => ({ replicas: w.replicas, maxReplicas: w.replicas, gpusPerReplica: 0, storageGiBPerReplica: w.storageGiB }),
  volumes: (w) => ({ storageClass: w.storageClass }),
  instances: (w, ctx) => {
    const storageClass = w.storageClass ?? ctx.defaultStorageClass();
    const storage = `${w.storageGiB}Gi`;
    const { meta, name, key } = ctx;
    ctx.add("statefulSet", merged(meta, { selector: ctx.selector }, ctx.pod, { replicas: w.replicas, port: w.port, service: name, storage_class: storageClass, storage }));
    ctx.add("service", ctx.service(w.port));
    ctx.add("disruptionBudget", ctx.disruptionBudget());
    // The claims the StatefulSet controller looks for (<claim template>-<set>-<ordinal>), created
    // first and protected, so that no change to the workload can delete an agency's data.
    for (let ordinal = 0; ordinal < w.replicas; ordinal++) {
      ctx.add("volumeClaim", merged(meta, { name: `data-${name}-${ordinal}`, storage_class: storageClass, storage }), `${key}/${ordinal}`);
    }
  },
  onboarding: {
    purpose: "A replicated service with one persistent volume per replica (a database, a queue)",
    example: {},
  },
});
