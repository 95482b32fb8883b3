/**
 * Lets code under test require TypeScript at run time, as the CLI does (core/register.cjs): the
 * synthesis code is loaded on first use (engine/synthesis-code.ts), outside vitest's own imports.
 */
import { createRequire } from "node:module";

createRequire(__filename)("../../core/register.cjs");
