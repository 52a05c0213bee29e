// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'stream',
  'util',
  'events',
  'url',
  'zlib',
  'tls',
  'dns',
];

/**
 * Import directions (STYLE.md): shared/ is pure (no node, electron, react); services and stores
 * never import electron (only electron/main/platform, electron/main/ipc, electron/main/index.ts and
 * the preload may); the renderer never imports electron/ nor node modules.
 */
export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'shared/ is pure TypeScript: no Node built-ins.' },
            {
              group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*'],
              message: 'shared/ imports no electron or react.',
            },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'shared/ does not depend on a shell.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    ignores: ['electron/main/platform/**', 'electron/main/ipc/**', 'electron/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only electron/main/platform, ipc and index.ts may import electron.',
            },
          ],
          patterns: [{ group: ['**/renderer/**'], message: 'Main never imports the renderer.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: 'The renderer talks to main only through the contract.',
            },
            { group: ['**/electron/**'], message: 'The renderer never imports electron/.' },
            { group: NODE_BUILTINS, message: 'The renderer runs in a sandbox: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.{ts,mjs}', 'test/**/*.ts', 'bin/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
);
