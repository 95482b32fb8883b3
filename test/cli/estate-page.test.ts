/**
 * `govcloud report estate --format html`: one self-contained page, the same bytes for the same
 * input, loaded in a real browser (Debian's chromium, driven by puppeteer-core) with no network
 * request and no console error, showing the three regions and the KPI table; the browser's
 * screenshot is docs/images/estate.png (README). A missing browser fails the test: it is never
 * skipped (.ci/run installs chromium).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import puppeteer, { type Browser } from "puppeteer-core";
import type { EnergyEstimate } from "../../estate/energy";
import { KPI_DEFINITIONS } from "../../estate/kpis";
import { estatePage } from "../../cli/report-estate";
import { cli } from "../support/cli";
import { REPO_ROOT, tempDir } from "../support/synth";

/** The day the page is made for: a fixed input, so that the page and its screenshot are stable. */
const AS_OF = new Date("2026-12-03T05:00:00Z");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = path.join(REPO_ROOT, "docs", "images", "estate.png");
const dir = tempDir();

/** Chromium's flags for a root user in a container, with nothing that reaches the network. */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("govcloud report estate", () => {
  const html = estatePage(REPO_ROOT, "national", AS_OF);

  it("writes the page to a file through the CLI, exit 0", () => {
    const file = path.join(dir, "estate.html");
    const result = cli("report", "estate", "--env", "national", "--format", "html", "--as-of", "2026-12-03", "--output", file);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(fs.readFileSync(file, "utf8")).toBe(html);
  });

  it("is the same bytes for the same input", () => {
    expect(estatePage(REPO_ROOT, "national", AS_OF)).toBe(html);
  });

  it("is self-contained: no script, no external reference of any kind", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|@font-face/i);
    expect(html).not.toMatch(/\b(?:https?|ftp|wss?):\/\//i);
    expect(html).not.toMatch(/\b(?:src|href|xlink:href)\s*=/i);
    // The only url() is the arrowhead marker, a fragment of the page itself.
    expect([...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1])).toEqual(expect.arrayContaining(["#arrowhead"]));
    expect([...html.matchAll(/url\(([^)]*)\)/g)].every((m) => m[1] === "#arrowhead")).toBe(true);
  });

  it("describes the picture in text: title, desc and tables with the same figures", () => {
    expect(html).toMatch(/<svg[^>]+role="img"[^>]+aria-labelledby="topology-title topology-desc"/);
    expect(html).toContain('<title id="topology-title">');
    expect(html).toMatch(/<desc id="topology-desc">[^<]*north[^<]*central[^<]*south/);
    for (const id of ["node-pools", "capacity", "replication", "agencies", "energy", "kpis", "green-targets"]) expect(html).toContain(`<table id="${id}">`);
    expect(html).toContain("@media print");
  });

  it("shows each site's energy and carbon from its inventory, split into allocated, platform and idle, and its ISO/IEC 30134 KPIs", () => {
    const energy = JSON.parse(cli("report", "energy", "--env", "national", "--format", "json").stdout) as EnergyEstimate;
    const table = /<table id="energy">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
    for (const header of ["site facility kWh/yr", "allocated", "platform", "idle", "CUE kgCO2e/kWh"]) expect(table).toContain(`>${header}</th>`);
    for (const site of energy.regions) {
      const row = new RegExp(`<tr data-region="${site.regionId}">(.*?)</tr>`).exec(table)?.[1] ?? "";
      const facility = (n: number) => Math.round(n).toLocaleString("en-US");
      for (const kWh of [site.facilityKWh, site.allocated.facilityKWh, site.platform.facilityKWh, site.idle.facilityKWh]) expect(row, site.regionId).toContain(`>${facility(kWh)}<`);
      expect(row).toContain(`>${site.kpis.cue.toFixed(3)}<`);
    }
    const targets = /<table id="green-targets">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
    expect([...targets.matchAll(/<td>(PUE|REF|ERF|WUE|CUE)<\/td>/g)].length).toBe(energy.regions.reduce((n, r) => n + r.kpis.targets.length, 0));
  });

  it("--agency: the agency's page, its KPIs, its row and its share of each site; an unknown id is bad input", () => {
    const file = path.join(dir, "estate-bo-y-te.html");
    const result = cli("report", "estate", "--as-of", "2026-12-03", "--agency", "bo-y-te", "--output", file);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const page = fs.readFileSync(file, "utf8");
    expect(page).toContain("<title>Estate: national, agency bo-y-te</title>");
    expect(page).toContain('<th scope="col">bo-y-te kWh/yr</th>');
    expect(page).toMatch(/data-kpi="provinces-onboarded">.*?class="status-not-applicable">not-applicable</);
    const agencies = /<div class="levels">[\s\S]*?<\/div>/.exec(page)?.[0] ?? "";
    expect(agencies).toContain("bo-y-te");
    expect(agencies).not.toContain("bo-tai-chinh");
    const unknown = cli("report", "estate", "--agency", "bo-y-tee");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean 'bo-y-te'\?/);
  });

  describe("in Chromium", () => {
    let browser: Browser | undefined;
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    let pageUrl = "";

    beforeAll(async () => {
      if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
      }
      const file = path.join(dir, "estate-browser.html");
      fs.writeFileSync(file, html);
      pageUrl = pathToFileURL(file).href;
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: fs.mkdtempSync(path.join(dir, "chromium-profile-")),
        args: FLAGS,
        defaultViewport: { width: 1280, height: 800 },
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    it("loads the page with no network request and no console error, and shows the regions and the KPI table", async () => {
      const page = await (browser as Browser).newPage();
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        requests.push(request.url());
        // Anything but the page itself is refused, and recorded above.
        if (request.url() === pageUrl) void request.continue();
        else void request.abort();
      });
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => consoleErrors.push(String(error)));
      const response = await page.goto(pageUrl, { waitUntil: "load" });
      expect(response?.ok()).toBe(true);

      for (const region of ["north", "central", "south"]) {
        const box = await page.$(`#region-${region}`);
        expect(box, `region ${region}`).not.toBeNull();
        expect(await box?.isVisible(), `region ${region} visible`).toBe(true);
        const bounds = await box?.boundingBox();
        expect(bounds?.width).toBeGreaterThan(100);
      }
      const table = await page.$("table#kpis");
      expect(await table?.isVisible()).toBe(true);
      const rows = await page.$$eval("table#kpis tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-kpi")));
      expect(rows).toEqual(KPI_DEFINITIONS.map((d) => d.id));
      const title = await page.$eval("#topology-title", (t) => t.textContent);
      expect(title).toContain("national");

      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      const png = await page.screenshot({ fullPage: true, type: "png" });
      expect(png.byteLength).toBeGreaterThan(10_000);
      // Rewritten only when the picture changed, so that a test run leaves the checkout clean.
      if (!fs.existsSync(SCREENSHOT) || !Buffer.from(png).equals(fs.readFileSync(SCREENSHOT))) fs.writeFileSync(SCREENSHOT, png);

      expect(requests).toEqual([pageUrl]);
      expect(consoleErrors).toEqual([]);
      await page.close();
    }, 120_000);
  });
});
