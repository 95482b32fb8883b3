/**
 * The `--watch` console of `govcloud synth`: the engine's watch session (engine/watch.ts), one
 * line per run, problems reported as synth reports them.
 */
import * as path from "node:path";
import { type SynthOptions, type SynthResult, watchSynth } from "../engine";
import { EXIT_CODES, reportFailure } from "./failure";

/** The `--watch` console: one line per run, problems as synth prints them, until Ctrl-C. */
export function watchCommand(options: SynthOptions, summarize: (result: SynthResult, ms: number) => void): void {
  const time = () => new Date().toISOString().slice(11, 19);
  const shown = (files: readonly string[]) =>
    files.length === 0 ? "" : ` after changes to ${files.map((f) => path.relative(process.cwd(), f) || f).join(", ")}`;
  let first = true;
  const watcher = watchSynth(options, {
    onSynthesized(result, ms, changed) {
      if (first) summarize(result, ms);
      else {
        const rebuilt = result.rebuilt.length === 0 ? "nothing changed" : `rebuilt ${result.rebuilt.join(", ")}`;
        const lock = result.lockUpdated === undefined ? "" : `; updated ${path.relative(process.cwd(), result.lockUpdated)} (commit it)`;
        process.stdout.write(`[${time()}] ${rebuilt} in ${Math.round(ms)} ms${shown(changed)}; ${result.reused} stack(s) unchanged${lock}\n`);
      }
      first = false;
      process.stdout.write(`[${time()}] watching for changes (Ctrl-C to stop)\n`);
    },
    onFailed(error, changed) {
      first = false;
      process.stdout.write(`[${time()}] synthesis failed${shown(changed)}; the previous output is unchanged\n`);
      const code = reportFailure(error, "the previous output is unchanged");
      if (code === EXIT_CODES.internal) process.exitCode = code;
      process.stdout.write(`[${time()}] watching for changes (Ctrl-C to stop)\n`);
    },
  });
  const stop = () => {
    watcher.close();
    process.stdout.write(`[${time()}] stopped\n`);
    process.exit(process.exitCode ?? 0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
