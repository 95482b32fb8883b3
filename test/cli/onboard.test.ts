/**
 * `govcloud onboard`: the rendered file is valid for every template and carries the template's
 * defaults (read from the schemas, shown commented out); bad input is one line and exit code 2;
 * what it writes synthesizes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import YAML from "yaml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AgencyFileInput, renderAgencyFile } from "../../cli/onboard";
import { AgencySchema, WORKLOAD_TEMPLATES, type Workload, WorkloadSchema } from "../../environments/agency-schema";
import { renderJsonSchema } from "../../environments/json-schema";
import { parseYaml } from "../../environments/loader";
import { workloadFootprint } from "../../estate/agency-checks";
import { REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const LIMITS = { maxBytes: 64 * 1024, maxAliases: 0 };
const IMAGE = `registry.north.govcloud.gov.vn/so-y-te/app@sha256:${"1".repeat(64)}`;
const MODEL = `oci://registry.north.govcloud.gov.vn/models/phogpt@sha256:${"2".repeat(64)}`;
/** 03:00 UTC on 30 June is 10:00 on 30 June in Hà Nội; 20:00 UTC would already be 1 July there. */
const NOW = new Date("2025-06-30T03:00:00Z");

const base: AgencyFileInput = {
  environment: "national",
  id: "so-y-te-ha-noi",
  homeRegion: "north",
  drRegion: "central",
  templates: [],
  image: IMAGE,
  model: MODEL,
  now: NOW,
};

function parse(text: string) {
  return parseYaml(text, "so-y-te-ha-noi.yaml", AgencySchema, LIMITS).value;
}

/** Fields a template cannot do without (no default): what onboard has to write. */
function requiredKeys(workload: Workload): string[] {
  const schema = WorkloadSchema.options.find((o) => o.shape.template.value === workload.template);
  if (schema === undefined) throw new Error(`no schema for ${workload.template}`);
  return Object.entries(schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

/** Uncomments the template-default lines (`    # key: value   # note`) of every workload. */
function uncommentDefaults(text: string): string {
  const lines = text.split("\n");
  let inDefaults = false;
  return lines
    .map((line) => {
      if (/^ {4}# Defaults of the /.test(line)) {
        inDefaults = true;
        return line;
      }
      if (inDefaults && line.startsWith("    # ")) return line.replace(/^( {4})# (.+?)\s+# .*$/, "$1$2");
      inDefaults = false;
      return line;
    })
    .join("\n");
}

describe("renderAgencyFile", () => {
  it.each(WORKLOAD_TEMPLATES)("%s: the file parses with the agency schema and gives back the template with its defaults", (template) => {
    const text = renderAgencyFile({ ...base, templates: [template] });
    const agency = parse(text);
    expect(Object.keys(agency.workloads)).toEqual([template]);
    const workload = agency.workloads[template] as Workload;
    expect(workload.template).toBe(template);
    // Only fields without a default are written as values; the schema supplies everything else.
    const written = Object.fromEntries(requiredKeys(workload).map((key) => [key, (workload as Record<string, unknown>)[key]]));
    expect(workload).toEqual(WorkloadSchema.parse(written));
    expect(workload.system in agency.systems).toBe(true);
    expect(workload.image).toBe(IMAGE);
  });

  it.each(WORKLOAD_TEMPLATES)("%s: the commented-out defaults are the schema's, and uncommenting them changes nothing", (template) => {
    const text = renderAgencyFile({ ...base, templates: [template] });
    const uncommented = uncommentDefaults(text);
    expect(uncommented).not.toBe(text);
    const before = parse(text).workloads[template] as Record<string, unknown>;
    const after = parse(uncommented).workloads[template] as Record<string, unknown>;
    expect(after).toEqual(before);
    // Every default is shown: each field not written as a value appears as a commented line.
    const workloadBlock = uncommented.slice(uncommented.indexOf("\nworkloads:\n"));
    const shown = [...workloadBlock.matchAll(/^ {4}([A-Za-z]+):/gm)].map((m) => m[1]);
    expect(shown.sort()).toEqual(Object.keys(before).sort());
  });

  it("renders every template at once, with a quota that covers them all", () => {
    const agency = parse(renderAgencyFile({ ...base, templates: [...WORKLOAD_TEMPLATES].reverse() }));
    // Written in the schema's template order, whatever the order of the options.
    expect(Object.keys(agency.workloads)).toEqual(WORKLOAD_TEMPLATES);
    const need = { cpu: 0, memoryGiB: 0, storageGiB: 0, gpus: 0 };
    for (const workload of Object.values(agency.workloads)) {
      const f = workloadFootprint(workload);
      need.cpu += f.cpu;
      need.memoryGiB += f.memoryGiB;
      need.storageGiB += f.storageGiB;
      need.gpus += f.gpus;
    }
    expect(agency.quota.cpu).toBeGreaterThanOrEqual(need.cpu * 1.5);
    expect(agency.quota.memoryGiB).toBeGreaterThanOrEqual(need.memoryGiB * 1.5);
    expect(agency.quota.storageGiB).toBeGreaterThanOrEqual(need.storageGiB * 1.5);
    expect(agency.quota.gpus).toBe(need.gpus);
  });

  it.each(WORKLOAD_TEMPLATES)("%s: the quota covers the workload at its largest scale, with room for a rolling update", (template) => {
    const agency = parse(renderAgencyFile({ ...base, templates: [template] }));
    const f = workloadFootprint(agency.workloads[template] as Workload);
    expect(agency.quota.cpu).toBeGreaterThanOrEqual(f.cpu * 1.5);
    expect(agency.quota.memoryGiB).toBeGreaterThanOrEqual(f.memoryGiB * 1.5);
    expect(agency.quota.storageGiB).toBeGreaterThanOrEqual(f.storageGiB * 1.5);
    expect(agency.quota.gpus).toBe(f.gpus);
  });

  it("writes an agency with no workloads as a valid file too", () => {
    const agency = parse(renderAgencyFile({ ...base, image: undefined, model: undefined }));
    expect(agency.workloads).toEqual({});
    expect(agency.quota.cpu).toBeGreaterThan(0);
  });

  it.each([
    "Ủy ban nhân dân xã Sa Pa",
    "Sở Y tế Hà Nội",
    "Bộ Tài chính: Cục Tin học #1",
    "'Ban' \"Quản lý\"",
    "- Ban quản lý",
    "yes",
    "01",
    "null",
    "Tab\there",
    "Hai\ndòng",
    "DEL\u007f, NEL\u0085, LS\u2028, BOM\ufeff",
  ])("display name %j round-trips", (displayName) => {
    const text = renderAgencyFile({ ...base, displayName });
    expect(parse(text).displayName).toBe(displayName);
    expect(YAML.parse(text).displayName).toBe(displayName);
  });

  it("renders a valid file for any agency id, name, code, templates and date", () => {
    const agencyId = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        agencyId,
        fc.option(fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }), { nil: undefined }),
        fc.option(fc.stringMatching(/^(\d{2}|\d{5})$/), { nil: undefined }),
        fc.subarray([...WORKLOAD_TEMPLATES]),
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }),
        (id, displayName, code, templates, now) => {
          const agency = parse(renderAgencyFile({ ...base, id, displayName, code, parent: "cha", templates, now }));
          expect(agency.id).toBe(id);
          if (displayName !== undefined) expect(agency.displayName).toBe(displayName);
          expect(Object.keys(agency.workloads)).toEqual(WORKLOAD_TEMPLATES.filter((t) => templates.includes(t)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("derives a display name from the id and marks it TODO", () => {
    const text = renderAgencyFile(base);
    expect(parse(text).displayName).toBe("So Y Te Ha Noi");
    expect(text).toMatch(/# .*TODO.*\ndisplayName: So Y Te Ha Noi\n/);
  });

  it.each([
    [undefined, "central"],
    ["01", "provincial"],
    ["12345", "commune"],
  ] as const)("code %s gives level %s unless the level is given", (code, level) => {
    const parent = level === "commune" ? { parent: "thanh-pho-ha-noi" } : {};
    expect(parse(renderAgencyFile({ ...base, code, ...parent })).level).toBe(level);
    expect(parse(renderAgencyFile({ ...base, code, ...parent, level: "commune", parent: "x" })).level).toBe("commune");
  });

  it("starts with the schema line and a header, and comments every field", () => {
    const text = renderAgencyFile({ ...base, templates: WORKLOAD_TEMPLATES });
    const lines = text.split("\n");
    expect(lines[0]).toBe("# yaml-language-server: $schema=../../../schemas/agency.schema.json");
    expect(text).toContain("npm run synth");
    expect(text).toContain("Decree 85/2016/NĐ-CP");
    // Every line that sets a value has a comment right above it (list items and keys of lists excepted).
    lines.forEach((line, i) => {
      if (/^\s*(- )?[A-Za-z][\w-]*:/.test(line) && !/^\s*[\w-]+:$/.test(line)) {
        expect(lines[i - 1], `line ${i + 1}: ${line}`).toMatch(/^\s*# /);
      }
    });
  });

  it("holds placeholders that are clearly marked", () => {
    const agency = parse(renderAgencyFile(base));
    const system = Object.values(agency.systems)[0];
    expect(system?.securityLevel).toBe(2);
    expect(system?.approval?.decision).toMatch(/^TODO/);
    expect(agency.contacts[0]?.email).toBe("cntt@so-y-te-ha-noi.gov.vn");
    expect(renderAgencyFile(base)).toMatch(/# .*TODO: placeholder.*\n\s+email: cntt@so-y-te-ha-noi\.gov\.vn/);
  });

  it.each([
    ["2025-06-30T03:00:00Z", "2025-06-30", "2027-06-30"],
    // 17:00 UTC is midnight in Hà Nội: already the next day there.
    ["2025-06-30T17:00:00Z", "2025-07-01", "2027-07-01"],
    ["2028-02-29T05:00:00Z", "2028-02-29", "2030-02-28"],
  ])("now %s: approved on %s (Vietnam's date), review due %s", (now, approvedOn, reviewDue) => {
    const agency = parse(renderAgencyFile({ ...base, now: new Date(now) }));
    expect(Object.values(agency.systems)[0]?.approval).toMatchObject({ approvedOn, reviewDue });
  });

  it("gives the same bytes for the same input", () => {
    const input = { ...base, templates: WORKLOAD_TEMPLATES, displayName: "Sở Y tế Hà Nội" };
    expect(renderAgencyFile(input)).toBe(renderAgencyFile({ ...input, now: new Date(NOW.getTime()) }));
  });

  it("satisfies the committed JSON Schema that editors use", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(renderJsonSchema("agency.schema.json")));
    const doc = YAML.parse(renderAgencyFile({ ...base, templates: WORKLOAD_TEMPLATES }));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The command, in-process, against temporary copies of the environment files
// ---------------------------------------------------------------------------------------------

const dir = tempDir("govcloud-onboard-");
const nationalText = fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8");
const devText = fs.readFileSync(path.join(REPO_ROOT, "environments", "dev.yaml"), "utf8");
let counter = 0;

/** A fresh folder holding a copy of an environment file; returns the file's path. */
function environmentCopy(name: "national" | "dev" = "national"): string {
  const file = path.join(dir, `case-${++counter}`, `${name}.yaml`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, name === "national" ? nationalText : devText);
  return file;
}

function agencyFile(envFile: string, id: string): string {
  const name = path.basename(envFile, ".yaml");
  return path.join(path.dirname(envFile), name, "agencies", `${id}.yaml`);
}


/** Exit code 2 and exactly one line on stderr, matching `expected`; nothing on stdout. */
function expectOneLineError(result: { code: number; stdout: string; stderr: string }, expected: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(expected);
}

describe("govcloud onboard", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a valid file with the defaults, and says what to do next", () => {
    const env = environmentCopy();
    const result = cli("onboard", "--env", env, "--agency", "xa-sa-pa", "--code", "12345", "--parent", "tinh-lao-cai-x", "-t", "web-service");
    // The parent must exist: synth would reject the file otherwise.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/parent: no agency 'tinh-lao-cai-x' in environment national \(from --parent\)/);
    expect(fs.existsSync(agencyFile(env, "xa-sa-pa"))).toBe(false);

    expect(cli("onboard", "--env", env, "--agency", "tinh-lao-cai", "--code", "15", "--name", "Ủy ban nhân dân tỉnh Lào Cai")).toMatchObject({ code: 0 });
    const ok = cli(
      "onboard", "--env", env, "--agency", "xa-sa-pa", "--code", "12345", "--parent", "tinh-lao-cai",
      "--name", "Ủy ban nhân dân xã Sa Pa", "-t", "web-service", "-t", "scheduled-job",
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toContain(`Wrote ${agencyFile(env, "xa-sa-pa")}`);
    expect(ok.stdout).toContain(`npx govcloud synth --env ${env}`);

    const agency = parseYaml(fs.readFileSync(agencyFile(env, "xa-sa-pa")), agencyFile(env, "xa-sa-pa"), AgencySchema, LIMITS).value;
    expect(agency).toMatchObject({
      id: "xa-sa-pa",
      displayName: "Ủy ban nhân dân xã Sa Pa",
      level: "commune",
      code: "12345",
      parent: "tinh-lao-cai",
      homeRegion: "central",
      drRegion: "north",
      dataClassification: "internal",
      personalData: false,
    });
    expect(Object.keys(agency.workloads)).toEqual(["web-service", "scheduled-job"]);
    expect(agency.workloads["web-service"]).toMatchObject({ host: "web-service.xa-sa-pa.gov.vn", image: expect.stringMatching(/^registry\.north\.govcloud\.gov\.vn\/govcloud\/hello@sha256:/) });
    expect(Object.values(agency.systems)[0]?.approval?.approvedOn).toBe("2025-06-30");
  });

  it("writes files that synthesize without edits, for every template", () => {
    const env = environmentCopy();
    for (const template of WORKLOAD_TEMPLATES) {
      const model = template === "ai-inference" ? ["--model", MODEL] : [];
      const result = cli("onboard", "--env", env, "--agency", `co-quan-${template}`, "-t", template, ...model);
      expect(result.code, result.stderr).toBe(0);
    }
    const all = cli("onboard", "--env", env, "--agency", "tat-ca", "--host", "cong.tat-ca.gov.vn", ...WORKLOAD_TEMPLATES.filter((t) => t !== "open-data-api").flatMap((t) => ["-t", t]), "--model", MODEL);
    expect(all.code, all.stderr).toBe(0);
    const synth = cli("synth", "--env", env, "--out", path.join(path.dirname(env), "cdktf.out"), "--quiet");
    expect(synth.code, synth.stderr).toBe(0);
    const manifest = fs.readFileSync(path.join(path.dirname(env), "cdktf.out", "manifest.json"), "utf8");
    expect(manifest).toMatch(/tenants-/);
  });

  it("puts GPU workloads in regions that have GPUs", () => {
    const env = environmentCopy();
    const result = cli("onboard", "--env", env, "--agency", "vien-ai", "-t", "ai-inference", "--model", MODEL, "--dry-run");
    expect(result.code, result.stderr).toBe(0);
    const agency = parse(result.stdout);
    expect([agency.homeRegion, agency.drRegion]).toEqual(["north", "south"]);
  });

  it("--dry-run prints the file and writes nothing", () => {
    const env = environmentCopy();
    const result = cli("onboard", "--env", env, "--agency", "bo-noi-vu", "-t", "worker", "--dry-run");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.startsWith("# yaml-language-server: $schema=../../../schemas/agency.schema.json\n")).toBe(true);
    expect(parse(result.stdout).id).toBe("bo-noi-vu");
    expect(fs.readdirSync(path.dirname(env))).toEqual(["national.yaml"]);
  });

  it("writes the same bytes for the same inputs and date, and replaces a file only with --force", () => {
    const args = ["--agency", "so-tai-chinh", "--code", "79", "--name", "Sở Tài chính", "-t", "open-data-api", "-t", "stateful-service", "--personal-data"];
    const first = environmentCopy();
    const second = environmentCopy();
    expect(cli("onboard", "--env", first, ...args).code).toBe(0);
    expect(cli("onboard", "--env", second, ...args).code).toBe(0);
    const bytes = fs.readFileSync(agencyFile(first, "so-tai-chinh"));
    expect(fs.readFileSync(agencyFile(second, "so-tai-chinh")).equals(bytes)).toBe(true);
    expect(cli("onboard", "--env", first, ...args, "--dry-run").stdout).toBe(bytes.toString("utf8"));

    expectOneLineError(cli("onboard", "--env", first, ...args), /so-tai-chinh\.yaml:1:1: <document>: already exists; .*--force/);
    expect(fs.readFileSync(agencyFile(first, "so-tai-chinh")).equals(bytes)).toBe(true);
    expect(cli("onboard", "--env", first, ...args, "--force").code).toBe(0);
    expect(fs.readFileSync(agencyFile(first, "so-tai-chinh")).equals(bytes)).toBe(true);
    // What was written is left exactly as it was: no temporary files beside it.
    expect(fs.readdirSync(path.dirname(agencyFile(first, "so-tai-chinh")))).toEqual(["so-tai-chinh.yaml"]);
  });

  describe("bad input: one line, exit code 2, nothing written", () => {
    let env: string;
    beforeEach(() => {
      env = environmentCopy();
    });
    afterEach(() => {
      expect(fs.readdirSync(path.dirname(env))).toEqual([path.basename(env)]);
    });

    it("an unknown template, listing the known ones", () => {
      const result = cli("onboard", "--env", env, "--agency", "bo-noi-vu", "-t", "website");
      expectOneLineError(result, /--template <name>' argument 'website' is invalid\. Known templates: /);
      for (const template of WORKLOAD_TEMPLATES) expect(result.stderr).toContain(template);
    });

    it("a bad agency id", () => {
      expectOneLineError(cli("onboard", "--env", env, "--agency", "Bộ_Nội_vụ"), /--agency <id>' argument 'Bộ_Nội_vụ' is invalid\. must be lowercase letters/);
      expectOneLineError(cli("onboard", "--env", env, "--agency", "a".repeat(51)), /at most 50 characters/);
    });

    it("the same home and DR region", () => {
      expectOneLineError(
        cli("onboard", "--env", env, "--agency", "bo-noi-vu", "--home-region", "south", "--dr-region", "south"),
        /^error: --dr-region must differ from --home-region \('south'\)/,
      );
    });

    it("an unknown region, located in the environment file", () => {
      expectOneLineError(
        cli("onboard", "--env", env, "--agency", "bo-noi-vu", "--dr-region", "east"),
        /national\.yaml:\d+:\d+: regions: has no region 'east' \(--dr-region\); known regions: central, north, south$/,
      );
    });

    it("no image: neither --image nor tenancy.starterImage", () => {
      env = environmentCopy("dev");
      expectOneLineError(cli("onboard", "--env", env, "--agency", "bo-noi-vu", "-t", "worker"), /dev\.yaml:\d+:\d+: tenancy\.starterImage: is not set.*--image/);
    });

    it("an image from outside the country's registries", () => {
      const image = `docker.io/library/nginx@sha256:${"3".repeat(64)}`;
      const result = cli("onboard", "--env", env, "--agency", "bo-noi-vu", "-t", "worker", "--image", image);
      expectOneLineError(result, /image: image registry docker\.io is not an in-country mirror.*\(from --image/);
    });

    it("ai-inference without a model", () => {
      expectOneLineError(cli("onboard", "--env", env, "--agency", "bo-noi-vu", "-t", "ai-inference"), /--model .* is required with --template ai-inference/);
    });

    it("a commune without a parent", () => {
      expectOneLineError(cli("onboard", "--env", env, "--agency", "xa-sa-pa", "--code", "12345"), /--parent <id> is required for a commune/);
    });

    it("--host with two workloads that have a host", () => {
      const result = cli("onboard", "--env", env, "--agency", "bo-noi-vu", "-t", "web-service", "-t", "open-data-api", "--host", "a.gov.vn");
      expectOneLineError(result, /--host is ambiguous/);
    });

    it("a display name that is not one line", () => {
      // commander echoes the argument as given, line break included, so this message has two lines.
      const result = cli("onboard", "--env", env, "--agency", "bo-noi-vu", "--name", "Bộ\nNội vụ");
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--name <display name>' argument .* is invalid\. must be one line, without control characters\n$/s);
    });
  });
});
