/**
 * How many threads a command uses, from GOVCLOUD_THREADS:
 * - unset: a second thread for large estates (at least {@link MIN_AGENCIES_FOR_TWO_THREADS}
 *   agency files): it reads half of the agency files, and a fresh synthesis without the policy
 *   gate shares the tenants and their stacks with it (engine/second-thread.ts). With the gate
 *   (`govcloud synth`), the gate's thread has the second core: in a first synthesis it reads
 *   half of the agency files instead (no thread is started for them: 10 of 14 alternated cold
 *   runs of 3,400 agencies faster, medians 8.76 against 9.85 s and 8.56 against 8.90 s in two
 *   sets of 7), and in a re-synthesis it synthesizes the few stacks that changed
 *   (engine/thread-setting.ts). A third thread made the
 *   3,400-agency command slower (15.5 s against 14.4 s) and raised its peak memory from 658 to
 *   917 MiB. Sharing the tenant stacks of a first synthesis with the gate's thread made it no
 *   faster (11.5 s either way) for 2 s more CPU and 830 against 700 MiB at the peak: the two
 *   cores of the bench machine do not double serialization. Tried again once the gate kept pace
 *   with synthesis (a tenth of the tenant stacks, synthesized and checked in the gate's own folder
 *   while its checks of the others waited): 9.64 against 9.41 s, 1.1 s more CPU, 709 against
 *   637 MiB (medians of 8 alternated runs). The gate's thread now writes the agency-file cache
 *   while the main thread builds the estate instead (engine/agency-file-cache.ts). A watch
 *   session's runs after the first use one (an edit rebuilds two stacks; starting a thread for
 *   them costs more than it saves).
 * - `1`: one thread for everything but the policy gate's checks.
 * - `2`: a second thread whenever there is work to share, however small the estate.
 * The policy gate of `govcloud synth` has a thread of its own in every case. Output never depends
 * on the setting (test/stacks/govcloud-app.test.ts).
 */
import * as fs from "node:fs";
import { agenciesDir, isAgencyFileName, resolveEnvironmentFile } from "../environments";
import { threadSetting } from "./thread-setting";

/** Below this many agency files a second thread costs more than it saves. */
export const MIN_AGENCIES_FOR_TWO_THREADS = 200;

/** The fewest files worth reading on two threads. */
export function minFilesForTwoThreads(): number {
  const setting = threadSetting();
  return setting === "one" ? Number.POSITIVE_INFINITY : setting === "two" ? 1 : MIN_AGENCIES_FOR_TWO_THREADS;
}

/**
 * Whether synthesis shares its stacks with a second thread. Decided before the configuration is
 * read (the thread starts first, so that loading cdktf overlaps with reading), from the number
 * of agency files.
 */
export function synthesizeOnTwoThreads(repoRoot: string, environment: string, situation: { readonly inSession: boolean; readonly policyGate: boolean }): boolean {
  const setting = threadSetting();
  if (setting !== "auto") return setting === "two";
  if (situation.inSession || situation.policyGate) return false;
  const dir = agenciesDir(resolveEnvironmentFile(repoRoot, environment));
  try {
    return fs.readdirSync(dir).filter(isAgencyFileName).length >= MIN_AGENCIES_FOR_TWO_THREADS;
  } catch {
    return false; // no agencies folder: loading reports what is wrong
  }
}
