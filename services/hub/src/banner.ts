import { DEMO_LOGINS } from './seed/demo-tenant.ts';

/** Where a connection string points, without user or password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : ''}`;
  } catch {
    return 'a configured server';
  }
}

/**
 * The few lines a newcomer needs after `npm start` in development: where to open the desk, how to
 * sign in, and which database and queue backend this run uses.
 */
export function startupBanner(facts: {
  url: string;
  database: { embedded: true; dataDir: string } | { embedded: false; url: string };
  queue: { kind: 'redis'; url: string } | { kind: 'postgres' };
  demoLogins: boolean;
}): string {
  const rule = '─'.repeat(64);
  const lines = [
    rule,
    `  Sentral is running at ${facts.url}`,
    `  Wallboard:  ${facts.url}/#/wallboard     API: ${facts.url}/api/openapi.json`,
    '',
    `  Database:   ${facts.database.embedded ? `embedded PostgreSQL in ${facts.database.dataDir} (DATABASE_URL unset)` : `PostgreSQL at ${describeUrl(facts.database.url)} (DATABASE_URL)`}`,
    `  Queues:     ${facts.queue.kind === 'redis' ? `BullMQ on Redis at ${describeUrl(facts.queue.url)} (REDIS_URL)` : 'BullMQ on PostgreSQL, single node (REDIS_URL unset)'}`,
  ];
  if (facts.demoLogins) {
    lines.push('', '  Demo logins (email / password):');
    for (const login of DEMO_LOGINS) lines.push(`    ${login.role.padEnd(11)} ${login.email} / ${login.password}`);
  }
  lines.push(rule, '');
  return lines.join('\n');
}
