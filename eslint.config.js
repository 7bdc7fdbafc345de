// ESLint's recommended rules and typescript-eslint's (run by `npm run lint`, part of `npm test`),
// with the project's own: no `any`, no console (CLIs write to process.stdout/stderr), unused
// names allowed only with a leading underscore (destructuring that drops a field).
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  { ignores: ['lib/', 'dist/', 'cdk.out/', 'image-contexts/', '.sandbox-kit-synth-*/', 'examples/**/node_modules/', 'examples/**/lib/', 'examples/**/dist/', 'examples/**/cdk.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
    },
  },
  {
    // The command-line programs print (explain, images, profiles, bench, the build scripts, the
    // examples); tests print why they skip. The library itself never writes to the console.
    files: ['src/apps/**', 'src/bench/**', 'src/images/kafel-extract.ts', 'scripts/**', 'examples/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests match YAML text, whose indentation reads best as the spaces themselves.
    files: ['test/**'],
    rules: { 'no-regex-spaces': 'off' },
  },
  {
    // Node scripts and configs in CommonJS, run without compilation.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
