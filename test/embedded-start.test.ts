import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from './support/hub.ts';

describe('npm start with nothing configured', () => {
  let hub: HubProcess | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    await hub?.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs on the embedded PostgreSQL and the PostgreSQL queue backend, ready and healthy, and stops cleanly', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sentral-embedded-'));
    const env: Record<string, string> = { PORT: '0', DATA_DIR: dataDir, SEED_CUSTOMERS: '200' };
    // Whatever the surrounding shell sets, this start must see no database or Redis.
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'JWT_SECRET']) env[key] = '';
    hub = await spawnHub(env);
    expect(hub.logs.some((line) => line['queueBackend'] === 'postgres')).toBe(true);
    // In development the banner says where to go, how to sign in and which backends run.
    await hub.waitForLog((line) => String(line['msg']).includes('admin@demo.test'));
    const banner = hub.logs.map((line) => String(line['msg'])).join('\n');
    expect(banner).toContain(`Sentral is running at ${hub.url?.replace('127.0.0.1', 'localhost')}`);
    expect(banner).toContain(`embedded PostgreSQL in ${join(dataDir, 'pg')}`);
    expect(banner).toContain('BullMQ on PostgreSQL');
    expect(banner).toContain('agent@demo.test / agent');
    expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    const login = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@demo.test', password: 'agent' }),
    });
    expect(login.status).toBe(200);
    const code = await hub.kill('SIGTERM');
    expect(code, JSON.stringify(hub.logs.slice(-5))).toBe(0);
  }, 120_000);

  it('stops as cleanly on Ctrl-C, which signals the embedded PostgreSQL too', async () => {
    dataDir ??= await mkdtemp(join(tmpdir(), 'sentral-embedded-'));
    const env: Record<string, string> = { PORT: '0', DATA_DIR: dataDir, SEED_CUSTOMERS: '200' };
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'JWT_SECRET']) env[key] = '';
    hub = await spawnHub(env, { processGroup: true });
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => hub!.child.once('exit', (code) => resolve(code)));
    // A terminal's Ctrl-C: SIGINT to every process in the foreground group.
    process.kill(-hub.child.pid!, 'SIGINT');
    const code = await exited;
    expect(code, hub.stderr()).toBe(0);
    expect(hub.stderr()).not.toMatch(/Error|at .+:\d+:\d+/);
    const stopped = hub.logs.find((line) => line['msg'] === 'stopped');
    expect(stopped?.['failed']).toBe(false);
    expect(hub.logs.filter((line) => Number(line['level']) >= 50)).toEqual([]);
  }, 120_000);
});
