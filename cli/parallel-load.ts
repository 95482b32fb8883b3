/**
 * Agency files of a large estate, read on two threads. Parsing and validating YAML is most of
 * the time it takes to load a national estate (3,400 files); the files are independent, so the
 * main thread and a worker thread take chunks of them from one shared counter until none are
 * left. The worker starts while the main thread already reads, and takes less or more work as
 * its start-up allows. Its results cross as plain data (the value and its source tree) and are
 * the same as the main thread's would be (test/cli/parallel-load.test.ts).
 */
import * as path from "node:path";
import {
  type AgencyFilesLoader,
  fromPortableAgency,
  loadAgencyFile,
  type LoadedAgency,
  type PortableAgency,
} from "../environments";
import { UserError } from "../environments/diagnostics";
import { BlockingWorker } from "./blocking-worker";

/** Files taken at a time from the shared counter. */
const CHUNK = 32;

export interface LoadJob {
  readonly files: readonly string[];
  /** One Int32: the index of the next file nobody has taken. */
  readonly next: SharedArrayBuffer;
  readonly chunk: number;
}

/** The files the worker loaded: their index in the job and their result. */
export type LoadAnswer = readonly (readonly [number, PortableAgency])[];

/**
 * An AgencyFilesLoader that uses a second thread for `minFiles` files or more (cli/threads.ts
 * decides how many). Each call starts its own worker and stops it when done.
 */
export function parallelAgencyLoader(minFiles: number): AgencyFilesLoader {
  return (files) => (files.length < minFiles ? loadOnThisThread(files, files.map((_, i) => i)) : loadOnTwoThreads(files));
}

function loadOnTwoThreads(files: readonly string[]): (LoadedAgency | UserError)[] {
  const worker = new BlockingWorker<LoadJob, LoadAnswer>(path.join(__dirname, "parallel-load-worker.cjs"));
  try {
    const next = new SharedArrayBuffer(4);
    worker.send({ files, next, chunk: CHUNK });
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
    // Every file is taken exactly once: if this thread took them all, the worker has none.
    if (mine < files.length) {
      for (const [index, portable] of worker.receive()) results[index] = fromPortableAgency(portable);
    }
    return results;
  } finally {
    worker.close();
  }
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
