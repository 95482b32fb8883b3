/**
 * `govcloud check` as a security team runs it: settings without --env (inside the project from
 * the folder's sources.json or the default environment; outside it, rules that need settings are
 * not run), bad input (malformed plans and folders, unusable --output paths for every command)
 * exiting 2 at a location, exit codes in every --help, onboarding placeholders, --baseline,
 * SARIF severity, help links and locations, and progress.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import fc from "fast-check";
import type * as sarif from "sarif";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { catalogUri, runCheck } from "../../cli/check";
import { EXIT_CODES, reportFailure } from "../../cli/failure";
import { createProgram } from "../../cli/main";
import { terminalProgress } from "../../cli/progress";
import { displayPath, UserError } from "../../environments/diagnostics";
import { LoadCache } from "../../engine/load-cache";
import { runChecks } from "../../policies/engine/check";
import { findingFingerprint, messageKey } from "../../policies/engine/fingerprint";
import { loadSynthFolder } from "../../policies/engine/load";
import { PACKS } from "../../policies/packs";
import { renderJunit, renderText } from "../../policies/engine/reporters";
import { cli } from "../support/cli";
import { REPO_ROOT, tempDir } from "../support/synth";

const tmp = tempDir("govcloud-check-gate-");
const BIN = path.join(REPO_ROOT, "bin", "govcloud.cjs");
const AGENCY = "so-thu-nghiem";

interface JsonReport {
  summary: { exitCode: number; baselined?: number; environmentFile?: string };
  notRun?: { rule: string }[];
  findings: { rule: string; level: string; stack: string; address: string; message: string; fingerprint: string; source?: { file: string; line: number; col: number } }[];
}

/** Runs check in-process with its report in a file; returns the exit code, the report and stderr. */
async function check(args: string[], format = "json"): Promise<{ code: number; report: string; stderr: string }> {
  const out = path.join(tmp, `report-${Math.random().toString(36).slice(2)}.${format}`);
  const { value: code, stderr } = await capturingStderr(() => runCheck([...args, "--format", format, "--output", out], REPO_ROOT));
  return { code, report: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "", stderr };
}

/** A plan whose only change is `actions` on one resource. */
function plan(changes: { type: string; name: string; actions: string[]; reason?: string; before?: Record<string, unknown> }[]): string {
  return JSON.stringify(
    {
      format_version: "1.2",
      planned_values: { root_module: { resources: [] } },
      resource_changes: changes.map((c) => ({
        address: `${c.type}.${c.name}`,
        mode: "managed",
        type: c.type,
        name: c.name,
        provider_name: "registry.terraform.io/hashicorp/kubernetes",
        change: { actions: c.actions, before: c.before ?? { metadata: [{ name: c.name }] }, after: null },
        ...(c.reason === undefined ? {} : { action_reason: c.reason }),
      })),
    },
    null,
    2,
  );
}

const NAMESPACE_REPLACED = { type: "kubernetes_namespace_v1", name: "anything", actions: ["delete", "create"], reason: "replace_because_cannot_update" };
const LEGACY_NAMESPACE_DELETED = { type: "kubernetes_namespace", name: "old_team", actions: ["delete"], reason: "delete_because_no_resource_config" };

let envFile: string;
let folder: string;

beforeAll(() => {
  // A dev environment with one freshly onboarded agency, synthesized: its placeholders unchanged.
  envFile = path.join(tmp, "project", "dev.yaml");
  fs.mkdirSync(path.dirname(envFile), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "dev.yaml"), envFile);
  const image = `registry.dev.govcloud.gov.vn/${AGENCY}/web@sha256:${"1".repeat(64)}`;
  const onboard = cli("onboard", "--env", envFile, "--agency", AGENCY, "-t", "web-service", "--image", image);
  expect(onboard.code, onboard.stderr).toBe(0);
  folder = path.join(tmp, "project", "cdktf.out");
  const synth = cli("synth", "--env", envFile, "--out", folder, "--quiet");
  expect(synth.code, synth.stderr).toBe(0);
});

describe("settings without --env", () => {
  it("a synthesized folder is judged with the environment it was synthesized from, which fails the onboarding placeholders", async () => {
    const { code, report, stderr } = await check([folder]);
    expect(stderr).toContain(`govcloud check: policy settings of ${displayPath(envFile)}, the environment ${displayPath(path.join(folder, "sources.json"))} names as its source\n`);
    expect(stderr).not.toContain("not run");
    expect(code).toBe(1);
    const json = JSON.parse(report) as JsonReport;
    expect(json.notRun).toBeUndefined();
    const agencyFile = displayPath(path.join(tmp, "project", "dev", "agencies", `${AGENCY}.yaml`), REPO_ROOT);
    const placeholders = json.findings.filter((f) => f.rule === "systems-have-current-approval" || f.rule === "agency-files-have-no-placeholders");
    expect(placeholders.map((f) => [f.rule, f.message.replace(/information system \S+/, "information system <id>"), f.source?.file])).toEqual([
      [
        "systems-have-current-approval",
        `agency ${AGENCY}: information system <id> (security level 2): the approval decision is still the onboarding placeholder "TODO: number of the approval decision"; record the number of the decision that approved the level dossier, its approvedOn and reviewDue under systems.${placeholderSystem()}.approval`,
        agencyFile,
      ],
      ["agency-files-have-no-placeholders", `agency ${AGENCY}: contacts[0].name is still the onboarding placeholder "TODO: full name"; write the full name of the official responsible`, agencyFile],
    ]);
    // Everything else of the environment passes: the placeholders are the only mandatory findings.
    expect(json.findings.filter((f) => f.level === "mandatory")).toHaveLength(2);
  });

  it("a plan inside a synthesized folder is judged with that folder's environment; the replacement of any namespace is flagged", async () => {
    const dir = path.join(folder, "stacks", "platform-north");
    const file = path.join(dir, "plan.json");
    fs.writeFileSync(file, plan([NAMESPACE_REPLACED, LEGACY_NAMESPACE_DELETED]));
    const { code, report, stderr } = await check([file]);
    expect(stderr).toContain(`policy settings of ${displayPath(envFile)}, the environment ${displayPath(path.join(folder, "sources.json"))} names as its source`);
    expect(code).toBe(1);
    const json = JSON.parse(report) as JsonReport;
    expect(json.notRun).toBeUndefined();
    expect(json.findings.map((f) => [f.rule, f.stack, f.address, f.message])).toEqual([
      [
        "protected-resources-not-destroyed",
        "platform-north",
        "kubernetes_namespace.old_team",
        "would be destroyed (delete_because_no_resource_config: its block was removed from the configuration) — namespace: deleting it deletes every object and volume in it; if that is intended, move or retire the data first and take the resource out of the state (docs/backup.md)",
      ],
      [
        "protected-resources-not-destroyed",
        "platform-north",
        "kubernetes_namespace_v1.anything",
        "would be replaced (destroyed, then created empty) (replace_because_cannot_update: an attribute that cannot change in place changed) — namespace: deleting it deletes every object and volume in it; if that is intended, move or retire the data first and take the resource out of the state (docs/backup.md)",
      ],
    ]);
  });

  it("a plan in the project that names no environment is judged with the default environment", async () => {
    const { code, stderr } = await check([path.join(REPO_ROOT, "test", "estate", "fixtures", "plan-add-only.json")]);
    expect(stderr).toContain(`policy settings of ${displayPath(path.join(REPO_ROOT, "environments", "national.yaml"))}, the default environment`);
    expect(stderr).not.toContain("not run");
    expect(code).toBe(0);
  });

  it("outside a project, rules that need settings are not run (a warning and a SARIF notification); the others run and every result has a location", () => {
    const outside = tempDir("govcloud-outside-");
    fs.writeFileSync(path.join(outside, "plan.json"), plan([NAMESPACE_REPLACED]));
    const result = spawnSync(process.execPath, [BIN, "check", "plan.json", "--format", "sarif", "--output", "report.sarif"], { cwd: outside, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain("govcloud check: outside a govcloud project: no environment's settings; rules that need them are not run");
    const needSettings = PACKS.flatMap((p) => p.rules).filter((e) => (e.rule.configSchema?.required ?? []).length > 0).map((e) => e.rule.name);
    expect(needSettings.length).toBeGreaterThan(0);
    for (const rule of needSettings) expect(result.stderr).toContain(`govcloud check: warning: rule ${rule} not run: needs configuration`);
    const log = JSON.parse(fs.readFileSync(path.join(outside, "report.sarif"), "utf8")) as sarif.Log;
    const run = log.runs[0]!;
    expect(run.invocations?.[0]?.toolExecutionNotifications?.map((n) => [n.level, n.descriptor?.id])).toEqual(needSettings.map((rule) => ["warning", rule]));
    expect(run.results?.map((r) => r.ruleId)).toEqual(["protected-resources-not-destroyed"]);
    // Located in the plan, at its resource change.
    const text = fs.readFileSync(path.join(outside, "plan.json"), "utf8").split("\n");
    // The entry's opening brace is on the line before its address.
    const changeLine = text.findIndex((l) => l.includes('"address": "kubernetes_namespace_v1.anything"'));
    expect(text[changeLine - 1]).toBe("    {");
    expect(run.results?.[0]?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: "plan.json" }, region: { startLine: changeLine, startColumn: 5 } });
  });
});

describe("onboarding placeholders", () => {
  it("govcloud validate warns about each one at its line, saying what to fill in, and still passes", () => {
    const file = path.join(tmp, "project", "dev", "agencies", `${AGENCY}.yaml`);
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const at = (pattern: RegExp) => {
      const line = lines.findIndex((l) => pattern.test(l));
      return `${line + 1}:${(lines[line] as string).search(/"?TODO/) + 1}`;
    };
    const result = cli("validate", "--env", envFile);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("1 environment(s) valid: " + envFile + "; 2 onboarding placeholder(s) to replace (govcloud check fails on them)\n");
    expect(result.stderr.split("\n").filter(Boolean)).toEqual([
      `${displayPath(file)}:${at(/^ {2}- name: /)}: contacts[0].name: warning: still the onboarding placeholder "TODO: full name"; write the full name of the official responsible`,
      `${displayPath(file)}:${at(/^ {6}decision: /)}: systems.${placeholderSystem()}.approval.decision: warning: still the onboarding placeholder "TODO: number of the approval decision"; write the number of the decision that approved the system's security level dossier`,
    ]);
  });
});

describe("bad input exits 2 at a location", () => {
  it("malformed plans: every problem of every plan at its line, column and JSON pointer", async () => {
    const shapes = path.join(tmp, "shapes.plan.json");
    fs.writeFileSync(shapes, '{"planned_values":{"root_module":{"resources":"x"}}}');
    const entries = path.join(tmp, "entries.plan.json");
    fs.writeFileSync(
      entries,
      '{\n  "resource_changes": [\n    {"address": 3, "type": "kubernetes_namespace_v1", "change": {"actions": "delete"}},\n    {"address": "a.b", "type": "t", "change": {"actions": ["delete", "explode"]}},\n    {"type": "t", "change": {}}\n  ]\n}\n',
    );
    const { code, report, stderr } = await check([shapes, entries]);
    expect(code).toBe(2);
    expect(report).toBe("");
    expect(stderr.split("\n").filter((l) => l.includes(".plan.json:"))).toEqual([
      `${displayPath(shapes)}:1:35: /planned_values/root_module/resources: expected array, got string`,
      `${displayPath(entries)}:3:6: /resource_changes/0/address: expected string, got number`,
      `${displayPath(entries)}:3:66: /resource_changes/0/change/actions: expected array, got string`,
      `${displayPath(entries)}:4:70: /resource_changes/1/change/actions/1: expected one of no-op, create, read, update, delete, forget, got "explode"`,
      `${displayPath(entries)}:5:5: /resource_changes/2/address: is missing; expected string`,
      `${displayPath(entries)}:5:19: /resource_changes/2/change/actions: is missing; expected array`,
    ]);
    expect(stderr).toContain("govcloud: 6 problems; nothing was checked");
    expect(stderr).not.toMatch(/internal error|rule-crashed/);
  });

  it("a plan with any field replaced by any JSON value is judged, or rejected as bad input: never a crash or a crashed rule", async () => {
    const base = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "estate", "fixtures", "plan-replace-tenant-namespace.json"), "utf8")) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]) => {
      if (at.length > 0) paths.push(at);
      if (typeof v === "object" && v !== null) for (const [k, c] of Object.entries(v)) walk(c, [...at, Array.isArray(v) ? Number(k) : k]);
    };
    walk(base, []);
    const file = path.join(tmp, "mutated.plan.json");
    // The plan is what varies: national's files are read and validated once, for every run.
    const loadCache = new LoadCache();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), async (at, value) => {
        const mutated = structuredClone(base) as Record<string | number, unknown>;
        let parent = mutated;
        for (const step of at.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
        parent[at[at.length - 1] as string | number] = value;
        fs.writeFileSync(file, JSON.stringify(mutated));
        try {
          const result = await runChecks({ repoRoot: REPO_ROOT, packs: PACKS, inputs: [{ kind: "plan", file }], environment: "national", loadCache });
          expect(result.findings.filter((f) => f.rule === "rule-crashed").map((f) => f.message)).toEqual([]);
        } catch (error) {
          expect(error, `${at.join("/")} = ${JSON.stringify(value)}`).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("malformed folders: the manifest and each stack document at the bad field", async () => {
    const dir = path.join(tmp, "malformed");
    fs.mkdirSync(path.join(dir, "stacks", "one"), { recursive: true });
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { one: { synthesizedStackPath: "stacks/one/cdk.tf.json" } } }));
    fs.writeFileSync(path.join(dir, "stacks", "one", "cdk.tf.json"), '{\n  "resource": {\n    "kubernetes_namespace_v1": "x",\n    "kubernetes_pod_v1": {"p": {"count": -1}}\n  }\n}\n');
    const bad = await check([dir]);
    expect(bad.code).toBe(2);
    const doc = displayPath(path.join(dir, "stacks", "one", "cdk.tf.json"));
    expect(bad.stderr).toContain(`${doc}:3:5: /resource/kubernetes_namespace_v1: expected object, got string\n`);
    expect(bad.stderr).toContain(`${doc}:4:33: /resource/kubernetes_pod_v1/p/count: expected a whole number or an expression string, got -1\n`);
    fs.writeFileSync(path.join(dir, "sources.json"), JSON.stringify({ version: 1, environment: { file: "e.yaml", line: 1, col: 1 }, agencies: { a: { file: "a.yaml", line: 0, col: 1 } } }));
    const sources = await check([dir]);
    expect(sources.code).toBe(2);
    expect(sources.stderr).toContain(`${displayPath(path.join(dir, "sources.json"))}:1:96: /agencies/a/line: expected a line or column number, got 0\n`);
    expect(sources.stderr).toContain(`${displayPath(path.join(dir, "sources.json"))}:1:75: /agencies/a/workloads: is missing; expected object\n`);
    fs.rmSync(path.join(dir, "sources.json"));
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { one: "stacks/one" } }));
    const manifest = await check([dir]);
    expect(manifest.code).toBe(2);
    expect(manifest.stderr).toContain(`${displayPath(path.join(dir, "manifest.json"))}:1:12: /stacks/one: expected object, got string\n`);
  });

  it("unusable --output paths, for every command that has --output, with a plain message", () => {
    const withOutput = commandsOf(createProgram()).filter((c) => c.command.options.some((o) => o.long === "--output"));
    expect(withOutput.map((c) => c.path.join(" "))).toEqual(expect.arrayContaining(["check", "report backups", "report energy", "report kpis", "report estate", "agency"]));
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "");
    const cases: [string, string][] = [
      [path.join(tmp, "no-such-folder", "report"), `the folder ${displayPath(path.join(tmp, "no-such-folder"))} does not exist; create it first`],
      [tmp, `${displayPath(tmp)} is a folder; give the path of a file in it`],
      [path.join(file, "report"), `${displayPath(file)} is not a folder`],
    ];
    for (const { path: words } of withOutput) {
      for (const [output, message] of cases) {
        const result = cli(...words, "--output", output);
        expect(result.code, `${words.join(" ")} --output ${output}`).toBe(2);
        expect(result.stderr).toContain(`error: option '-o, --output <file>' argument '${output}' is invalid. ${message}`);
        expect(result.stderr).not.toContain("internal error");
      }
    }
  });
});

describe("exit codes", () => {
  it("every command's --help lists them; an internal error is 3, apart from violations (1) and bad input (2)", () => {
    for (const { path: words } of commandsOf(createProgram())) {
      const result = cli(...words, "--help");
      expect(result.code, `${words.join(" ")}: ${result.stderr}`).toBe(0);
      expect(result.stdout, words.join(" ")).toContain("Exit codes:\n  0  success");
      expect(result.stdout, words.join(" ")).toContain("  3  internal error");
    }
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(4);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(reportFailure(new TypeError("x is undefined"))).toBe(3);
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toContain("govcloud: internal error: x is undefined");
    } finally {
      stderr.mockRestore();
    }
  });
});

describe("--baseline", () => {
  it("reports only findings that are not in an earlier JSON report, whose fingerprints ignore line numbers", async () => {
    const before = path.join(tmp, "before.plan.json");
    fs.writeFileSync(before, plan([NAMESPACE_REPLACED]));
    const first = await check([before]);
    expect(first.code).toBe(1);
    const baseline = path.join(tmp, "baseline.json");
    fs.writeFileSync(baseline, first.report);

    // The same finding again, and a new one: only the new one is reported and counts.
    const after = path.join(tmp, "after.plan.json");
    fs.writeFileSync(after, plan([LEGACY_NAMESPACE_DELETED, { ...NAMESPACE_REPLACED }]).replace(/\n/g, "\n\n"));
    fs.renameSync(after, before);
    const second = await check([before, "--baseline", baseline]);
    expect(second.code).toBe(1);
    const json = JSON.parse(second.report) as JsonReport;
    expect(json.findings.map((f) => f.address)).toEqual(["kubernetes_namespace.old_team"]);
    expect(json.summary.baselined).toBe(1);
    expect(second.stderr).toContain(`govcloud check: 1 finding(s) already in the baseline ${displayPath(baseline)} not reported`);

    // Nothing new: clean.
    fs.writeFileSync(before, plan([NAMESPACE_REPLACED]));
    const third = await check([before, "--baseline", baseline, "--format", "text"], "text");
    expect(third.code).toBe(0);
    expect(third.report).toContain("PASS: 0 mandatory and 0 advisory violation(s), 0 suppressed; 1 already in the baseline, not shown");

    // A baseline that is not a report is bad input.
    const notReport = path.join(tmp, "not-a-report.json");
    fs.writeFileSync(notReport, '{"findings": [{"rule": "x", "stack": 1}]}');
    const bad = await check([before, "--baseline", notReport]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${displayPath(notReport)}:1:29: /findings/0/stack: expected string, got number\n`);
    expect(bad.stderr).toContain(`${displayPath(notReport)}:1:15: /findings/0/address: expected string, got nothing\n`);
  });

  it("a fingerprint is the rule, stack, address and message without locations", () => {
    const f = { rule: "r", stack: "s", address: "a", message: "set at environments/x.yaml:12:3 (line 12)" };
    expect(messageKey(f.message)).toBe("set at <location> (line <n>)");
    expect(findingFingerprint(f)).toBe(findingFingerprint({ ...f, message: "set at environments/x.yaml:40:1 (line 40)" }));
    expect(findingFingerprint(f)).toMatch(/^[0-9a-f]{32}$/);
    for (const key of ["rule", "stack", "address"] as const) expect(findingFingerprint({ ...f, [key]: "other" })).not.toBe(findingFingerprint(f));
    expect(findingFingerprint({ ...f, message: "another problem" })).not.toBe(findingFingerprint(f));
  });
});

describe("SARIF and locations", () => {
  it("every rule has a security-severity and a helpUri to its section of docs/policies.md; every result a physical location", async () => {
    const { code, report } = await check([folder], "sarif");
    expect(code).toBe(1);
    const run = (JSON.parse(report) as sarif.Log).runs[0]!;
    const catalog = fs.readFileSync(path.join(REPO_ROOT, "docs", "policies.md"), "utf8");
    for (const rule of run.tool.driver.rules ?? []) {
      const severity = Number(rule.properties?.["security-severity"]);
      expect(severity, rule.id).toBeGreaterThan(0);
      expect(severity, rule.id).toBeLessThanOrEqual(10);
      expect(rule.helpUri).toBe(`${catalogUri(REPO_ROOT)}#${rule.id}`);
      expect(catalog, rule.id).toContain(`\n### ${rule.id}\n`);
    }
    expect(run.results?.length).toBeGreaterThan(0);
    for (const result of run.results ?? []) {
      expect(result.locations?.[0]?.physicalLocation?.region?.startLine, result.ruleId).toBeGreaterThan(0);
      expect(result.partialFingerprints?.["govcloudFinding/v1"]).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it("a state-backend finding of a folder without sources.json is located at its backend block in cdk.tf.json", async () => {
    const dir = path.join(tmp, "backend-only");
    fs.mkdirSync(path.join(dir, "stacks", "one"), { recursive: true });
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { one: { synthesizedStackPath: "stacks/one/cdk.tf.json" } } }));
    const doc = path.join(dir, "stacks", "one", "cdk.tf.json");
    fs.writeFileSync(doc, '{\n  "terraform": {\n    "backend": {\n      "s3": {"endpoints": {"s3": "https://s3.amazonaws.com"}, "bucket": "b"}\n    }\n  }\n}\n');
    const { code, report } = await check([dir, "--env", "national"], "sarif");
    expect(code).toBe(1);
    const results = (JSON.parse(report) as sarif.Log).runs[0]!.results!;
    expect(results.map((r) => [r.ruleId, r.locations?.[0]?.physicalLocation])).toEqual([
      ["endpoints-in-country", { artifactLocation: { uri: displayPath(doc) }, region: { startLine: 4, startColumn: 7 } }],
    ]);
  });

  it("helpUri is absolute: GOVCLOUD_DOCS_URL, else the catalog at the commit in GitHub or GitLab CI, else the file", () => {
    expect(catalogUri("/r", { GOVCLOUD_DOCS_URL: "https://docs.example/policies.md", GITHUB_SHA: "x" })).toBe("https://docs.example/policies.md");
    expect(catalogUri("/r", { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "o/govcloud", GITHUB_SHA: "abc" })).toBe("https://github.com/o/govcloud/blob/abc/docs/policies.md");
    expect(catalogUri("/r", { CI_PROJECT_URL: "https://gitlab.example/g/govcloud", CI_COMMIT_SHA: "abc" })).toBe("https://gitlab.example/g/govcloud/-/blob/abc/docs/policies.md");
    expect(catalogUri("/r", {})).toBe("file:///r/docs/policies.md");
  });

  it("platform and management resources and state backends point at the environment settings that produce them", () => {
    const lines = fs.readFileSync(envFile, "utf8").split("\n");
    const lineOf = (pattern: RegExp, after = 0) => lines.findIndex((l, i) => i >= after && pattern.test(l)) + 1;
    const { resources } = loadSynthFolder(folder);
    const platform = resources.filter((r) => r.stack.startsWith("platform-"));
    expect(platform.length).toBeGreaterThan(0);
    // Nothing outside the tenants points at the first line any more.
    for (const r of resources.filter((x) => !x.stack.startsWith("tenants-"))) expect(r.source?.line, `${r.stack} ${r.address}`).toBeGreaterThan(1);
    const backend = resources.find((r) => r.type === "terraform_backend")!;
    expect(backend.source).toMatchObject({ line: lineOf(/^stateBackend:/), col: 1 });
    const namespaces = lineOf(/^ {2}namespaces:/);
    for (const r of platform.filter((x) => x.type === "helm_release")) {
      const addOn = /^add-ons_(.+?)_release/.exec(r.name)?.[1] as string;
      expect(r.source, r.address).toMatchObject({ line: lineOf(new RegExp(`^ {4}${addOn}:`), namespaces), col: 5 });
    }
    for (const r of platform.filter((x) => x.type === "kubernetes_storage_class_v1")) {
      const name = /^baseline_storage-class-(.+?)_[0-9A-F]{8}$/.exec(r.name)?.[1] as string;
      expect(r.source, r.address).toMatchObject({ line: lineOf(new RegExp(`^ {4}${name}:`), lineOf(/^ {2}storageClasses:/)), col: 5 });
    }
  });

  it("govcloud addresses reports a lost address at its line of resource-addresses.txt", () => {
    const list = path.join(tmp, "project", "dev", "resource-addresses.txt");
    fs.writeFileSync(list, "# header\n# second header line\nplatform-north helm_release.gone\n");
    const result = cli("addresses", "--env", envFile);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${displayPath(list)}:3:1: platform-north helm_release.gone: this resource would be destroyed`);
  });
});

describe("rules not run", () => {
  it("are listed by the text report and skipped in JUnit, with the reason", async () => {
    const file = path.join(tmp, "no-settings.plan.json");
    fs.writeFileSync(file, plan([]));
    const result = await runChecks({ repoRoot: REPO_ROOT, packs: PACKS, inputs: [{ kind: "plan", file }] });
    expect(result.notRun.map((n) => n.rule)).toEqual(["images-from-in-country-registries-pinned", "endpoints-in-country"]);
    expect(result.exitCode).toBe(0);
    const text = renderText(result);
    expect(text).toContain("\nNot run (2):\n  images-from-in-country-registries-pinned [kubernetes-security]: needs configuration 'allowedRegistries'");
    const junit = renderJunit(result);
    expect(junit).toMatch(/<testcase classname="data-residency" name="endpoints-in-country">\s*<skipped message="not run: needs configuration 'allowedDomains'/);
  });
});

describe("progress", () => {
  it("is shown on a terminal only, and a check reports its steps", async () => {
    expect(terminalProgress(false)).toBeUndefined();
    expect(terminalProgress(true)).toBeTypeOf("function");
    const messages: string[] = [];
    await runChecks({ repoRoot: REPO_ROOT, packs: PACKS, inputs: [{ kind: "folder", dir: folder }], onProgress: (m) => messages.push(m) });
    expect(messages).toEqual([
      expect.stringMatching(new RegExp(`^read \\d+ resource instances of \\d+ stack\\(s\\) from ${displayPath(folder).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)),
      expect.stringMatching(/^judging \d+ resource instances of \d+ stack\(s\) with \d+ rules$/),
      expect.stringMatching(/^judged: \d+ finding\(s\) before suppressions$/),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

/** The system id onboarding gave the agency (the only key of its systems). */
function placeholderSystem(): string {
  const text = fs.readFileSync(path.join(tmp, "project", "dev", "agencies", `${AGENCY}.yaml`), "utf8");
  return /^systems:\n(?:\s*#.*\n)*\s{2}([a-z0-9-]+):/m.exec(text)?.[1] ?? "?";
}

/** Every command and subcommand with the words that run it. */
function commandsOf(program: Command, prefix: string[] = []): { path: string[]; command: Command }[] {
  return program.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .flatMap((c) => [{ path: [...prefix, c.name()], command: c }, ...commandsOf(c, [...prefix, c.name()])]);
}

/** Runs `run` with standard error captured (and restored, whatever happens). */
async function capturingStderr<T>(run: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  try {
    return { value: await run(), stderr: chunks.join("") };
  } finally {
    spy.mockRestore();
  }
}

