/** Writing generated files: each atomically, all checked before any is written. */
import * as fs from "node:fs";
import * as path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { type Diagnostic, displayPath, UserError } from "../environments/diagnostics";

/**
 * Writes every file, or none when a folder is missing or a path is a folder (every such problem
 * reported at once, exit code 2). Each file is replaced atomically.
 */
export function writeOutputs(files: ReadonlyMap<string, string>): void {
  const problems: Diagnostic[] = [];
  for (const file of files.keys()) {
    const dir = path.dirname(file);
    const message = !fs.existsSync(dir)
      ? `folder ${displayPath(dir)} does not exist`
      : !fs.statSync(dir).isDirectory()
        ? `${displayPath(dir)} is not a folder`
        : fs.existsSync(file) && fs.statSync(file).isDirectory()
          ? "is a folder"
          : undefined;
    if (message !== undefined) problems.push({ file: displayPath(file), line: 1, col: 1, path: "--output", message });
  }
  if (problems.length > 0) throw new UserError(problems);
  for (const [file, text] of files) {
    try {
      writeFileAtomic.sync(file, text);
    } catch (error) {
      throw new UserError([{ file: displayPath(file), line: 1, col: 1, path: "--output", message: `cannot write: ${(error as Error).message}` }]);
    }
  }
}
