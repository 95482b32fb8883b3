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
import { type AgencyFileInput, renderAgencyFile } from "../../cli/onboard-file";
import { AgencySchema, WORKLOAD_TEMPLATES, type Workload, WorkloadSchema } from "../../environments/agency-schema";
import { renderJsonSchema } from "../../environments/json-schema";
import { parseYaml } from "../../environments/loader";
import { workloadFootprint } from "../../estate/agency-checks";
import { regionCapacity } from "../../estate/capacity";
import { nearestRegions } from "../../estate/onboarding";
import { provinces } from "../../environments/provinces";
import { DEV, NATIONAL, WORKLOAD_SAMPLES } from "../support/fixtures";
import { REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const LIMITS = { maxBytes: 64 * 1024, maxAliases: 0 };
const IMAGE = `registry.north.govcloud.gov.vn/so-y-te/app@sha256:${"1".repeat(64)}`;
const MODEL = `oci://registry.north.govcloud.gov.vn/models/phogpt@sha256:${"2".repeat(64)}`;
/** Templates with a host: --host fits exactly one of them. */
const HOST_TEMPLATES = WorkloadSchema.options.filter((o) => "host" in o.shape).map((o) => o.shape.template.value);
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
      // The parent's home region: the region serving Lào Cai (province 15); DR the nearest other.
      homeRegion: "north",
      drRegion: "central",
      dataClassification: "internal",
      personalData: false,
    });
    expect(Object.keys(agency.workloads)).toEqual(["scheduled-job", "web-service"]);
    expect(agency.workloads["web-service"]).toMatchObject({ host: "web-service.xa-sa-pa.gov.vn", image: expect.stringMatching(/^registry\.north\.govcloud\.gov\.vn\/govcloud\/hello@sha256:/) });
    expect(Object.values(agency.systems)[0]?.approval?.approvedOn).toBe("2025-06-30");
  });

  it("writes files that synthesize without edits, for every template", () => {
    const env = environmentCopy();
    for (const template of WORKLOAD_TEMPLATES) {
      const model = "model" in WorkloadSchema.options.find((o) => o.shape.template.value === template)!.shape ? ["--model", MODEL] : [];
      const result = cli("onboard", "--env", env, "--agency", `co-quan-${template}`, "-t", template, ...model);
      expect(result.code, result.stderr).toBe(0);
    }
    const all = cli("onboard", "--env", env, "--agency", "tat-ca", "--host", "cong.tat-ca.gov.vn", ...WORKLOAD_TEMPLATES.filter((t) => !HOST_TEMPLATES.slice(1).includes(t)).flatMap((t) => ["-t", t]), "--model", MODEL);
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
    const args = ["--agency", "so-tai-chinh", "--code", "79", "--name", "Sở Tài chính", "-t", "open-data-api", "-t", "stateful-service", "--personal-data", "--dpia-reference", "21/HSĐGTĐ-STC", "--dpia-date", "2025-06-02"];
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
      fs.writeFileSync(env, fs.readFileSync(env, "utf8").replace(/\n {2}starterImage: .*\n/, "\n  storageClass: local-path\n"));
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

// ---------------------------------------------------------------------------------------------
// Placement, ids from names, the dev environment
// ---------------------------------------------------------------------------------------------

/** A copy of the national environment with its committed agencies; returns the env file. */
function nationalWithAgencies(): string {
  const file = environmentCopy();
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(path.dirname(file), "national"), { recursive: true });
  return file;
}

describe("govcloud onboard: placement and ids", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a commune of Hà Nội (--parent thanh-pho-ha-noi) gets its parent's home region, north, and the nearest other region for DR", () => {
    const env = nationalWithAgencies();
    const result = cli("onboard", "--env", env, "--name", "Phường Ba Đình", "--code", "00004", "--parent", "thanh-pho-ha-noi", "-t", "web-service", "--dry-run");
    expect(result.code, result.stderr).toBe(0);
    const agency = parse(result.stdout);
    expect(agency).toMatchObject({ id: "phuong-ba-dinh", level: "commune", parent: "thanh-pho-ha-noi", homeRegion: "north", drRegion: "central" });
    expect(result.stdout).toContain("homeRegion: north\n");
    expect(result.stdout).toMatch(/# .*default: the home region of the parent agency thanh-pho-ha-noi\nhomeRegion: north\n/);
  });

  it("the level comes from the code and the parent, never from the id", () => {
    const env = nationalWithAgencies();
    const level = (...args: string[]) => {
      const result = cli("onboard", "--env", env, ...args, "--dry-run");
      expect(result.code, result.stderr).toBe(0);
      return parse(result.stdout).level;
    };
    // A provincial department under its province: provincial, whatever the id says.
    expect(level("--agency", "so-y-te-ha-noi", "--parent", "thanh-pho-ha-noi")).toBe("provincial");
    // An id that looks like a department's, with nothing else to go by: central.
    expect(level("--agency", "so-y-te-x")).toBe("central");
    expect(level("--agency", "cuc-thue", "--parent", "bo-tai-chinh")).toBe("central");
    expect(level("--agency", "tinh-hung-yen", "--code", "33")).toBe("provincial");
  });

  it("every province code places its agency in the region that serves it (environments/reference/provinces.yaml)", () => {
    const env = environmentCopy();
    for (const [code, p] of provinces()) {
      const result = cli("onboard", "--env", env, "--agency", `tinh-${code}`, "--code", code, "--dry-run");
      expect(result.code, result.stderr).toBe(0);
      const agency = parse(result.stdout);
      expect({ code, home: agency.homeRegion }).toEqual({ code, home: p.region });
      expect(agency.drRegion).toBe(nearestRegions(NATIONAL, p.region)[0]);
    }
  });

  it("--name alone gives the transliterated id, which the file and synth accept", () => {
    const env = environmentCopy();
    const result = cli("onboard", "--env", env, "--name", "Sở Y tế Huế", "--code", "46", "-t", "web-service");
    expect(result.code, result.stderr).toBe(0);
    const file = agencyFile(env, "so-y-te-hue");
    const agency = parseYaml(fs.readFileSync(file), file, AgencySchema, LIMITS).value;
    expect(agency).toMatchObject({ id: "so-y-te-hue", displayName: "Sở Y tế Huế", level: "provincial", homeRegion: "central", drRegion: "north" });
    const synth = cli("synth", "--env", env, "--out", path.join(path.dirname(env), "cdktf.out"), "--quiet");
    expect(synth.code, synth.stderr).toBe(0);
  });

  it("an id from the name that is taken: located at the existing file, with a free id to use", () => {
    const env = nationalWithAgencies();
    expect(cli("onboard", "--env", env, "--name", "Sở Y tế Huế", "--code", "46").code).toBe(0);
    const file = agencyFile(env, "so-y-te-hue");
    const before = fs.readFileSync(file);
    const again = cli("onboard", "--env", env, "--name", "Sở Y TẾ Huế", "--code", "46");
    expectOneLineError(
      again,
      new RegExp(
        `^${escape(file)}:\\d+:5: id: 'so-y-te-hue', the id made from --name "Sở Y TẾ Huế", is taken by this agency \\(Sở Y tế Huế\\); name the new one with --agency, e.g\\. --agency so-y-te-hue-46, or pass --force to replace this file$`,
      ),
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    // Without a code, the first free numbered id.
    expectOneLineError(cli("onboard", "--env", env, "--name", "Sở Y tế Huế"), /e\.g\. --agency so-y-te-hue-2, or pass --force/);
  });

  it("an id from the name longer than 50 characters: a usage error suggesting whole words that fit", () => {
    const env = environmentCopy();
    const name = "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Quảng Ngãi";
    expectOneLineError(
      cli("onboard", "--env", env, "--name", name),
      /^error: the id 'trung-tam-cong-nghe-thong-tin-va-truyen-thong-tinh-quang-ngai' made from --name is 61 characters, more than 50 \(the namespace tenant-<id> must fit in 63\); pass a shorter one with --agency, e\.g\. --agency trung-tam-cong-nghe-thong-tin-va-truyen-thong-tinh$/,
    );
    expectOneLineError(cli("onboard", "--env", env, "--name", "!!!"), /^error: --name "!!!" has no letters or digits to make an id from; pass --agency <id>$/);
    expectOneLineError(cli("onboard", "--env", env, "-t", "worker"), /^error: --agency <id> or --name <display name> is required/);
  });

  it("--personal-data writes the impact assessment record and needs it", () => {
    const env = environmentCopy();
    expectOneLineError(
      cli("onboard", "--env", env, "--agency", "so-y-te-hue", "--personal-data"),
      /^error: --personal-data needs the impact assessment record, --dpia-reference <dossier number> and --dpia-date <YYYY-MM-DD>: .*Law 91\/2025\/QH15/,
    );
    const result = cli("onboard", "--env", env, "--agency", "so-y-te-hue", "--personal-data", "--dpia-reference", "03/HSĐGTĐ-SYT", "--dpia-date", "2025-06-20", "--dry-run");
    expect(result.code, result.stderr).toBe(0);
    expect(parse(result.stdout)).toMatchObject({ personalData: true, dpia: { reference: "03/HSĐGTĐ-SYT", completedOn: "2025-06-20" } });
    expect(result.stdout).toContain("Law 91/2025/QH15");
    expect(result.stdout).not.toMatch(/Decree 13\b/); // the replaced decree is history
  });
});

describe("govcloud onboard --env dev", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Templates whose one workload, at its largest scale, the pools of two dev regions can hold. */
  const dev = DEV;
  const hostable = WORKLOAD_TEMPLATES.filter((template) => {
    const f = workloadFootprint(WorkloadSchema.parse(WORKLOAD_SAMPLES[template]));
    return Object.values(dev.regions).filter((r) => {
      const c = regionCapacity(r);
      return f.cpu <= c.cpu * dev.tenancy.overcommit.cpu && f.memoryGiB <= c.memoryGiB * dev.tenancy.overcommit.memory && f.gpus <= c.gpus;
    }).length >= 2;
  });

  it("dev can host every template but ai-inference (it has no GPUs)", () => {
    expect(hostable).toEqual(WORKLOAD_TEMPLATES.filter((t) => t !== "ai-inference"));
  });

  it.each(hostable)("%s: the file written into dev synthesizes with no edits", (template) => {
    const env = environmentCopy("dev");
    const onboard = cli("onboard", "--env", env, "--name", `Sở thử ${template}`, "-t", template);
    expect(onboard.code, onboard.stderr).toBe(0);
    const synth = cli("synth", "--env", env, "--out", path.join(path.dirname(env), "cdktf.out"), "--quiet");
    expect(synth.code, synth.stderr).toBe(0);
  });

  it("web-service and stateful-service together, then a second agency, synthesize with no edits", () => {
    const env = environmentCopy("dev");
    expect(cli("onboard", "--env", env, "--name", "Sở Y tế Huế", "-t", "web-service", "-t", "stateful-service").code).toBe(0);
    const second = cli("onboard", "--env", env, "--name", "Sở Tài chính Huế", "-t", "worker");
    expect(second.code, second.stderr).toBe(0);
    const synth = cli("synth", "--env", env, "--out", path.join(path.dirname(env), "cdktf.out"), "--quiet");
    expect(synth.code, synth.stderr).toBe(0);
    const agency = parseYaml(fs.readFileSync(agencyFile(env, "so-y-te-hue")), "so-y-te-hue.yaml", AgencySchema, LIMITS).value;
    // The headroom is cut to the laptop's size, never below what the workloads need.
    expect(agency.quota).toMatchObject({ cpu: 4.5, memoryGiB: 7 });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
