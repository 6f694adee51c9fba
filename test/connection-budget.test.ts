import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresConnections, queueNames } from '@sentral/queues';
import { call, connect, login, until } from './support/sockets.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix, type Backend, type HubProcess } from './support/hub.ts';
import { testPostgresUrl } from './support/env.ts';

const POOL_SIZE = 4;

/** The README's figure: the main pool, the router's connection, and on the PostgreSQL job backend its queues and workers. */
function budget(backend: Backend): number {
  const queues = Object.keys(queueNames).length;
  return POOL_SIZE + 1 + (backend === 'postgres' ? queues * (postgresConnections.perProducer + postgresConnections.perConsumer) : 0);
}

describe.each<Backend>(['postgres', 'redis'])('a hub process on the %s backend keeps to DATABASE_POOL_SIZE', (backend) => {
  let database: TestDatabase;
  let hub: HubProcess | undefined;
  const prefix = uniquePrefix();

  afterAll(async () => {
    await hub?.kill('SIGTERM');
    if (backend === 'redis') await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it('holds no more connections than documented while a burst of chats arrives', async () => {
    database = await createTestDatabase();
    await seed(database, 60);
    hub = await spawnHub(hubEnv(backend, database, prefix, { DATABASE_POOL_SIZE: String(POOL_SIZE) }));
    const url = hub.url!;
    const agent = await connect(url, '/agent', { token: (await login(url, 'agent@demo.test', 'agent')).token });
    await call(agent, 'agent:state', { state: 'available' });

    const observer = new pg.Client({ connectionString: testPostgresUrl });
    await observer.connect();
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await observer.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [new URL(database.url).pathname.slice(1)]);
        // The test's own pool on the same database is not the hub's.
        most = Math.max(most, Number(rows[0]!.n) - database.pool.totalCount);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const chats = await Promise.all(Array.from({ length: 25 }, (_, i) => connect(url, '/chat', { name: `Kunde ${i}`, language: 'nb' })));
    const sent = await Promise.all(chats.map((chat, i) => call<{ ok: boolean; contactId: string }>(chat, 'message', { text: `Hei ${i}`, clientMessageId: `m${i}` })));
    expect(sent.every((ack) => ack.ok)).toBe(true);
    await until(async () => (await database.db.contact.count({ where: { status: { in: ['queued', 'offered'] } } })) === 25, 30_000);

    sampling = false;
    await sampler;
    await observer.end();
    for (const chat of chats) chat.close();
    agent.close();
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(budget(backend));
  }, 120_000);
});
