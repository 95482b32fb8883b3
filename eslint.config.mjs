// ESLint (npm run lint, run by .ci/run): strict on what is a bug, silent on style (formatting is
// the editor's). typescript-eslint's syntactic recommended set everywhere, plus the type-aware
// rules that catch real bugs: a promise nobody awaits or catches, a promise where a callback was
// expected, an `await` on a non-promise, an object turned into "[object Object]" in a message.
// The type-aware rules need the whole program (about as long as `tsc --noEmit`); the rest of
// recommendedTypeChecked (no-unsafe-*, no-unnecessary-type-assertion) would mostly rewrite tests
// that read synthesized JSON, so it is left out.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeGlobals = {
  require: "readonly",
  module: "writable",
  exports: "writable",
  __dirname: "readonly",
  __filename: "readonly",
  process: "readonly",
  console: "readonly",
  Buffer: "readonly",
  setImmediate: "readonly",
};

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "bench/.work/", "coverage/", ".scratch/", "schemas/"] },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  js.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-base-to-string": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // `typeof import("...")` stays allowed: it types a module loaded lazily (lazyImport).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    // What is made once per tenant or per instance (a national estate has 126,000 instances):
    // Node.js 20's V8 gives every object made by spreading and then adding properties a hidden
    // class of its own, which made synthesis 0.4 s slower (core/merged.ts, docs/tenant-stacks.md).
    files: ["environments/workloads/*.ts", "estate/tenant-*.ts", "estate/workload-instances.ts", "estate/backup.ts", "constructs/green-labels-aspect.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          // Zod shapes (`z.strictObject({ ...workloadBase, ... })`) are made once, when a template loads.
          selector: "ObjectExpression:not(CallExpression[callee.object.name='z'] > ObjectExpression) > SpreadElement:not(:last-child)",
          message: "Spreading and then adding properties gives each object its own hidden class in Node.js 20: use merged(a, b, ...) from core/merged.ts.",
        },
      ],
    },
  },
  {
    // Tests read synthesized JSON and poke at internals; `any` there is a reading aid, not an API.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.cjs", "**/*.mjs"],
    languageOptions: { globals: nodeGlobals },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
);
