// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_URI =
  'A node API URI: name it through the contract (@cdc/api: nodeCall, controllerUri, workerUri)';

/**
 * Tests that speak the node's wire names on purpose: they pin the URIs Crossbar.io's tools
 * use (`crossbar.get_status`, `crossbar.worker.<id>.…`) independently of the contract.
 */
const WIRE_NAME_TESTS = [
  'packages/node/test/workers.test.ts',
  'packages/node/test/router-worker.test.ts',
  'packages/node/test/guest-autobahn.test.ts',
  'packages/node/test/uplink.test.ts',
  'packages/node/test/uplink-reconnect.test.ts',
  // Reads the node URIs SPEC §4.2 names, to check the contract against them.
  'packages/api/test/api-doc.test.ts',
  // Checks the URIs the contract maps its names to.
  'packages/api/test/node-api.test.ts',
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'tmp/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    // The protocol core is pure: no I/O, no Node built-ins.
    files: ['packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'fs',
            'net',
            'tls',
            'http',
            'https',
            'crypto',
            'ws',
            'child_process',
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'setImmediate'],
    },
  },
  {
    // The node API (`crossbar.<name>`, `crossbar.worker.<id>.<name>`) is named in the
    // contract only; `crossbar.error.*` are error URIs of the catalogue.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: ['packages/api/src/**', ...WIRE_NAME_TESTS],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/^crossbar\\.(?!error\\.)/]', message: NODE_URI },
        { selector: 'TemplateElement[value.raw=/^crossbar\\.(?!error\\.)/]', message: NODE_URI },
        {
          // a regex on such URIs: `crossbar\.worker…` (not crossbario, crossbarfabriccenter, error URIs)
          selector: 'Literal[regex.pattern=/crossbar(?![a-z]|\\\\\\.error)/]',
          message: NODE_URI,
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
