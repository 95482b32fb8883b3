/**
 * The one cron module (core/cron.ts): runs per year for the energy estimate, the longest gap
 * for the backup RPO check, and the grammar Kubernetes CronJobs accept, with the messages the
 * schemas report at `file:line:col`.
 */
import { Cron } from "croner";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backupCron } from "../../estate/backup";
import { cronMaxGapMinutes, cronProblem, cronRunsPerYear } from "../../core/cron";

describe("cronRunsPerYear", () => {
  it.each([
    ["0 2 * * *", 365],
    ["*/15 * * * *", 4 * 24 * 365],
    ["0 9 * * 1-5", 261], // 2025: 52 weeks and a Wednesday
    ["0 9 * * MON-FRI", 261],
    ["0 9 * * mon-fri", 261],
    ["0 0 1 * *", 12],
    ["30 6 1,15 */3 *", 8],
    ["0 0 1 * 1", 62], // day of month or day of week: 12 firsts and 52 Mondays, 2 of them both
    ["0 0 * * 0,7", 52],
    ["0 0 ? * *", 365],
    ["5/20 * * * *", 3 * 24 * 365], // robfig/cron: a/n runs from a to the field's maximum
    ["0 0 1 JAN,jul *", 2],
    ["0 0 30 2 *", 0], // valid, never fires
  ])("%s fires %i times a year", (schedule, runs) => {
    expect(cronRunsPerYear(schedule)).toBe(runs);
    expect(cronProblem(schedule)).toBeUndefined();
  });

  it("does not guess at syntax it does not know", () => {
    expect(cronRunsPerYear("0 0 L * *")).toBeUndefined();
    expect(cronRunsPerYear("0 25 * * *")).toBeUndefined();
    expect(cronRunsPerYear("@daily")).toBeUndefined();
  });
});

describe("cronMaxGapMinutes", () => {
  it("gives the longest gap of schedules that run every day", () => {
    expect(cronMaxGapMinutes("7 1-23/4 * * *")).toBe(240);
    expect(cronMaxGapMinutes("0 * * * *")).toBe(60);
    expect(cronMaxGapMinutes("0 0,12 * * *")).toBe(720);
    expect(cronMaxGapMinutes("0 1,2 * * *")).toBe(1380);
    expect(cronMaxGapMinutes("30 3 * * *")).toBe(1440);
    expect(cronMaxGapMinutes("*/15 * * * *")).toBe(15);
    expect(cronMaxGapMinutes("0 0 ? * ?")).toBe(1440);
  });

  it("is undefined for specific days and for what is not a valid schedule", () => {
    expect(cronMaxGapMinutes("0 2 * * 6")).toBeUndefined();
    expect(cronMaxGapMinutes("0 2 1 * *")).toBeUndefined();
    expect(cronMaxGapMinutes("@every 1h")).toBeUndefined();
    expect(cronMaxGapMinutes("0 25 * * *")).toBeUndefined();
  });

  it("agrees with the runs per year of every backup schedule govcloud writes", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom(1, 2, 3, 4, 6, 8, 12, 24), fc.nat(5), (seed, interval, shift) => {
        const cron = backupCron(seed, interval, shift);
        expect(cronProblem(cron)).toBeUndefined();
        expect(cronMaxGapMinutes(cron)).toBe(interval * 60);
        expect(cronRunsPerYear(cron)).toBe((24 / interval) * 365);
      }),
    );
  });
});

/** One item of a minute or hour field up to `max`: `*`, a number, a range, each with an optional step, or `a/n`. */
function fieldItem(max: number): fc.Arbitrary<string> {
  const value = fc.integer({ min: 0, max });
  const step = fc.option(fc.integer({ min: 1, max: max + 2 }), { nil: undefined });
  const stepped = (item: string, n: number | undefined) => (n === undefined ? item : `${item}/${n}`);
  return fc.oneof(
    value.map(String),
    fc.tuple(value, value, step).map(([a, b, n]) => stepped(`${Math.min(a, b)}-${Math.max(a, b)}`, n)),
    step.map((n) => stepped("*", n)),
    fc.tuple(value, fc.integer({ min: 1, max: max + 2 })).map(([a, n]) => `${a}/${n}`),
  );
}

describe("minutes and hours of numbers, ranges and steps", () => {
  it("fire when croner says they do", () => {
    const day = Date.UTC(2025, 0, 1);
    const field = (max: number) => fc.array(fieldItem(max), { minLength: 1, maxLength: 3 }).map((items) => items.join(","));
    fc.assert(
      fc.property(field(59), field(23), (minutes, hours) => {
        const schedule = `${minutes} ${hours} * * *`;
        // croner reads `a/n` as every n from a only when it is spelled `a-<max>/n` (robfig/cron's meaning).
        const spelled = (f: string, max: number) => f.split(",").map((item) => item.replace(/^([0-9]+)\/([0-9]+)$/, `$1-${max}/$2`)).join(",");
        let cron: Cron;
        try {
          cron = new Cron(`${spelled(minutes, 59)} ${spelled(hours, 23)} * * *`, { utcOffset: 0, paused: true });
        } catch {
          // What croner refuses (a step longer than the field) is no schedule here either.
          expect(cronRunsPerYear(schedule)).toBeUndefined();
          return;
        }
        const runs: number[] = [];
        for (let next = cron.nextRun(new Date(day - 1)); next !== null && next.getTime() < day + 86_400_000; next = cron.nextRun(next)) runs.push((next.getTime() - day) / 60_000);
        const gaps = runs.map((t, i) => (i === 0 ? t + 1440 - (runs[runs.length - 1] as number) : t - (runs[i - 1] as number)));
        expect(cronRunsPerYear(schedule)).toBe(runs.length * 365);
        expect(cronMaxGapMinutes(schedule)).toBe(Math.max(...gaps));
      }),
      { numRuns: 300 },
    );
  });
});

describe("cronProblem", () => {
  it.each([
    ["0 2 * *", "must be a five-field cron expression such as '0 2 * * *'"],
    ["0 2 * * * *", "must be a five-field cron expression such as '0 2 * * *'"],
    ["@daily", "must be a five-field cron expression such as '0 2 * * *'"],
    ["0 25 * * *", "must be a five-field cron expression such as '0 2 * * *': the hour field '25' has 25, outside 0-23"],
    ["60 2 * * *", "must be a five-field cron expression such as '0 2 * * *': the minute field '60' has 60, outside 0-59"],
    ["0 2 * * 8", "must be a five-field cron expression such as '0 2 * * *': the day of week field '8' has 8, outside 0-7"],
    ["0 2 * 13 *", "must be a five-field cron expression such as '0 2 * * *': the month field '13' has 13, outside 1-12"],
    ["0 2 0 * *", "must be a five-field cron expression such as '0 2 * * *': the day of month field '0' has 0, outside 1-31"],
    ["0 2 * FOO *", "must be a five-field cron expression such as '0 2 * * *': the month field 'FOO' has 'FOO', which is not one of jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec"],
    ["0 2 * * JAN", "must be a five-field cron expression such as '0 2 * * *': the day of week field 'JAN' has 'JAN', which is not one of sun, mon, tue, wed, thu, fri, sat"],
    ["abc 2 * * *", "must be a five-field cron expression such as '0 2 * * *': the minute field 'abc' has 'abc', which is not a number"],
    ["0 0 L * *", "must be a five-field cron expression such as '0 2 * * *': the day of month field 'L' is not a number, name, '*', range or step (Kubernetes CronJobs take no 'L', 'W' or '#')"],
    ["0 0 * * 5#3", "must be a five-field cron expression such as '0 2 * * *': the day of week field '5#3' is not a number, name, '*', range or step (Kubernetes CronJobs take no 'L', 'W' or '#')"],
    ["*-5 * * * *", "must be a five-field cron expression such as '0 2 * * *': the minute field '*-5' has a range after '*'"],
    ["*/0 * * * *", "must be a five-field cron expression such as '0 2 * * *': the minute field '*/0' has a step of 0"],
  ])("%s: %s", (schedule, message) => {
    expect(cronProblem(schedule)).toBe(message);
  });

  it("names the example it is given", () => {
    expect(cronProblem("x", "0 2 * * 6")).toBe("must be a five-field cron expression such as '0 2 * * 6'");
  });
});
