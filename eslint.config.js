const tseslint = require('typescript-eslint');

const nodeBuiltins = require('node:module').builtinModules.filter((m) => !m.startsWith('_'));

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'reports/', 'coverage/', 'test/replay/histories/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code is replayed: it may import only the workflow SDK, types and pure modules.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'workflow code must stay deterministic' })),
            { name: 'mongodb', message: 'workflows reach MongoDB only through activities' },
            { name: 'nodemailer', message: 'workflows send mail only through activities' },
            { name: '@temporalio/activity', message: 'activity APIs do not belong in workflows' },
            { name: '@temporalio/client', message: 'client APIs do not belong in workflows' },
            { name: '@temporalio/worker', message: 'worker APIs do not belong in workflows' },
          ],
          patterns: [
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'import activities only as types' },
          ],
        },
      ],
    },
  },
);
