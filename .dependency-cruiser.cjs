// drbot's layering promises (README "Layout"), checked by dependency-cruiser (`npm run lint:layers`, and
// test/unit/layering.test.ts through its API). One rule per promise; every rule is an error.
// Type-only imports count too (tsPreCompilationDeps): a layer that names another's types knows it.
// Each SDK and the one folder allowed to import it. A type package (@types/x) counts as x.
const SDK_HOME = {
  'slack-sdk-in-slack-adapter': ['@slack/[^/]+', 'src/adapters/slack/'],
  'pagerduty-sdk-in-pagerduty-adapter': ['@pagerduty/pdjs', 'src/adapters/pagerduty/'],
  'octokit-in-github-adapter': ['@octokit/[^/]+', 'src/adapters/github/'],
  'aws-sdk-in-route53-adapter': ['@aws-sdk/[^/]+', 'src/adapters/route53/'],
  'nodemailer-in-email-adapter': ['nodemailer', 'src/adapters/email/'],
  'ioredis-in-redis-adapter': ['ioredis', 'src/adapters/redis/'],
  'pg-in-store': ['pg', 'src/store/'],
  'pglite-in-store': ['@electric-sql/pglite', 'src/store/'],
  'prom-client-in-prometheus-adapter': ['prom-client', 'src/adapters/prometheus/'],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles: every layer, and every module inside one, depends one way.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment:
        'src/core/ is the pure domain: it imports only src/core/ and the pure date libraries. ' +
        'No adapter, store, ports, service, SDK or node: builtin (no I/O; testable with plain values). ' +
        'Types the ports share with the core (e.g. DNS record sets) belong in the core.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', 'node_modules/(date-fns|@date-fns/tz)/'] },
    },
    {
      name: 'adapters-stay-apart',
      comment: 'An adapter never imports another adapter (each is the only place that knows its API).',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'adapters-see-only-ports-and-core',
      comment:
        'An adapter implements a port: besides its own folder it may import src/ports.ts (the ' +
        'outbound ports and their error classes), src/core/ (the message and form values it renders), ' +
        'npm packages and node: builtins. Not the store, http, service, scheduler, config, templates ' +
        'or the wiring. Of src/config/ only fields.ts: the shared zod field helpers (secret(), durations) ' +
        'each adapter\'s own config.ts is written with.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: {
        pathNot: ['^src/adapters/', '^src/ports\\.ts$', '^src/core/', '^src/inbound\\.ts$', '^src/config/fields\\.ts$', 'node_modules/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'adapters-name-the-inbound-port-by-type-only',
      comment:
        'src/inbound.ts is the inbound port (what a transport hands the application: handlers, ' +
        'replies). A transport adapter (slack, console) may name its types, never run service code.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/inbound\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'http-not-store',
      comment: 'src/http/ reaches the application through the service layer, never the store directly.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/store/' },
    },
    ...Object.entries(SDK_HOME).map(([name, [sdk, home]]) => ({
      name,
      comment: `${sdk.replace('/[^/]+', '/*')} is imported by ${home} only (the one place that knows that API).`,
      severity: 'error',
      from: { pathNot: `^${home}` },
      to: { path: `node_modules/(@types/)?${sdk}/` },
    })),
    {
      name: 'resolvable',
      comment: 'Every import resolves (an unresolved one would slip past the rules above).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'only-wiring-imports-adapters',
      comment:
        'Only the wiring knows every part: src/app.ts, src/main.ts, src/integrationAdapters.ts ' +
        "(app.ts's factory of the outbound integration adapters from the environment) and " +
        'src/integrationStatus.ts (which of them are configured or simulated, with their labels). ' +
        'Everything else talks to an adapter through its port.',
      severity: 'error',
      from: { pathNot: ['^src/(app|main|integrationAdapters|integrationStatus)\\.ts$', '^src/adapters/'] },
      to: { path: '^src/adapters/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages the way Node and TypeScript do (ESM-only packages have no "main").
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
