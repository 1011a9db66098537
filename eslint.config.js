// @ts-check
// npm run lint: ESLint (this file) and `prettier --check` (.prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// Dependencies point one way: pages and actions use features; features use src/lib and
// src/i18n; src/lib uses neither features nor actions. An import path is matched by the
// folder it goes through, so relative paths of any depth are caught.
const FEATURES = { regex: '(^|/)features/', message: 'src/lib imports no feature: move what both need into src/lib (or src/i18n).' };
const ACTIONS = { regex: '(^|/)actions/', message: 'Only pages use actions: move shared code into src/lib or the feature.' };
const PAGES = { regex: '(^|/)pages/', message: 'Nothing imports a page.' };
const restrict = (patterns, allowTypeImports = false) => [
  'error',
  { patterns: patterns.map((p) => ({ ...p, ...(allowTypeImports ? { allowTypeImports: true } : {}) })) },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.tmp/', '.astro/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs['flat/recommended'],
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Migrations and scripts talk to Kysely<any> on purpose (frozen schema snapshots).
      '@typescript-eslint/no-explicit-any': 'off',
      // Result<{}> and Kysely's builders use {} for "no extra fields".
      '@typescript-eslint/no-empty-object-type': ['error', { allowObjectTypes: 'always' }],
      // Input cleaning strips control characters on purpose (names, ?next=, typed text).
      'no-control-regex': 'off',
      // Vite query imports (?raw) type-check under astro check but not plain tsc: say why.
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': 'allow-with-description' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  { files: ['src/lib/**'], ignores: ['src/lib/db/schema.ts'], rules: { '@typescript-eslint/no-restricted-imports': restrict([FEATURES, ACTIONS, PAGES]) } },
  // The table types of every feature meet in one Database type: type-only imports may stay.
  { files: ['src/lib/db/schema.ts'], rules: { '@typescript-eslint/no-restricted-imports': restrict([FEATURES, ACTIONS, PAGES], true) } },
  {
    files: ['src/i18n/**'],
    ignores: ['src/i18n/zh.ts', 'src/i18n/en.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([FEATURES, ACTIONS, PAGES]) },
  },
  // The one dictionary spreads each feature's words (src/features/<f>/messages.ts) and nothing else of a feature.
  {
    files: ['src/i18n/zh.ts', 'src/i18n/en.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { regex: '(^|/)features/(?![^/]+/messages\\.ts$)', message: 'The dictionary imports only features/<f>/messages.ts.' },
        ACTIONS,
        PAGES,
      ]),
    },
  },
  {
    files: ['src/features/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { ...ACTIONS, message: 'Features import no action: move shared code into src/lib or the feature.' },
        PAGES,
      ]),
    },
  },
  {
    files: ['src/actions/**', 'src/components/**', 'src/layouts/**', 'src/middleware.ts', 'src/cli/**', 'db/**'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([PAGES]) },
  },
  // Actions are "parse → can → one command": the SQL and the rules live in the feature's
  // commands and queries. An action gets the db handle (and its type) from src/lib/db and
  // nothing else of it: no query builder, no sql tag, no Kysely.
  {
    files: ['src/actions/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        PAGES,
        { regex: '(^|/)lib/db/(?!index\\.ts$)', message: 'Actions take only the db handle from src/lib/db: SQL goes in a feature command or query.' },
        { regex: '(^|/)lib/db/index\\.ts$', allowImportNames: ['db', 'DB'], message: 'Actions take only the db handle (db, DB) from src/lib/db.' },
        { regex: '^kysely$', message: 'No SQL in actions: write a command in src/features/<f>/commands.' },
      ]),
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression > MemberExpression.callee[property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)$/]',
          message: 'No SQL in actions: the query belongs in a feature command (src/features/<f>/commands) or query.',
        },
        {
          selector: "TaggedTemplateExpression[tag.name='sql'], TaggedTemplateExpression[tag.object.name='sql']",
          message: 'No SQL in actions: the query belongs in a feature command (src/features/<f>/commands) or query.',
        },
      ],
    },
  },
);
