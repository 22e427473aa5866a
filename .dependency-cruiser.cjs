// The dependency walls of DESIGN.md ("Layout"), checked by `npm run lint:walls` and by
// tests/unit/import-walls.test.ts (so `npm test` fails on a wrong import).
//
// Type-only imports (`import type`, seen thanks to tsPreCompilationDeps) vanish at compile time, so
// the rules about runtime I/O allow them: workflow-no-io (a workflow may name `Activities` or a
// row type), policy-whatsapp-types-only and activities-no-workflow-internals. Every other rule
// counts type-only imports too.

const path = require('node:path');

// Paths are relative to where the cruise runs (the repo root, or a fixture tree in the tests);
// packages are matched anywhere in their resolved path (node_modules may be a symlink elsewhere).
const pkg = (names) => `(^|/)node_modules/(${names})(/|$)`;
const DRIVERS = pkg('postgres|@electric-sql/pglite|drizzle-orm|drizzle-kit');
const HTTP = pkg('fastify|@fastify/[^/]+');
const TEMPORAL = pkg('@temporalio/[^/]+');
const TEMPORAL_IO = pkg('@temporalio/(client|worker|activity|testing)');
const OURS = '^(domain|workflows|activities|db|server|whatsapp|bench|tests)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing-of-ours',
      comment: 'domain/ holds the pure rules every layer shares: it imports no other layer of ours.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: OURS, pathNot: '^domain/' },
    },
    {
      name: 'domain-pure-libraries-only',
      comment: 'domain/ uses pure libraries only: no node: modules, drivers, HTTP framework or Temporal.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { path: [DRIVERS, HTTP, TEMPORAL] },
    },
    {
      name: 'domain-no-node-modules',
      comment: 'domain/ is bundled into workflow code: no node: (core) modules.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'policy-imports-domain-only',
      comment: 'workflows/policy/ holds pure decisions: of ours it imports only domain/ (and whatsapp/ types).',
      severity: 'error',
      from: { path: '^workflows/policy/' },
      to: { path: '^(workflows/(?!policy/)|activities/|db/|server/|bench/|tests/)' },
    },
    {
      name: 'policy-whatsapp-types-only',
      comment: 'workflows/policy/ may name whatsapp/ types (events), never run its code. Type-only allowed.',
      severity: 'error',
      from: { path: '^workflows/policy/' },
      to: { path: '^whatsapp/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'policy-no-temporal',
      comment: 'workflows/policy/ is unit-tested without Temporal.',
      severity: 'error',
      from: { path: '^workflows/policy/' },
      to: { path: TEMPORAL },
    },
    {
      name: 'workflow-no-io',
      comment:
        'Workflow code does no I/O: no db/ or activities/ runtime code, no node: modules, no drivers, ' +
        'HTTP framework or Temporal client/worker/activity packages. Type-only allowed.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: ['^(db|activities)/', DRIVERS, HTTP, TEMPORAL_IO], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflow-no-node-modules',
      comment: 'Workflow code runs in the workflow sandbox: no node: (core) modules. Type-only allowed.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflow-not-server',
      comment: 'server/ sits above the workflows: workflow code imports nothing from it.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^server/' },
    },
    {
      name: 'db-imports-domain-only',
      comment: 'db/ -> domain/ only: no workflow code, activities, server, whatsapp; no HTTP framework, no Temporal.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: ['^(workflows|activities|server|whatsapp|bench|tests)/', HTTP, TEMPORAL] },
    },
    {
      name: 'activities-no-server-no-http',
      comment: 'activities/ -> db/, domain/, whatsapp/, workflows/policy/: never server/ or an HTTP framework.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: ['^(server|bench|tests)/', HTTP] },
    },
    {
      name: 'activities-no-workflow-internals',
      comment: 'activities/ run workflow policy, not workflow code. Type-only allowed (a contract type).',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^workflows/(?!policy/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-no-workflow-internals',
      comment:
        'server/ reaches a workflow through its contract only (workflows/<workflow>/contract.ts; ' +
        'named messages.ts before the rename) and workflows/policy/; never state, turn runner or workflow.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^workflows/', pathNot: '^workflows/(policy/|conversation/messages\\.ts$|[^/]+/contract\\.ts$)' },
    },
    {
      name: 'whatsapp-no-storage-no-temporal',
      comment: 'whatsapp/ knows no storage and no Temporal: no db/, drivers, @temporalio/*, activities/, workflows/, server/.',
      severity: 'error',
      from: { path: '^whatsapp/' },
      to: { path: ['^(db|activities|workflows|server|bench|tests)/', DRIVERS, TEMPORAL] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The walls' own fixture breaks them on purpose; it is cruised on its own by the test.
    exclude: { path: '^tests/fixtures/walls/' },
    tsPreCompilationDeps: true,
    // The repo's compiler options, also when the test cruises the fixture from its own directory.
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    preserveSymlinks: true,
  },
};
