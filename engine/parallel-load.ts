/**
 * Agency files of a large estate, read on two threads. Parsing and validating YAML is most of
 * the time it takes to load a national estate (3,400 files); the files are independent, so the
 * main thread and a worker thread take chunks of them from one shared counter until none are
 * left. The worker starts while the main thread already reads, and takes less or more work as
 * its start-up allows. Its results cross as plain data (the value and its source tree) and are
 * the same as the main thread's would be (test/engine/parallel-load.test.ts).
 *
 * A command that goes on to synthesize loads the synthesis code first (`whileReading`), while the
 * worker starts and reads: the worker then reads more of the files, and the main thread has that
 * half second of work done by the time the estate is built, when the other core would be idle.
 */
import { type AgencyFilesLoader, loadAgencyFile, type LoadedAgency } from "../environments";
import { fromPortableAgency } from "./portable";
import { UserError } from "../environments/diagnostics";
import { SecondThread } from "./second-thread";

/** Files taken at a time from the shared counter. */
const CHUNK = 32;

/**
 * An AgencyFilesLoader that uses a second thread for `minFiles` files or more (engine/threads.ts
 * decides how many): `thread` when the caller has one (a synthesis that goes on to use it),
 * else one started for this call and stopped after it.
 */
export function parallelAgencyLoader(minFiles: number, thread?: SecondThread, whileReading?: () => void): AgencyFilesLoader {
  return (files) => {
    if (files.length < minFiles) return loadOnThisThread(files, files.map((_, i) => i));
    const own = thread === undefined ? new SecondThread(false) : undefined;
    try {
      return loadOnTwoThreads(files, thread ?? (own as SecondThread), whileReading);
    } finally {
      own?.close();
    }
  };
}

function loadOnTwoThreads(files: readonly string[], thread: SecondThread, whileReading?: () => void): (LoadedAgency | UserError)[] {
  const next = new SharedArrayBuffer(4);
  thread.startLoading({ files, next, chunk: CHUNK });
  whileReading?.();
  const counter = new Int32Array(next);
  const results: (LoadedAgency | UserError)[] = new Array(files.length);
  let mine = 0;
  for (;;) {
    const start = Atomics.add(counter, 0, CHUNK);
    if (start >= files.length) break;
    const indexes = range(start, Math.min(start + CHUNK, files.length));
    loadOnThisThread(files, indexes).forEach((result, i) => (results[indexes[i] as number] = result));
    mine += indexes.length;
  }
  // Every file is taken exactly once: if this thread took them all, the worker has none, and
  // its (empty) answer is left for later, when the thread is next used.
  if (mine < files.length) {
    for (const [index, portable] of thread.finishLoading()) results[index] = fromPortableAgency(portable);
  }
  return results;
}

function loadOnThisThread(files: readonly string[], indexes: readonly number[]): (LoadedAgency | UserError)[] {
  return indexes.map((index) => {
    try {
      return loadAgencyFile(files[index] as string);
    } catch (error) {
      if (error instanceof UserError) return error;
      throw error;
    }
  });
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
