/** Layering rules, checked before every test run (`npm run lint:layers`). */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'connectors-stay-independent',
      comment: 'A connector depends on the contract and libraries only: never on services, the database or another connector.',
      severity: 'error',
      from: { path: '^connectors/([^/]+)/' },
      to: { path: '^(services|prisma|queues)/|^connectors/(?!$1/)', pathNot: '^connectors/$1/' },
    },
    {
      name: 'contract-is-a-leaf',
      comment: 'The shared contract is imported by everyone and imports nothing of the project.',
      severity: 'error',
      from: { path: '^contract/' },
      to: { path: '^(services|connectors|prisma|queues|web-agent|web-widget)/' },
    },
    {
      name: 'web-agent-imports-only-the-contract',
      severity: 'error',
      from: { path: '^web-agent/' },
      to: { path: '^(services|connectors|prisma|queues)/' },
    },
    {
      name: 'web-widget-imports-only-the-contract',
      comment: 'The embeddable widget runs on customers\' sites: it shares the contract\'s types and nothing else of the project.',
      severity: 'error',
      from: { path: '^web-widget/' },
      to: { path: '^(services|connectors|prisma|queues|web-agent)/' },
    },
    {
      name: 'simulator-uses-public-endpoints-only',
      comment: 'The simulator drives a running hub over HTTP and Socket.IO like any client: the contract, never hub internals.',
      severity: 'error',
      from: { path: '^services/simulator/' },
      to: { path: '^(services/(?!simulator/)|connectors/|prisma/|queues/)' },
    },
    {
      name: 'infrastructure-does-not-know-the-hub',
      severity: 'error',
      from: { path: '^(queues|prisma)/' },
      to: { path: '^(services|connectors)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|generated|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    preserveSymlinks: false,
  },
};
