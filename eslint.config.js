import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/", "lib/", "build/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // src/core is pure: no I/O and no real clock.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["node:*", "fs", "http", "https", "net", "child_process", "probot", "@octokit/*", "@actions/*"] },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "src/core must take time from the injected clock.",
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "src/core must take time from the injected clock." },
        { selector: "MemberExpression[object.name='process']", message: "src/core must not read the process environment." },
      ],
    },
  },
);
