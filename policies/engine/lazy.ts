/**
 * Loads a TypeScript module on first use, from an absolute path without extension: through
 * `require` where a CommonJS hook for `.ts` is registered (core/register.cjs, which the tests
 * register too), through `import()` elsewhere. Used for what only some runs need: the rules and
 * @pulumi/policy, cdktf.
 */
export async function lazyImport<T>(absolutePath: string): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time, through the .ts hook
  if (typeof require === "function" && ".ts" in require.extensions) return require(absolutePath) as T;
  return (await import(absolutePath)) as T;
}
