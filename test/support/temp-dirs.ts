/**
 * Temporary folders for tests, removed after the test file that made them.
 *
 * The removal is one `afterAll` registered for every test file by the setup file
 * (remove-temp-dirs.ts), not a hook per folder: a hook registered while a test or a `beforeAll`
 * runs is never called, so folders made there were left behind in the system's temp folder.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A temporary folder removed after the current test file, wherever it is made. */
export function tempDir(prefix = "govcloud-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
