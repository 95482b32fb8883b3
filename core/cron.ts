/**
 * Cron schedules: one grammar and one parser (croner) for every schedule govcloud reads or
 * writes: agencies' scheduled jobs, restore drills and the Velero backup Schedules.
 *
 * The grammar is the one Kubernetes CronJobs and Velero accept (robfig/cron's standard parser):
 * five fields (minute, hour, day of month, month, day of week) of numbers, `*`, `?`, ranges,
 * steps (`*\/n`, `a-b/n` and `a/n`, which means `a-<max>/n`), comma lists, and month and weekday
 * names; a restricted day of month and day of week match either (cron's OR rule). croner
 * understands more (`L`, `W`, `#`, seconds, `@daily`): those are refused here, because the
 * cluster would refuse them. A schedule that fires every day at minutes and hours of numbers,
 * ranges and steps (every backup Schedule govcloud writes) needs no parser to tell when (a
 * property test holds it to croner's answer). Pure; times are UTC and the year is 2025 (not a
 * leap year), so counts never depend on the machine running them.
 */
import { Cron } from "croner";

/** The five fields of a schedule, their names and ranges. */
const FIELDS: readonly { name: string; min: number; max: number; names: readonly string[] }[] = [
  { name: "minute", min: 0, max: 59, names: [] },
  { name: "hour", min: 0, max: 23, names: [] },
  { name: "day of month", min: 1, max: 31, names: [] },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** One list item of a field: `*`, `?`, a number or name, a range, each with an optional step. */
const ITEM = /^(\*|\?|[0-9]+|[A-Za-z]{3})(-([0-9]+|[A-Za-z]{3}))?(\/([0-9]+))?$/;

/** What a valid schedule fires at. */
interface Expansion {
  /** Minutes of the day it fires at (0..1439), sorted. */
  readonly times: readonly number[];
  /** Days of 2025 it fires on. */
  readonly days: number;
  /** Whether day of month, month and day of week are all `*` (or `?`): it fires every day. */
  readonly everyDay: boolean;
}

const cache = new Map<string, Expansion | string>();

/**
 * Why `schedule` is not a five-field cron expression a Kubernetes CronJob accepts, or undefined
 * when it is one. The message fits after a field path: "must be a five-field cron expression
 * such as '0 2 * * *' ...".
 */
export function cronProblem(schedule: string, example = "0 2 * * *"): string | undefined {
  const expanded = expand(schedule);
  return typeof expanded === "string" ? `must be a five-field cron expression such as '${example}'${expanded === "" ? "" : `: ${expanded}`}` : undefined;
}

/** How many times a valid schedule fires in a (non-leap) year; undefined for an invalid one. */
export function cronRunsPerYear(schedule: string): number | undefined {
  const expanded = expand(schedule);
  return typeof expanded === "string" ? undefined : expanded.times.length * expanded.days;
}

/**
 * The longest time between two runs, minutes, for a schedule that fires every day (day of
 * month, month and day of week all `*`); undefined for anything else (specific days, or not a
 * valid schedule), which cannot meet a recovery point objective of hours.
 */
export function cronMaxGapMinutes(schedule: string): number | undefined {
  const expanded = expand(schedule);
  if (typeof expanded === "string" || !expanded.everyDay) return undefined;
  const { times } = expanded;
  let gap = (times[0] as number) + 1440 - (times[times.length - 1] as number);
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
  return gap;
}

/** The expansion of a schedule, or why it is invalid ("" when it does not have five fields). */
function expand(schedule: string): Expansion | string {
  const known = cache.get(schedule);
  if (known !== undefined) return known;
  const result = expandUncached(schedule);
  cache.set(schedule, result);
  return result;
}

function expandUncached(schedule: string): Expansion | string {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return "";
  const normalised: string[] = [];
  for (const [i, field] of fields.entries()) {
    const { name, min, max, names } = FIELDS[i]!;
    const items: string[] = [];
    for (const item of field.split(",")) {
      const m = ITEM.exec(item);
      if (m === null) return `the ${name} field '${field}' is not a number, name, '*', range or step (Kubernetes CronJobs take no 'L', 'W' or '#')`;
      const [, from, , to, , step] = m;
      if ((from === "*" || from === "?") && to !== undefined) return `the ${name} field '${field}' has a range after '${from}'`;
      if (step !== undefined && Number(step) < 1) return `the ${name} field '${field}' has a step of 0`;
      for (const bound of [from, to]) {
        if (bound !== undefined && /^[0-9]+$/.test(bound) && (Number(bound) < min || Number(bound) > max)) {
          return `the ${name} field '${field}' has ${bound}, outside ${min}-${max}`;
        }
        if (bound !== undefined && /^[A-Za-z]+$/.test(bound) && !names.includes(bound.toLowerCase())) {
          return `the ${name} field '${field}' has '${bound}', which is ${names.length === 0 ? "not a number" : `not one of ${names.join(", ")}`}`;
        }
      }
      // robfig/cron (Kubernetes): `a/n` starts at a and runs to the field's maximum; croner wants it spelled out.
      items.push(step !== undefined && to === undefined && from !== "*" && from !== "?" ? `${from}-${max}/${step}` : item);
    }
    normalised.push(items.join(","));
  }
  const [minute, hour, dom, month, dow] = normalised as [string, string, string, string, string];
  // A UTC offset of zero rather than the UTC time zone: the same runs, without croner going
  // through Intl for every date (a quarter of the time, most of it in a gate's first check).
  const wild = (f: string) => f === "*" || f === "?";
  // Every day (the common case, every Velero Schedule): the day fields need no parser.
  const everyDay = wild(dom) && wild(month) && wild(dow);
  // Minutes and hours of numbers, ranges and steps (every generated schedule: `17 1 * * *`,
  // `17 5-23/12 * * *`), already checked against their ranges above, fire at each hour and
  // minute they name: croner is not needed to tell.
  const minutes = everyDay ? fieldValues(minute, 0, 59) : undefined;
  const hours = everyDay ? fieldValues(hour, 0, 23) : undefined;
  if (minutes !== undefined && hours !== undefined) {
    const times = new Set(hours.flatMap((h) => minutes.map((m) => h * 60 + m)));
    return { times: [...times].sort((a, b) => a - b), days: 365, everyDay };
  }
  let timeOfDay: Cron;
  let day: Cron | undefined;
  try {
    timeOfDay = new Cron(`${minute} ${hour} * * *`, { utcOffset: 0, paused: true });
    day = everyDay ? undefined : new Cron(`0 0 ${dom} ${month} ${dow}`, { utcOffset: 0, paused: true, domAndDow: false });
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "").replace(/^Invalid value/, "invalid value");
  }
  const times = runsBetween(timeOfDay, Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 2)).map((t) => (t - Date.UTC(2025, 0, 1)) / 60_000);
  const days = day === undefined ? 365 : runsBetween(day, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1)).length;
  if (times.length === 0) return "it never fires";
  return { times, days, everyDay };
}

/**
 * The values a normalised minute or hour field names (`*`, numbers, `a-b`, each with an optional
 * `/n`), or undefined for anything else (`?`, a range that runs backwards, a step longer than the
 * field), which croner decides.
 */
function fieldValues(field: string, min: number, max: number): number[] | undefined {
  const values: number[] = [];
  for (const item of field.split(",")) {
    const m = /^(\*|[0-9]+)(?:-([0-9]+))?(?:\/([0-9]+))?$/.exec(item);
    if (m === null) return undefined;
    const [, from, to, step] = m as unknown as [string, string, string | undefined, string | undefined];
    const first = from === "*" ? min : Number(from);
    const last = from === "*" ? max : to !== undefined ? Number(to) : step !== undefined ? max : first;
    // A range that runs backwards, or a step longer than the field, croner refuses with its reason.
    if (last < first || (step !== undefined && Number(step) > max - min + 1)) return undefined;
    for (let value = first; value <= last; value += step === undefined ? 1 : Number(step)) values.push(value);
  }
  return values;
}

/** The times (ms since the epoch) a schedule fires at in [from, to). */
function runsBetween(cron: Cron, from: number, to: number): number[] {
  const runs: number[] = [];
  let next = cron.nextRun(new Date(from - 1));
  while (next !== null && next.getTime() < to) {
    runs.push(next.getTime());
    next = cron.nextRun(next);
  }
  return runs;
}
