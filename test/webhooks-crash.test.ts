import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, until } from './support/sockets.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, startTestHub, uniquePrefix, type HubProcess, type TestHub } from './support/hub.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { freePort } from './support/dovecot.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const EVENTS = 12;

async function api<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Creates customers through the API: each is one `customer.created` event. */
async function createCustomers(url: string, token: string, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i++) ids.push((await api<{ id: string }>(url, token, 'POST', '/api/customers', { externalId: `${tag}-${i}`, name: `${tag} ${i}` })).id);
  return ids;
}

function receivedAll(receiver: Receiver, secret: string, ids: string[]): boolean {
  const got = new Set(receiver.verified(secret).map((event) => String(event.data['customerId'])));
  return ids.every((id) => got.has(id));
}

describe('webhook deliveries survive crashes', () => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
  });

  describe('a worker killed with SIGKILL during delivery', () => {
    let database: TestDatabase;
    const prefix = uniquePrefix();
    const hubs: TestHub[] = [];
    let worker: HubProcess | null = null;

    beforeAll(async () => {
      database = await createTestDatabase();
      await seed(database, 20);
    });
    afterAll(async () => {
      await worker?.kill('SIGKILL');
      for (const hub of hubs) await hub.stop();
      await clearRedisPrefix(prefix);
      await database?.drop();
    });

    it('loses no event', async () => {
      const settings = {
        JOB_LOCK_MS: '1000',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_TIMEOUT_MS: '1500',
        WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800,1000',
        WEBHOOK_RELAY_MS: '50',
      };
      // The API in this process; the worker that dies is a real process of its own.
      const web = await startTestHub({ backend: 'redis', database, prefix, env: { ...settings, HUB_ROLES: 'web' } });
      hubs.push(web);
      worker = await spawnHub({ ...hubEnv('redis', database, prefix, settings), HUB_ROLES: 'worker' }, { waitForListen: false });
      await worker.waitForLog((line) => line['msg'] === 'starting');
      const { token } = await login(web.url, 'admin@demo.test', 'admin');

      // Slow answers keep several deliveries in flight when the worker dies.
      const receiver = await startReceiver({ kind: 'slow', delayMs: 700 });
      receivers.push(receiver);
      const hook = await api<{ id: string; secret: string }>(web.url, token, 'POST', '/api/webhooks/endpoints', { url: receiver.url, events: ['customer.created'] });
      const ids = await createCustomers(web.url, token, 'Kill');
      await until(async () => (await database.db.webhookDelivery.count({ where: { endpointId: hook.id, attempts: { gt: 0 } } })) > 0, 20_000, 10);
      await worker.kill('SIGKILL');
      expect(receiver.verified(hook.secret).length).toBeLessThan(EVENTS);

      hubs.push(await startTestHub({ backend: 'redis', database, prefix, env: { ...settings, HUB_ROLES: 'web,worker' } }));
      await until(async () => receivedAll(receiver, hook.secret, ids), 40_000, 100);
      await until(async () => (await database.db.webhookDelivery.count({ where: { endpointId: hook.id, status: 'succeeded' } })) === EVENTS, 20_000);
    }, 90_000);
  });

  describe('a Redis restart during delivery', () => {
    let redis: ChildProcess | null = null;
    let port = 0;
    let hub: TestHub;

    const startRedis = async () => {
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await until(
        () =>
          new Promise<boolean>((resolve) => {
            const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
            let out = '';
            probe.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            probe.on('exit', () => resolve(out.includes('PONG')));
          }),
        10_000,
        100,
      );
    };
    const stopRedis = async () => {
      const running = redis;
      redis = null;
      if (!running || running.exitCode !== null) return;
      await new Promise((resolve) => {
        running.once('exit', resolve);
        running.kill('SIGKILL');
      });
    };

    beforeAll(async () => {
      port = await freePort();
      await startRedis();
    });
    afterAll(async () => {
      await hub?.stop().catch(() => undefined);
      await stopRedis();
    });

    it('loses no event though the queue lost every job', async () => {
      hub = await startTestHub({
        backend: 'redis',
        env: {
          REDIS_URL: `redis://127.0.0.1:${port}`,
          WEBHOOK_ALLOW_PRIVATE: 'true',
          WEBHOOK_TIMEOUT_MS: '1500',
          WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800,1000',
          WEBHOOK_RELAY_MS: '50',
        },
      });
      const { token } = await login(hub.url, 'admin@demo.test', 'admin');
      const receiver = await startReceiver({ kind: 'status', status: 503 });
      receivers.push(receiver);
      const hook = await api<{ id: string; secret: string }>(hub.url, token, 'POST', '/api/webhooks/endpoints', { url: receiver.url, events: ['customer.created'] });
      const ids = await createCustomers(hub.url, token, 'Redis');
      // Every delivery is waiting for a retry in Redis when Redis goes away with all its jobs.
      await until(async () => (await hub.database.db.webhookDelivery.count({ where: { endpointId: hook.id, attempts: { gt: 0 } } })) === EVENTS, 20_000);
      await stopRedis();
      receiver.mode = { kind: 'ok' };
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await startRedis();
      await until(async () => receivedAll(receiver, hook.secret, ids), 40_000, 100);
      expect(await hub.database.db.webhookDelivery.count({ where: { endpointId: hook.id, status: 'succeeded' } })).toBe(EVENTS);
    }, 90_000);
  });
});
