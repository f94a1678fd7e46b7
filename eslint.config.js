// @ts-check
import tseslint from 'typescript-eslint';

const domainRestrictions = [
  { group: ['@nestjs/*'], message: 'Domain libraries stay free of NestJS: keep framework code in apps/.' },
  { group: ['socket.io', 'socket.io-*'], message: 'Domain libraries stay free of transport code.' },
  {
    group: ['better-sqlite3', '@eventstore/*', '@kurrent/*'],
    message: 'Only libs/event-store may use a store client.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tmp/**',
      'data/**',
      'coverage/**',
      'apps/web/dist/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // The dependency rule: domain libraries (every lib but the event store's
    // adapters) know nothing of NestJS, socket.io or a store client.
    files: ['libs/**/*.ts'],
    ignores: ['libs/event-store/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: domainRestrictions }] },
  },
  {
    files: ['libs/event-store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: domainRestrictions.slice(0, 2) }],
    },
  },
  {
    // The personal-key store keeps its own SQLite file, outside the event
    // log (crypto-shredding): the one store client outside libs/event-store.
    files: ['libs/privacy/src/sqlite-key-store.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: domainRestrictions.slice(0, 2) }],
    },
  },
  {
    // Tests may poke at values loosely typed by jest matchers.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
