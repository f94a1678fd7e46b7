// @ts-check
/**
 * The dependency rule, run by `npm test` (`npm run depcruise`). Type-only
 * imports count: a cycle of types is still a cycle for the reader.
 *
 * Domain libraries: every libs/* but the event store (the port and its
 * adapters), the test helpers, and privacy's store adapters (its key stores
 * and the protecting event-store wrapper). They hold the rules, so they know
 * nothing of NestJS, transports, store clients or node's I/O; node:crypto is
 * computation (hashes, the envelope cipher) and stays allowed.
 */

/** Test code: spec files, test/ folders, the test helpers (libs/testing, the given/when/then helper), benchmarks. */
const TEST_CODE = ['\\.spec\\.ts$', '(^|/)test/', '^libs/testing/', '^libs/decider/src/specification\\.ts$', '^bench/'];

const DOMAIN = '^libs/(decider|conference|charter|attendance|devices|privacy|spaces)/src/';
const DOMAIN_EXCEPT = [
  '\\.spec\\.ts$',
  '^libs/decider/src/specification\\.ts$',
  '^libs/privacy/src/(postgres-key-store|sqlite-key-store|protected-event-store)\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module may reach itself through its imports: a cycle makes neither side understandable alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      comment: 'Libraries are used by the apps, never the other way round.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      comment: 'Spec files, test/ folders, libs/testing and the specification helper are test code.',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'production-never-imports-jest',
      severity: 'error',
      comment: 'Jest is a development dependency: production code that imports it does not start.',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: '(^|/)node_modules/(@jest/|jest/|jest-)' },
    },
    {
      name: 'domain-free-of-frameworks-and-stores',
      severity: 'error',
      comment: 'Domain libraries hold the rules: no NestJS, no transport, no store client, no database driver.',
      from: { path: DOMAIN, pathNot: DOMAIN_EXCEPT },
      to: {
        path: '(^|/)node_modules/(@nestjs/|socket\\.io|@eventstore/|@kurrent/|better-sqlite3/|sqlite3/|pg/|express/|rxjs/)',
      },
    },
    {
      name: 'domain-free-of-node-io',
      severity: 'error',
      comment: 'Domain libraries do no I/O (the door app bundles some of them for the browser).',
      from: { path: DOMAIN, pathNot: DOMAIN_EXCEPT },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads|readline|process|os)$',
      },
    },
    {
      name: 'decider-kernel-is-generic',
      severity: 'error',
      comment: 'The decider kernel is used by every context and depends on none.',
      from: { path: '^libs/decider/' },
      to: { path: '^libs/(?!decider/)' },
    },
    {
      name: 'charter-free-of-the-conference',
      severity: 'error',
      comment: "The charter is a context of its own: the signer's facts come in its commands.",
      from: { path: '^libs/charter/' },
      to: { path: '^libs/conference/' },
    },
    {
      name: 'server-config-depends-on-no-feature',
      severity: 'error',
      comment:
        'The configuration reads the environment; the features read the configuration (issue 26: the charter seal ' +
        'opens its PKCS#12 itself, the config no longer imports it). The other way round, every feature would be ' +
        'a dependency of everything that reads a setting.',
      from: { path: '^apps/server/src/config/config\\.ts$' },
      to: { path: '^apps/server/src/(?!config/)' },
    },
    {
      name: 'web-imports-only-the-contract-and-the-deciders',
      severity: 'error',
      comment:
        'The web apps run in a browser: of the libraries, the contract (its types and vocabularies) and the deciders ' +
        'the door and the verifier run as the server does; never the event store, the key stores or the test helpers.',
      from: { path: '^apps/web/', pathNot: TEST_CODE },
      to: { path: '^libs/(?!(contract|decider|conference|charter|spaces|attendance)/)' },
    },
    {
      name: 'web-imports-libraries-by-alias',
      severity: 'error',
      comment:
        'The web apps name a library as tsconfig.json, vite.config.ts and jest.config.js map it (`@emargement/<lib>/...`), ' +
        'never by a relative path into libs/: one way in, which the rule above checks.',
      from: { path: '^apps/web/' },
      to: { path: '^libs/', dependencyTypesNot: ['aliased-tsconfig'] },
    },
    {
      name: 'web-never-imports-the-server',
      severity: 'error',
      comment: 'The web apps talk to the server over HTTP and the socket only: its code is not bundled for a browser.',
      from: { path: '^apps/web/' },
      to: { path: '^apps/(?!web/)' },
    },
    {
      name: 'web-free-of-node',
      severity: 'error',
      comment:
        'No Node built-in reaches the browser bundle but node:crypto, which the Vite build maps to a synchronous ' +
        'SHA-256 (apps/web/src/verify/node-crypto.ts).',
      from: { path: '^apps/web/', pathNot: [...TEST_CODE, '^apps/web/vite\\.config\\.ts$'] },
      to: { dependencyTypes: ['core'], path: '^(node:)?(?!crypto$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|data|apps/web/dist)/' },
    tsPreCompilationDeps: true,
    // Resolves the @emargement/* aliases.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
