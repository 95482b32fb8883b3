/**
 * The estate as one self-contained HTML page (`govcloud report estate --format html`): an SVG
 * topology of the regions (clusters, node pools, capacity, backup replication with RPO), the
 * stacks in deploy order, agencies per region and level, energy and carbon per region, and the
 * KPI table. Inline CSS and SVG only: no script, font, image or link to anywhere (the
 * datacenters are air-gapped). Same input, same bytes: nothing depends on the clock except the
 * report's `asOf` day, which is part of the input.
 *
 * Layout: the regions are columns in the order the environment declares them (north to south
 * for the national estate), laid out by hand with fixed sizes. With a handful of regions there
 * is nothing for a graph-layout library to decide, and none of the offline ones (dagre, elkjs)
 * places arcs between sibling boxes better than a fixed rule does; docs/kpis.md says so.
 */
import type { Agency } from "../environments/agency-schema";
import { backupPartners } from "../estate/backup-topology";
import type { KpiReport, RegionFigures } from "../estate/kpis";
import { planStacks, type StackEntry } from "../stacks/stack-plan";
import type { LoadedEstate } from "../engine";
import { backupCoverage } from "./report-backups";

export interface PoolModel {
  readonly name: string;
  readonly role: string;
  readonly count: number;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

export interface RegionModel {
  readonly id: string;
  readonly displayName: string;
  readonly site: string;
  readonly kubernetesVersion: string;
  readonly pools: readonly PoolModel[];
  /** Capacity, site KPIs and the site's energy and carbon (with the agency's share under `--agency`). */
  readonly figures: RegionFigures;
  /** Agencies whose home is the region, by level (only the report's agency under `--agency`). */
  readonly agencies: Readonly<Record<Agency["level"], readonly string[]>>;
}

/** Copies from one region's tenants to another region's store. */
export interface ReplicationModel {
  readonly from: string;
  readonly to: string;
  readonly namespaces: number;
  /** Smallest and largest RPO of those namespaces, hours. */
  readonly rpoHours: readonly [number, number];
}

export interface EstatePageModel {
  readonly environment: string;
  readonly displayName: string;
  /** Set when the page is one agency's (`--agency`). */
  readonly agency?: string;
  readonly asOf: string;
  readonly topology?: string;
  readonly regions: readonly RegionModel[];
  readonly stacks: readonly StackEntry[];
  readonly replication: readonly ReplicationModel[];
  readonly report: KpiReport;
}

const LEVELS: readonly Agency["level"][] = ["central", "provincial", "commune"];

/**
 * What the page shows, from the loaded estate and its KPI report. A report of one agency
 * (`--agency`) gives that agency's page: the sites, clusters and stacks as they are (they are
 * shared), its KPIs, its agency row, its namespaces' replication, and its share of each site.
 */
export function estatePageModel(loaded: LoadedEstate, report: KpiReport): EstatePageModel {
  const { config, estate } = loaded;
  const env = estate.environment;
  const all = config.agencies.map((a) => a.value);
  const agencies = report.agency === undefined ? all : all.filter((a) => a.id === report.agency);
  const regionIds = Object.keys(env.regions);
  const regions = regionIds.map((id): RegionModel => {
    const region = env.regions[id]!;
    const home = agencies.filter((a) => a.homeRegion === id);
    return {
      id,
      displayName: region.displayName,
      site: region.site,
      kubernetesVersion: region.cluster.kubernetesVersion,
      pools: Object.entries(region.cluster.nodePools).map(([name, p]) => ({ name, role: p.role, count: p.count, cpu: p.cpu, memoryGiB: p.memoryGiB, gpus: p.gpus })),
      figures: report.regions.find((r) => r.regionId === id)!,
      agencies: Object.fromEntries(LEVELS.map((level) => [level, home.filter((a) => a.level === level).map((a) => a.id).sort()])) as unknown as RegionModel["agencies"],
    };
  });
  const coverage = backupCoverage(estate, all);
  const namespaces = coverage.namespaces.filter((n) => report.agency === undefined || n.agencyId === report.agency);
  const replication: ReplicationModel[] = [];
  if (env.backup !== undefined) {
    for (const from of regionIds) {
      for (const to of backupPartners(env.backup.topology, regionIds, from)) {
        const rpos = namespaces.filter((n) => n.regionId === from && n.copyRegions.includes(to) && n.rpoHours !== undefined).map((n) => n.rpoHours as number);
        replication.push({ from, to, namespaces: rpos.length, rpoHours: rpos.length === 0 ? [0, 0] : [Math.min(...rpos), Math.max(...rpos)] });
      }
    }
  }
  return {
    environment: env.name,
    displayName: env.displayName ?? env.name,
    ...(report.agency === undefined ? {} : { agency: report.agency }),
    asOf: report.asOf,
    ...(env.backup === undefined ? {} : { topology: env.backup.topology }),
    regions,
    stacks: planStacks(estate),
    replication,
    report,
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function esc(text: string | number): string {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
const num = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

const CSS = `
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --ok: #1a7f37; --bad: #cf222e; --na: #6e7781; --accent: #0b5cad; --bg: #ffffff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1.5rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
p.lead { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.status-met { color: var(--ok); font-weight: 600; }
.status-not-met { color: var(--bad); font-weight: 600; }
.status-no-data, .status-not-applicable { color: var(--na); font-weight: 600; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: .85rem; }
svg.topology { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; fill: var(--ink); }
svg .muted { fill: var(--muted); }
svg .region { fill: var(--panel); stroke: #8c959f; }
svg .bar-bg { fill: #eaeef2; }
svg .bar-ok { fill: #4c9a5f; }
svg .bar-bad { fill: var(--bad); }
svg .pool { fill: #ffffff; stroke: var(--line); }
svg .arrow { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .arrow-label { fill: var(--accent); font-size: 12px; }
svg marker path { fill: var(--accent); }
ol.stacks { columns: 2; font-size: .9rem; }
.levels { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.levels section { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.levels h3 { margin: .25rem 0; font-size: 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, figure, .levels section { break-inside: avoid; }
  svg.topology { border: none; }
  ol.stacks { columns: 3; }
  .status-met, .status-not-met, .status-no-data, .status-not-applicable { color: #000; }
}
`.trim();

export interface RenderOptions {
  /** Only the KPI tables (`report kpis --format html`). @default the whole estate page */
  readonly only?: "kpis";
}

/** The page. Deterministic: the same model gives the same bytes. */
export function renderEstatePage(model: EstatePageModel, options: RenderOptions = {}): string {
  const of = model.agency === undefined ? model.environment : `${model.environment}, agency ${model.agency}`;
  const title = options.only === "kpis" ? `Program KPIs: ${of}` : `Estate: ${of}`;
  const body =
    options.only === "kpis"
      ? [kpiSection(model.report), regionKpiSection(model.report)]
      : [topologySection(model), regionTables(model), stacksSection(model), agenciesSection(model), energySection(model), kpiSection(model.report), regionKpiSection(model.report)];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network at all, even if a later edit adds a reference by mistake.
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
    `<title>${esc(title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>${esc(title)}</h1>`,
    `<p class="lead">${esc(model.displayName)}. As of ${esc(model.asOf)} (Vietnam). Generated by <code>govcloud report ${options.only === "kpis" ? "kpis" : "estate"}</code> from the environment and agency files; definitions in docs/kpis.md.</p>`,
    "</header>",
    "<main>",
    ...body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

// Layout constants (SVG user units).
const COL_W = 300;
const GAP = 60;
const MARGIN = 20;
const HEADER_H = 64;
const POOL_H = 22;
const BAR_H = 12;

function topologySection(model: EstatePageModel): string {
  const regions = model.regions;
  const poolRows = Math.max(1, ...regions.map((r) => r.pools.length));
  const boxH = HEADER_H + poolRows * POOL_H + 16 + 3 * 26 + 16;
  const arcRoom = model.replication.length === 0 ? 0 : 36 + 44 * Math.max(1, regions.length - 1) * 2 - 20;
  const width = MARGIN * 2 + regions.length * COL_W + (regions.length - 1) * GAP;
  const height = MARGIN * 2 + boxH + arcRoom;
  const x0 = (i: number) => MARGIN + i * (COL_W + GAP);
  const out: string[] = [];
  const desc = [
    `${regions.length} regions: ${regions.map((r) => `${r.id} (${r.displayName}), ${r.pools.reduce((n, p) => n + p.count, 0)} nodes in ${r.pools.length} pools, CPU quotas ${num(r.figures.capacity.used.cpu, 1)} of ${num(r.figures.capacity.limit.cpu)} cores`).join("; ")}.`,
    model.replication.length === 0
      ? "No cross-region backup."
      : `Backup replication (${model.topology}): ${model.replication.map((r) => `${r.from} to ${r.to}, ${r.namespaces} namespaces, RPO ${rpoText(r)}`).join("; ")}.`,
    "The tables below the picture give the same figures.",
  ].join(" ");
  out.push(
    `<svg class="topology" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="topology-title topology-desc" preserveAspectRatio="xMidYMin meet">`,
    `<title id="topology-title">Topology of the ${esc(model.environment)} estate</title>`,
    `<desc id="topology-desc">${esc(desc)}</desc>`,
    '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  );
  regions.forEach((r, i) => {
    const x = x0(i);
    const y = MARGIN;
    out.push(`<g class="region-group" id="region-${esc(r.id)}" data-region="${esc(r.id)}" aria-label="Region ${esc(r.id)}">`);
    out.push(`<rect class="region" x="${x}" y="${y}" width="${COL_W}" height="${boxH}" rx="8"/>`);
    out.push(`<text x="${x + 12}" y="${y + 24}" font-size="18" font-weight="700">${esc(r.id)}</text>`);
    out.push(`<text x="${x + 12}" y="${y + 42}" font-size="12" class="muted">${esc(r.displayName)} · Kubernetes ${esc(r.kubernetesVersion)}</text>`);
    out.push(`<text x="${x + 12}" y="${y + 57}" font-size="11" class="muted">${esc(truncate(r.site, 48))}</text>`);
    r.pools.forEach((p, j) => {
      const py = y + HEADER_H + j * POOL_H;
      out.push(`<rect class="pool" x="${x + 10}" y="${py}" width="${COL_W - 20}" height="${POOL_H - 4}" rx="3"/>`);
      const gpu = p.gpus > 0 ? `, ${p.gpus} GPU` : "";
      out.push(`<text x="${x + 16}" y="${py + 13}" font-size="11.5">${esc(`${p.name} (${p.role}): ${p.count} × ${p.cpu} CPU, ${p.memoryGiB} GiB${gpu}`)}</text>`);
    });
    const by = y + HEADER_H + poolRows * POOL_H + 16;
    const { used, limit } = r.figures.capacity;
    (
      [
        ["CPU", used.cpu, limit.cpu, "cores"],
        ["memory", used.memoryGiB, limit.memoryGiB, "GiB"],
        ["GPU", used.gpus, limit.gpus, ""],
      ] as const
    ).forEach(([label, u, l, unit], k) => {
      const yy = by + k * 26;
      const w = COL_W - 24;
      const share = l > 0 ? Math.min(1, u / l) : 0;
      out.push(`<text x="${x + 12}" y="${yy}" font-size="11">${esc(`${label} quotas ${num(u, 1)} of ${num(l)}${unit === "" ? "" : ` ${unit}`} (${l > 0 ? pct(u / l) : "none declared"})`)}</text>`);
      out.push(`<rect class="bar-bg" x="${x + 12}" y="${yy + 4}" width="${w}" height="${BAR_H}" rx="2"/>`);
      out.push(`<rect class="${u <= l + 1e-9 ? "bar-ok" : "bar-bad"}" x="${x + 12}" y="${yy + 4}" width="${round(w * share)}" height="${BAR_H}" rx="2"/>`);
    });
    out.push("</g>");
  });
  // Replication arcs below the boxes. Each box has one port per (other region, direction) on
  // its bottom edge, ordered by where the other region is, so arcs do not cross at the boxes;
  // arcs going right stay near the boxes, arcs going left run below them, longer spans lower.
  const bottom = MARGIN + boxH;
  const indexOf = new Map(regions.map((r, i) => [r.id, i]));
  const port = (at: number, other: number, outgoing: boolean): number => {
    const others = regions.map((_r, k) => k).filter((k) => k !== at);
    const slots = others.flatMap((k) => (k < at ? [[k, false], [k, true]] : [[k, true], [k, false]]) as [number, boolean][]);
    const slot = slots.findIndex(([k, out]) => k === other && out === outgoing);
    return x0(at) + 20 + ((COL_W - 40) * (slot + 0.5)) / Math.max(1, slots.length);
  };
  const lane = (span: number, forward: boolean) => 36 + 44 * (span - 1) + (forward ? 0 : 44 * Math.max(1, regions.length - 1));
  const arcs: string[] = [];
  const labels: string[] = [];
  model.replication.forEach((rep) => {
    const i = indexOf.get(rep.from);
    const j = indexOf.get(rep.to);
    if (i === undefined || j === undefined) return;
    const forward = i < j;
    const depth = lane(Math.abs(j - i), forward);
    const sx = port(i, j, true);
    const ex = port(j, i, false);
    const mx = round((sx + ex) / 2);
    const label = `${rep.from} → ${rep.to}: ${rep.namespaces} ns, RPO ${rpoText(rep)}`;
    const labelW = round(label.length * 6.6 + 10);
    arcs.push(`<path class="arrow" data-from="${esc(rep.from)}" data-to="${esc(rep.to)}" d="M${round(sx)},${bottom} Q${mx},${bottom + 2 * depth} ${round(ex)},${bottom + 3}" marker-end="url(#arrowhead)"/>`);
    labels.push(`<rect x="${round(mx - labelW / 2)}" y="${bottom + depth - 9}" width="${labelW}" height="17" rx="3" fill="#ffffff" stroke="#d0d7de"/>`);
    labels.push(`<text class="arrow-label" x="${mx}" y="${bottom + depth + 4}" text-anchor="middle">${esc(label)}</text>`);
  });
  // Labels over every arc, so that no arc crosses a label.
  out.push('<g class="replication">', ...arcs, ...labels, "</g>");
  out.push("</svg>");
  return [
    '<section aria-labelledby="h-topology">',
    '<h2 id="h-topology">Regions, clusters and backup replication</h2>',
    "<figure>",
    out.join("\n"),
    `<figcaption>Each box is a regional cluster with its node pools; the bars are tenant quotas against the tenant pools' capacity with overcommit. Arrows are backup copies from a region's tenants to another region's object storage, with the range of their RPOs.</figcaption>`,
    "</figure>",
    "</section>",
  ].join("\n");
}

function rpoText(rep: ReplicationModel): string {
  if (rep.namespaces === 0) return "—";
  const [lo, hi] = rep.rpoHours;
  return lo === hi ? `${lo} h` : `${lo}–${hi} h`;
}

function regionTables(model: EstatePageModel): string {
  const rows = model.regions.flatMap((r) =>
    r.pools.map(
      (p, i) =>
        `<tr>${i === 0 ? `<th scope="rowgroup" rowspan="${r.pools.length}">${esc(r.id)}<br><small>${esc(r.displayName)}</small></th>` : ""}<td>${esc(p.name)}</td><td>${esc(p.role)}</td><td class="n">${p.count}</td><td class="n">${p.cpu}</td><td class="n">${p.memoryGiB}</td><td class="n">${p.gpus}</td></tr>`,
    ),
  );
  const capacity = model.regions.map((r) => {
    const { used, limit, declared } = r.figures.capacity;
    return `<tr><th scope="row">${esc(r.id)}</th><td class="n">${num(used.cpu, 1)} / ${num(limit.cpu)} (${num(declared.cpu)})</td><td class="n">${num(used.memoryGiB, 1)} / ${num(limit.memoryGiB)} (${num(declared.memoryGiB)})</td><td class="n">${num(used.gpus)} / ${num(limit.gpus)}</td><td class="status-${r.figures.capacityStatus}">${r.figures.capacityStatus}</td></tr>`;
  });
  const replication = model.replication.map(
    (r) => `<tr><td>${esc(r.from)}</td><td>${esc(r.to)}</td><td class="n">${r.namespaces}</td><td>${esc(rpoText(r))}</td></tr>`,
  );
  return [
    '<section aria-labelledby="h-regions">',
    '<h2 id="h-regions">Regions in figures</h2>',
    '<table id="node-pools"><caption class="visually-hidden">Node pools per region</caption><thead><tr><th scope="col">region</th><th scope="col">pool</th><th scope="col">role</th><th scope="col">nodes</th><th scope="col">CPU per node</th><th scope="col">GiB per node</th><th scope="col">GPUs per node</th></tr></thead>',
    `<tbody>${rows.join("")}</tbody></table>`,
    '<table id="capacity"><caption class="visually-hidden">Capacity used against available</caption><thead><tr><th scope="col">region</th><th scope="col">CPU quotas / limit (declared)</th><th scope="col">memory GiB quotas / limit (declared)</th><th scope="col">GPU quotas / GPUs</th><th scope="col">status</th></tr></thead>',
    `<tbody>${capacity.join("")}</tbody></table>`,
    model.replication.length === 0
      ? "<p>No cross-region backup is configured.</p>"
      : `<table id="replication"><caption class="visually-hidden">Backup replication between regions</caption><thead><tr><th scope="col">from (tenants of)</th><th scope="col">to (object storage of)</th><th scope="col">namespaces</th><th scope="col">RPO</th></tr></thead><tbody>${replication.join("")}</tbody></table>`,
    "</section>",
  ].join("\n");
}

function stacksSection(model: EstatePageModel): string {
  const items = model.stacks.map(
    (s) =>
      `<li><code>${esc(s.name)}</code>${s.dependencies.length > 0 ? ` after ${s.dependencies.map((d) => `<code>${esc(d)}</code>`).join(", ")}` : ""}${s.resources === undefined ? "" : `, ${s.resources} resources`}</li>`,
  );
  return ['<section aria-labelledby="h-stacks">', '<h2 id="h-stacks">Stacks in deploy order</h2>', `<ol class="stacks">${items.join("")}</ol>`, "</section>"].join("\n");
}

function agenciesSection(model: EstatePageModel): string {
  const header = `<thead><tr><th scope="col">region</th>${LEVELS.map((l) => `<th scope="col">${l}</th>`).join("")}<th scope="col">total</th></tr></thead>`;
  const rows = model.regions.map(
    (r) =>
      `<tr><th scope="row">${esc(r.id)}</th>${LEVELS.map((l) => `<td class="n">${r.agencies[l].length}</td>`).join("")}<td class="n">${LEVELS.reduce((n, l) => n + r.agencies[l].length, 0)}</td></tr>`,
  );
  const lists = model.regions.map(
    (r) =>
      `<section><h3>${esc(r.id)}</h3>${LEVELS.map((l) => `<p><strong>${l}</strong>: ${r.agencies[l].length === 0 ? "none" : r.agencies[l].slice(0, 40).map((a) => esc(a)).join(", ")}${r.agencies[l].length > 40 ? ` and ${r.agencies[l].length - 40} more` : ""}</p>`).join("")}</section>`,
  );
  return [
    '<section aria-labelledby="h-agencies">',
    '<h2 id="h-agencies">Agencies per home region and level</h2>',
    `<table id="agencies">${header}<tbody>${rows.join("")}</tbody></table>`,
    `<div class="levels">${lists.join("")}</div>`,
    "</section>",
  ].join("\n");
}

function energySection(model: EstatePageModel): string {
  const share = model.agency;
  const rows = model.regions.map((r) => {
    const { site, siteKpis } = r.figures;
    const part = (kWh: number) => `<td class="n">${num(kWh)}<br><small>${site.facilityKWh > 0 ? pct(kWh / site.facilityKWh) : "—"}</small></td>`;
    const agency = r.figures.agencyShare;
    return [
      `<tr data-region="${esc(r.id)}"><th scope="row">${esc(r.id)}</th>`,
      `<td class="n">${siteKpis.pue.toFixed(2)}</td><td class="n">${pct(siteKpis.ref)}</td><td class="n">${siteKpis.cue.toFixed(3)}<br><small>market ${siteKpis.cueMarket.toFixed(3)}</small></td>`,
      `<td class="n">${num(site.facilityKWh)}</td>${part(site.allocated.facilityKWh)}${part(site.platform.facilityKWh)}${part(site.idle.facilityKWh)}`,
      `<td class="n">${num(site.locationTCO2e, 1)}</td><td class="n">${num(site.marketTCO2e, 1)}</td><td class="n">${num(site.embodiedTCO2e, 1)}</td>`,
      agency === undefined ? "" : `<td class="n">${num(agency.facilityKWh)}<br><small>${num(agency.marketTCO2e, 2)} tCO2e</small></td>`,
      "</tr>",
    ].join("");
  });
  const declared = model.regions.flatMap((r) => {
    const k = r.figures.siteKpis;
    const extra = [k.erf === undefined ? undefined : `ERF ${k.erf.toFixed(2)}`, k.wue === undefined ? undefined : `WUE ${k.wue.toFixed(2)} L/kWh (${num((k.waterLitres ?? 0) / 1000)} m³/yr)`].filter((e) => e !== undefined);
    return extra.length === 0 ? [] : [`${esc(r.id)}: ${extra.map((e) => esc(e)).join(", ")}`];
  });
  return [
    '<section aria-labelledby="h-energy">',
    '<h2 id="h-energy">Energy and carbon per region</h2>',
    "<p>Estimated yearly figures of each whole site from its node inventory: every declared machine, all year, split into the agencies' shares (allocated), the platform (control planes, system pools, node agents, disks, network) and capacity nobody reserved (idle); percentages are of the site (<code>govcloud report energy</code>, docs/energy-and-placement.md). Kepler measures the running platform.</p>",
    `<table id="energy"><thead><tr><th scope="col">region</th><th scope="col">PUE</th><th scope="col">REF (renewable)</th><th scope="col">CUE kgCO2e/kWh</th><th scope="col">site facility kWh/yr</th><th scope="col">allocated</th><th scope="col">platform</th><th scope="col">idle</th><th scope="col">location tCO2e/yr</th><th scope="col">market tCO2e/yr</th><th scope="col">embodied tCO2e/yr</th>${share === undefined ? "" : `<th scope="col">${esc(share)} kWh/yr</th>`}</tr></thead>`,
    `<tbody>${rows.join("")}</tbody></table>`,
    declared.length === 0 ? "<p>ERF and WUE: not declared by any region.</p>" : `<p>Declared: ${declared.join("; ")}.</p>`,
    "</section>",
  ].join("\n");
}

function kpiSection(report: KpiReport): string {
  const rows = report.kpis.map(
    (k) =>
      `<tr data-kpi="${esc(k.id)}"><th scope="row"><code>${esc(k.id)}</code><br>${esc(k.title)}</th><td class="n">${pct(k.value)}</td><td class="n">${k.numerator}</td><td class="n">${k.denominator}</td><td class="n">${pct(k.target)}</td><td class="status-${k.status}">${k.status}</td><td>${k.gaps.length === 0 ? "" : `${k.gaps.slice(0, 5).map((g) => esc(g)).join("<br>")}${k.gaps.length > 5 ? `<br>and ${k.gaps.length - 5} more` : ""}`}</td></tr>`,
  );
  return [
    '<section aria-labelledby="h-kpis">',
    '<h2 id="h-kpis">Program KPIs</h2>',
    '<table id="kpis"><caption class="visually-hidden">Digital Government Program KPIs</caption><thead><tr><th scope="col">KPI</th><th scope="col">value</th><th scope="col">numerator</th><th scope="col">denominator</th><th scope="col">target</th><th scope="col">status</th><th scope="col">gaps</th></tr></thead>',
    `<tbody>${rows.join("")}</tbody></table>`,
    report.overdue.length === 0 ? "" : `<p>Approvals overdue for review: ${report.overdue.map((o) => esc(o)).join("; ")}.</p>`,
    "</section>",
  ].join("\n");
}

function regionKpiSection(report: KpiReport): string {
  const standing = (status: string) => (status === "meets" ? "met" : "not-met");
  const rows = report.regions.flatMap((r) =>
    r.siteKpis.targets.map((t, i) => {
      const value = t.kpi === "PUE" ? r.siteKpis.pue.toFixed(2) : t.kpi === "REF" ? pct(r.siteKpis.ref) : t.kpi === "CUE" ? r.siteKpis.cue.toFixed(3) : t.kpi === "ERF" ? (r.siteKpis.erf?.toFixed(2) ?? "not declared") : (r.siteKpis.wue?.toFixed(2) ?? "not declared");
      return `<tr>${i === 0 ? `<th scope="rowgroup" rowspan="${r.siteKpis.targets.length}">${esc(r.regionId)}</th>` : ""}<td>${t.kpi}</td><td class="n">${value}</td><td class="n">${esc(t.target.replace("<=", "≤").replace(">=", "≥"))}</td><td class="status-${standing(t.status)}">${esc(t.status)}</td></tr>`;
    }),
  );
  return [
    '<section aria-labelledby="h-green">',
    '<h2 id="h-green">Green targets per region</h2>',
    "<p>The sites' ISO/IEC 30134 KPIs against <code>green.targets</code>: PUE and REF always, ERF, WUE and CUE where a target is declared.</p>",
    '<table id="green-targets"><thead><tr><th scope="col">region</th><th scope="col">KPI</th><th scope="col">site value</th><th scope="col">target</th><th scope="col">status</th></tr></thead>',
    `<tbody>${rows.join("")}</tbody></table>`,
    "</section>",
  ].join("\n");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
