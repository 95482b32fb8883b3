/** Removes the test file's temporary folders once it has run (temp-dirs.ts). */
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp-dirs";

afterAll(removeTempDirs);
