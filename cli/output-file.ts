/**
 * `--output <file>` for every command that writes a report: one option, checked when the command
 * line is read (before any work), and one atomic write. An unusable path — a folder that does not
 * exist, a folder where the file should be, a place the user cannot write — is bad input (exit
 * code 2) with a plain message, never an internal error.
 *
 * A new command that writes a file uses {@link outputOption} and {@link writeOutputFile}; the CLI
 * test runs every command that has `--output` with unusable paths.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InvalidArgumentError, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import { displayPath, UserError } from "../environments/diagnostics";

/** `-o, --output <file>`, whose value is checked as the command line is read. */
export function outputOption(description = "write the report to this file (atomically) instead of standard output"): Option {
  return new Option("-o, --output <file>", description).argParser((value: string) => {
    const problem = outputPathProblem(value);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
    return value;
  });
}

/**
 * Why `file` cannot be written, in words for the user, or undefined when it can: its folder
 * must exist and be writable, and the file itself, if it exists, must be a writable file.
 */
export function outputPathProblem(file: string): string | undefined {
  if (file.trim() === "") return "is empty; give the path of a file";
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const stat = statOrUndefined(target);
  if (stat?.isDirectory()) return `${displayPath(target)} is a folder; give the path of a file in it, e.g. ${displayPath(path.join(target, "report"))}`;
  const dirStat = statOrUndefined(dir);
  if (dirStat === undefined) return `the folder ${displayPath(dir)} does not exist; create it first`;
  if (!dirStat.isDirectory()) return `${displayPath(dir)} is not a folder`;
  if (stat !== undefined && !stat.isFile()) return `${displayPath(target)} is not a regular file`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (stat !== undefined) fs.accessSync(target, fs.constants.W_OK);
  } catch {
    return `cannot write to ${displayPath(stat === undefined ? dir : target)} (permission denied)`;
  }
  return undefined;
}

/**
 * Writes `text` to `file` atomically (a reader sees the old file or the new one, never half of
 * one). A path that turns out unusable at write time is a UserError located at the file.
 */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path.resolve(file), text);
  } catch (error) {
    throw writeError(file, error);
  }
}

/** {@link writeOutputFile}, synchronously. */
export function writeOutputFileSync(file: string, text: string): void {
  try {
    writeFileAtomic.sync(path.resolve(file), text);
  } catch (error) {
    throw writeError(file, error);
  }
}

function writeError(file: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error;
  const problem = outputPathProblem(file) ?? `cannot write the file (${code})`;
  return new UserError([{ file: displayPath(path.resolve(file)), line: 1, col: 1, path: "", message: `--output: ${problem}` }]);
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
