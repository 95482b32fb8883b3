/**
 * Shared test data: the national environment parsed without the loader (tests of the estate
 * model and constructs are not about loading), and one small workload of each template.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { type Agency, AgencySchema, type WorkloadTemplate } from "../../environments/agency-schema";
import { POD_OWNER_KINDS, WORKLOAD_KINDS, WORKLOAD_TEMPLATE_ENTRIES } from "../../environments/workloads";
import { workloadBlock } from "../../estate/workload-instances";
import { type Environment, EnvironmentSchema } from "../../environments/schema";
import { REPO_ROOT } from "./synth";

/** environments/national.yaml, validated by the schema. */
export const NATIONAL: Environment = EnvironmentSchema.parse(YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments/national.yaml"), "utf8")));
export const DEV: Environment = EnvironmentSchema.parse(YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments/dev.yaml"), "utf8")));

const digest = (c: string) => c.repeat(64);
export const SAMPLE_IMAGE = `registry.north.govcloud.gov.vn/bo-tai-chinh/app@sha256:${digest("a")}`;
export const SAMPLE_MODEL = `oci://registry.north.govcloud.gov.vn/models/phogpt@sha256:${digest("b")}`;

/**
 * One small workload of each template, as an agency would write it: the template's own example
 * (its descriptor's `onboarding.example`) in the `portal` system, with {@link SAMPLE_IMAGE}.
 */
export const WORKLOAD_SAMPLES: Readonly<Record<WorkloadTemplate, Record<string, unknown>>> = Object.fromEntries(
  WORKLOAD_TEMPLATE_ENTRIES.map((d) => [d.template, { template: d.template, system: "portal", image: SAMPLE_IMAGE, ...d.onboarding.example }]),
) as Partial<Record<WorkloadTemplate, Record<string, unknown>>> as Record<WorkloadTemplate, Record<string, unknown>>;

/** The block that holds each template's pods (its Deployment, StatefulSet or CronJob), from its descriptor. */
export function podBlocks(): Record<WorkloadTemplate, string> {
  return Object.fromEntries(
    WORKLOAD_TEMPLATE_ENTRIES.map((d) => {
      const kind = WORKLOAD_KINDS.find((k) => POD_OWNER_KINDS.has(k) && d.rendering[k] !== undefined);
      if (kind === undefined) throw new Error(`template ${d.template} renders no pods`);
      return [d.template, workloadBlock(d.template, kind)];
    }),
  ) as Partial<Record<WorkloadTemplate, string>> as Record<WorkloadTemplate, string>;
}

/** A small central agency in north (DR south) with one level-1 system, `portal`, and room to grow. */
export function sampleAgency(workloads: Record<string, unknown>, overrides: Record<string, unknown> = {}): Agency {
  return AgencySchema.parse({
    id: "bo-tai-chinh",
    displayName: "Bộ Tài chính",
    level: "central",
    contacts: [{ name: "Nguyễn Văn A", role: "owner", email: "a@mof.gov.vn" }],
    homeRegion: "north",
    drRegion: "south",
    quota: { cpu: 200, memoryGiB: 400, storageGiB: 500, gpus: 4 },
    dataClassification: "internal",
    personalData: false,
    systems: { portal: { name: "Cổng thông tin", securityLevel: 1 } },
    workloads,
    ...overrides,
  });
}
