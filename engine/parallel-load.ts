/**
 * Agency files of a large estate, read on two threads. Parsing and validating YAML is most of
 * the time it takes to load a national estate (3,400 files); the files are independent, so the
 * main thread and another thread take chunks of them from one shared counter until none are
 * left: the second thread of a synthesis, the policy gate's in a first `govcloud synth` (idle
 * until stacks are written, with the reading code loaded), else one started for the reading,
 * which takes less or more work as its start-up allows. Its results cross as plain data in
 * compact form (the value, its content hash and the positions sources.json needs,
 * engine/agency-read.ts; not its source tree) and are the same as the main thread's would be
 * (test/engine/parallel-load.test.ts). Each thread reads a file's bytes once and works out there
 * what the persistent cache stores of it.
 *
 * A command that goes on to synthesize loads the synthesis code first (`whileReading`), while the
 * worker starts and reads: the worker then reads more of the files, and the main thread has that
 * half second of work done by the time the estate is built, when the other core would be idle.
 */
import { type AgencyRead, type AgencyReader, type CompactAgency, type FactsWanted, fromCompact, readAgencyFile, shownInFolder, toCompact } from "./agency-read";
import { SecondThread } from "./second-thread";

/** A share of the agency files for another thread: it takes chunks from the shared counter until none are left. */
export interface LoadShare {
  readonly files: readonly string[];
  /** One Int32: the index of the next file nobody has taken. */
  readonly next: SharedArrayBuffer;
  readonly chunk: number;
  /** What the thread works out of each file besides its value (engine/agency-read.ts). */
  readonly wanted: Exclude<FactsWanted, "none">;
}

/** The files another thread loaded: their index in the job and their result. */
export type LoadAnswer = readonly (readonly [number, CompactAgency])[];

/**
 * A thread that reads a share of the files: the second thread, or, in a first `govcloud synth`,
 * the policy gate's thread, idle until stacks are written and with the reading code loaded
 * already (a second thread of its own would spend a third of a second starting).
 */
export interface ReadingThread {
  /** Sends the share and returns at once: this thread takes files from `next` meanwhile. */
  startLoading(share: LoadShare): void;
  /** Blocks until the other thread's share is loaded. */
  finishLoading(): LoadAnswer;
}

/** On the other thread: reads files of `share` from the shared counter until none are left. */
export function readShare(share: LoadShare): LoadAnswer {
  const counter = new Int32Array(share.next);
  const answer: (readonly [number, CompactAgency])[] = [];
  const shown = shownInFolder();
  for (;;) {
    const start = Atomics.add(counter, 0, share.chunk);
    if (start >= share.files.length) break;
    for (let index = start; index < Math.min(start + share.chunk, share.files.length); index++) {
      const file = share.files[index] as string;
      answer.push([index, toCompact(readAgencyFile(file, share.wanted, shown), file)]);
    }
  }
  return answer;
}

/** Files taken at a time from the shared counter. */
const CHUNK = 32;

/**
 * An AgencyReader that uses a second thread for `minFiles` files or more (engine/threads.ts
 * decides how many): `thread` when the caller has one (a synthesis that goes on to use it, or
 * the policy gate's), else one started for this call and stopped after it.
 */
export function parallelAgencyReader(minFiles: number, thread?: ReadingThread, whileReading?: () => void): AgencyReader {
  return (files, wanted) => {
    if (files.length < minFiles) return readOnThisThread(files, files.map((_, i) => i), wanted, shownInFolder());
    const own = thread === undefined ? new SecondThread(false) : undefined;
    try {
      return readOnTwoThreads(files, wanted, thread ?? (own as SecondThread), whileReading);
    } finally {
      own?.close();
    }
  };
}

function readOnTwoThreads(files: readonly string[], wanted: FactsWanted, thread: ReadingThread, whileReading?: () => void): AgencyRead[] {
  const next = new SharedArrayBuffer(4);
  // The worker's files cross in compact form at least (engine/agency-read.ts).
  thread.startLoading({ files, next, chunk: CHUNK, wanted: wanted === "cache" ? "cache" : "compact" });
  whileReading?.();
  const counter = new Int32Array(next);
  const results: AgencyRead[] = new Array(files.length);
  const shown = shownInFolder();
  let mine = 0;
  for (;;) {
    const start = Atomics.add(counter, 0, CHUNK);
    if (start >= files.length) break;
    const indexes = range(start, Math.min(start + CHUNK, files.length));
    readOnThisThread(files, indexes, wanted, shown).forEach((result, i) => (results[indexes[i] as number] = result));
    mine += indexes.length;
  }
  // Every file is taken exactly once: if this thread took them all, the worker has none, and
  // its (empty) answer is left for later, when the thread is next used.
  if (mine < files.length) {
    for (const [index, compact] of thread.finishLoading()) results[index] = fromCompact(compact);
  }
  return results;
}

function readOnThisThread(files: readonly string[], indexes: readonly number[], wanted: FactsWanted, shown: (file: string) => string): AgencyRead[] {
  return indexes.map((index) => readAgencyFile(files[index] as string, wanted, shown));
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
