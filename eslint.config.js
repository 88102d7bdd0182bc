// @ts-check
import js from '@eslint/js';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layering, as in VS Code's `code-layering` rule: a wrong import fails `npm test` instead of waiting
 * for a reviewer. Each entry: the files it governs, and the imports they may not make.
 */
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'url'];
const layering = [
  {
    // The pure core: no runtime of its own, so everything can use it.
    files: ['src/shared/**/*.ts'],
    patterns: [
      { group: nodeBuiltins, message: 'src/shared is pure TypeScript: no Node built-ins.' },
      { group: ['electron', 'vue', 'pinia', '@tensorflow/*', 'onnxruntime-*', 'sharp', '@vue-flow/*'], message: 'src/shared imports no runtime library.' },
      { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing of ours outside src/shared.' },
    ],
  },
  {
    // Services run in the CLI, the server and the engine process as well as in Electron.
    files: ['src/main/services/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/server/**/*.ts'],
    patterns: [
      { group: ['electron', 'electron/*'], message: 'Only src/main/app may import electron.' },
      { group: ['**/main/app/**', '**/app/*'], message: 'Services, CLI and server never depend on the Electron app.' },
      { group: ['**/renderer/**', '**/preload/**'], message: 'The Node side never imports the renderer or preload.' },
    ],
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.vue'],
    patterns: [
      { group: [...nodeBuiltins, 'electron', '@tensorflow/*', 'onnxruntime-*', 'sharp'], message: 'The renderer reaches the system only through the api contract.' },
      { group: ['**/main/**', '**/preload/**'], message: 'The renderer never imports src/main or src/preload.' },
    ],
  },
  {
    files: ['src/preload/**/*.ts'],
    patterns: [
      { group: nodeBuiltins, message: 'The sandboxed preload has no Node built-ins.' },
      { group: ['**/main/**', '**/renderer/**'], message: 'The preload imports only electron and src/shared/api.' },
    ],
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-artifacts/**', 'resources/**', 'src/main/services/engine/simd-kernels/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (default exports only in Vue SFCs and config files).' },
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip|todo)$/]", message: 'Focused or skipped tests are not progress.' },
      ],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] }, globals: { ...globals.browser } },
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['*.config.ts', '*.config.js', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...layering.map(({ files, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
);
