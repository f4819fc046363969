// ESLint for the map pages' script. The modules in graph/render/assets/map/ are one script cut
// by responsibility: graph.render.page concatenates them inside one function, so a name one
// module defines is used by another. Each module is linted on its own for everything but
// cross-module names; scripts/lint-js.sh also lints the assembled script (as the page carries
// it, under the virtual name map.bundle.js) with undefined and unused names checked too.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

const shared = {
  ecmaVersion: 2020,
  sourceType: "script",
  globals: { ...globals.browser, vis: "readonly" },
};
const rules = {
  ...js.configs.recommended.rules,
  eqeqeq: ["error", "always"],
  "no-var": "off",  // the pages stay ES5-style: one function scope shared by the modules
  "no-implicit-globals": "error",
  "no-shadow": ["error", { builtinGlobals: false }],
  "no-unused-vars": ["error", { args: "none" }],
  "no-use-before-define": ["error", { functions: false, variables: false }],
  "no-eval": "error",
  "no-implied-eval": "error",
  "no-new-func": "error",
  "no-restricted-properties": [
    "error",
    { property: "innerHTML", message: "Data never becomes markup: use textContent or append." },
    { property: "outerHTML", message: "Data never becomes markup: use textContent or append." },
  ],
  "no-restricted-syntax": [
    "error",
    { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: "Data never becomes markup." },
  ],
};

module.exports = [
  { ignores: ["node_modules/**", ".venv/**", "build/**"] },
  {
    files: ["graph/render/assets/map/*.js"],
    languageOptions: shared,
    rules: { ...rules, "no-undef": "off", "no-unused-vars": "off", "no-implicit-globals": "off" },
  },
  {
    files: ["map.bundle.js", "graph/render/assets/reading.js"],
    languageOptions: shared,
    rules,
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
    rules: js.configs.recommended.rules,
  },
];
