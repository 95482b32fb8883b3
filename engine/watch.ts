/**
 * `govcloud synth --watch`: synthesize, then synthesize again whenever the environment file or
 * an agency file changes, until interrupted. One process keeps what does not change between
 * runs (see SynthSession): after an edit to one agency, only its files are read again, only its
 * tenants are rebuilt, only the stacks they live in are synthesized and checked, and the policy
 * packs stay loaded. Bad input is reported like any synth failure and the previous output stays
 * in place; the next save tries again. The agencies folder must exist when watching starts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { agenciesDir, isAgencyFileName, resolveEnvironmentFile } from "../environments";
import { type SynthOptions, type SynthResult, synthesize, SynthSession } from "./synth";

/** Quiet time after the last change before synthesizing: editors write a file in several steps. */
export const WATCH_DEBOUNCE_MS = 100;

export interface WatchEvents {
  /** A run finished: `changed` are the files that triggered it (empty for the first run). */
  readonly onSynthesized: (result: SynthResult, ms: number, changed: readonly string[]) => void;
  /** A run failed; the previous output is untouched. */
  readonly onFailed: (error: unknown, changed: readonly string[]) => void;
}

export interface Watcher {
  /** Stops watching and ends the session's threads. */
  close(): void;
}

/**
 * Synthesizes `options` now and after every change to its configuration files. Changes that
 * arrive while a run is in progress start one more run after it.
 */
export function watchSynth(options: SynthOptions, events: WatchEvents): Watcher {
  const session = new SynthSession();
  const envFile = resolveEnvironmentFile(options.repoRoot, options.environment);
  const agencies = agenciesDir(envFile);
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const runOnce = (changed: readonly string[]) => {
    const started = performance.now();
    try {
      const result = synthesize(options, session);
      events.onSynthesized(result, performance.now() - started, changed);
    } catch (error) {
      events.onFailed(error, changed);
    }
  };
  const schedule = (file: string) => {
    pending.add(file);
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const changed = [...pending].sort();
      pending.clear();
      runOnce(changed);
    }, WATCH_DEBOUNCE_MS);
  };

  // Folders, not files: editors save by writing a new file and renaming it over the old one,
  // which a watch on the file itself would miss. (Node's recursive watch on Linux watches files
  // one by one and loses them the same way.)
  const watchers = [path.dirname(envFile), agencies]
    .filter((dir) => fs.existsSync(dir))
    .map((dir) =>
      fs.watch(dir, (_event, name) => {
        if (name === null) return;
        const file = path.join(dir, name.toString());
        if (file === envFile || (dir === agencies && isAgencyFileName(name.toString()))) schedule(file);
      }),
    );
  runOnce([]);
  let closed = false;
  // While waiting for the first change.
  setImmediate(() => {
    if (!closed && timer === undefined) session.warmUp();
  });

  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      session.close();
    },
  };
}
