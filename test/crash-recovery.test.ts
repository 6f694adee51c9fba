import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, until } from './support/sockets.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix, type HubProcess } from './support/hub.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const CONTACTS = 40;

describe('a worker killed mid-flight loses nothing and offers nothing twice', () => {
  let database: TestDatabase;
  const prefix = uniquePrefix();
  const processes: HubProcess[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database, 50);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const process of processes) await process.kill('SIGKILL');
    await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it('offers every stored contact exactly once after SIGKILL and restart', async () => {
    // Short job locks so a killed worker's jobs come back within seconds.
    const env = hubEnv('redis', database, prefix, { JOB_LOCK_MS: '2000', DISPATCH_SWEEP_MS: '300' });
    const web = await spawnHub({ ...env, HUB_ROLES: 'web' });
    processes.push(web);
    const url = web.url!;

    const admin = await login(url, 'admin@demo.test', 'admin');
    // Offer ids each agent desk saw per contact: a re-sent offer keeps its id, so one id means one offer.
    const offersSeen = new Map<string, Set<string>>();
    for (let i = 0; i < 5; i++) {
      const email = `crash-agent-${i}@example.test`;
      const created = await fetch(`${url}/api/agents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ email, name: `Crash Agent ${i}`, password: 'long-enough-password', role: 'agent', queues: ['support'], capacity: { chat: 10 } }),
      });
      expect(created.status).toBe(201);
      const { token } = await login(url, email, 'long-enough-password');
      const socket = await connect(url, '/agent', { token });
      socket.on('contact:offer', (offer: { offerId: string; contact: { id: string } }) =>
        offersSeen.set(offer.contact.id, new Set([...(offersSeen.get(offer.contact.id) ?? []), offer.offerId])),
      );
      sockets.push(socket);
    }

    // Stored with no worker running: acknowledged to the customer, waiting for identification.
    const first = await connect(url, '/chat', { name: 'Before worker', queue: 'support' });
    sockets.push(first);
    const stored = await call<{ ok: boolean; contactId: string }>(first, 'message', { text: 'Er dere der?' });
    expect(stored.ok).toBe(true);
    const { db } = database;
    expect(await db.contact.findUniqueOrThrow({ where: { id: stored.contactId } })).toMatchObject({ status: 'arrived' });
    expect(await db.offer.count()).toBe(0);

    const worker = await spawnHub({ ...env, HUB_ROLES: 'worker' }, { waitForListen: false });
    processes.push(worker);
    await worker.waitForLog((line) => line['msg'] === 'starting');

    const chats = await Promise.all(Array.from({ length: CONTACTS }, () => connect(url, '/chat', { name: 'Kunde', queue: 'support' })));
    sockets.push(...chats);
    const acks = await Promise.all(chats.map((chat, i) => call<{ ok: boolean; contactId: string }>(chat, 'message', { text: `Melding ${i}` })));
    expect(acks.filter((ack) => !ack.ok), JSON.stringify(web.logs.filter((line) => Number(line['level']) >= 50).slice(0, 2))).toEqual([]);

    for (const socket of sockets.slice(0, 5)) await call(socket, 'agent:state', { state: 'available' });
    // Kill the worker hard as soon as it has started offering: some jobs are mid-flight.
    await until(async () => (await db.offer.count()) > 0, 30_000, 5);
    await worker.kill('SIGKILL');
    const offeredBeforeCrash = await db.offer.count();

    const restarted = await spawnHub({ ...env, HUB_ROLES: 'worker' }, { waitForListen: false });
    processes.push(restarted);
    const ids = [stored.contactId, ...acks.map((ack) => ack.contactId)];
    await until(async () => (await db.contact.count({ where: { id: { in: ids }, status: 'offered' } })) === ids.length, 60_000, 100);

    const offers = await db.offer.groupBy({ by: ['contactId'], _count: { _all: true }, where: { contactId: { in: ids } } });
    expect(offers).toHaveLength(ids.length);
    expect(offers.every((row) => row._count._all === 1)).toBe(true);
    expect(offeredBeforeCrash).toBeLessThanOrEqual(ids.length);
    for (const id of ids) expect(await db.contactEvent.count({ where: { contactId: id, type: 'queued' } })).toBe(1);
    await until(async () => ids.every((id) => offersSeen.get(id)?.size === 1), 20_000);
    expect([...offersSeen.values()].every((seen) => seen.size === 1)).toBe(true);
  }, 180_000);
});
