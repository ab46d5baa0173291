// ESLint flat config for Interactive City.
//
// TypeScript files are linted with typescript-eslint's type-checked rule sets (through the TypeScript
// project service, which reads tsconfig.json), so promise misuse and `any` leaks are caught, not only
// syntax. `npm run lint` also runs scripts/check-boundaries.ts, which checks the architecture rule by
// resolving every import; the `no-restricted-imports` blocks below give the same rule in the editor.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const MODULE_BOUNDARY_MESSAGE =
  'A module imports another module only through its index.ts (docs/ARCHITECTURE.md: Boundary rules).';
const PLATFORM_BOUNDARY_MESSAGE = 'platform/ never imports from modules/ (docs/ARCHITECTURE.md: Boundary rules).';

/**
 * `no-restricted-imports` patterns for a file `depth` folders below its module folder
 * (src/modules/<module>/ is depth 0). The rule only sees the specifier, not the importing file, so the
 * number of `../` that leaves the module depends on the depth: one block per depth.
 */
function moduleBoundaryPatterns(depth) {
  const up = '\\.\\./'.repeat(depth + 1);
  return [
    {
      // ../other/anything-but-index.ts (sibling module reached from inside this module)
      regex: `^${up}(?!\\.\\./)[^/]+/(?!index\\.ts$).+`,
      message: MODULE_BOUNDARY_MESSAGE,
    },
    {
      // ../../modules/other/anything-but-index.ts (the same, spelled through src/)
      regex: `^${up}\\.\\./modules/[^/]+/(?!index\\.ts$).+`,
      message: MODULE_BOUNDARY_MESSAGE,
    },
  ];
}

const moduleDepths = [0, 1, 2, 3];

export default defineConfig(
  {
    ignores: ['node_modules/', 'data/', 'coverage/', 'bench/results/'],
  },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    ignores: ['src/**/assets/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Scripts sent to the browser as page enhancements (plain JS, served as static assets).
    files: ['src/**/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser },
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      // Numbers and booleans in template literals are how pages and messages are built here
      // (`${count} reports`); objects, arrays, null and undefined are still rejected.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `after(() => server.close())` and `new Promise((resolve) => server.close(resolve))` are the
      // codebase's idiom for callbacks; a void value returned from a braced function body is still caught.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Fastify route handlers and hooks, and Kysely's dialect and migration-provider interfaces, are
      // promise-returning contracts: `async` there is deliberate even when the body has nothing to await.
      // Promises that are actually dropped are caught by no-floating-promises and no-misused-promises.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Node's test runner: `describe`/`it`/`test` return promises that the runner itself awaits, so
    // top-level calls are not floating promises.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  {
    // Only the command-line tools and the process entry point talk to the terminal; everything else
    // logs through pino with a request id.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/server.ts'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)modules(/|$)', message: PLATFORM_BOUNDARY_MESSAGE }] },
      ],
    },
  },
  ...moduleDepths.map((depth) => ({
    files: [`src/modules/*/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: moduleBoundaryPatterns(depth) }],
    },
  })),
);
