// Responsible for the lint rules: typescript-eslint's type-checked recommendations over src, test, bench and scripts; layout is Prettier's.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "reports/", "test/generated/", "bench/profiles/", "bench/.build/"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `async` here implements Promise-returning interfaces (Apollo plugin hooks, providers) and turns a throw into a rejection.
      "@typescript-eslint/require-await": "off",
      // As tsc's noUnusedLocals: a key left out of an object by destructuring it beside a rest is not a forgotten variable.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // A server's handler reads the object it serves before that object, which needs the server's port, exists.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // vitest types its asymmetric matchers (expect.any, expect.objectContaining) as any, to sit anywhere in an expected value.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    // The build's copy script is JavaScript that tsc checks (checkJs), names included.
    files: ["**/*.mjs"],
    rules: { "no-undef": "off" },
  },
  prettier,
);
