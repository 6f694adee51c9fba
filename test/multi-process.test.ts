import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next } from './support/sockets.ts';
import { clearRedisPrefix, hubEnv, seed, spawnHub, uniquePrefix, type HubProcess } from './support/hub.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

describe('two hub processes sharing PostgreSQL and Redis act as one', () => {
  let database: TestDatabase;
  const prefix = uniquePrefix();
  let a: HubProcess;
  let b: HubProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed(database, 100);
    const env = hubEnv('redis', database, prefix);
    [a, b] = await Promise.all([spawnHub(env), spawnHub(env)]);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await clearRedisPrefix(prefix);
    await database?.drop();
  });

  it('pops on process A for a chat that arrived at process B, and messages cross both ways', async () => {
    const customer = await database.db.customer.findFirstOrThrow({ include: { identities: { where: { kind: 'email' } } }, where: { identities: { some: { kind: 'email' } } } });
    const { token } = await login(a.url!, 'agent@demo.test', 'agent');
    const agent = await connect(a.url!, '/agent', { token });
    sockets.push(agent);
    await call(agent, 'agent:state', { state: 'available' });

    const chat = await connect(b.url!, '/chat', { name: customer.name, email: customer.identities[0]!.value });
    sockets.push(chat);
    const offer = next(agent, 'contact:offer');
    const sent = await call<{ contactId: string }>(chat, 'message', { text: 'Hei fra prosess B' });
    const popped = await offer;
    expect(popped.contact.id).toBe(sent.contactId);
    expect(popped.screenPop.customer).toMatchObject({ id: customer.id, name: customer.name });

    const joined = next<{ from: string }>(chat, 'message', (m) => m.from === 'system');
    expect(await call(agent, 'offer:accept', { offerId: popped.offerId })).toMatchObject({ ok: true });
    await joined;

    const toCustomer = next<{ from: string; text: string }>(chat, 'message', (m) => m.from === 'agent');
    await call(agent, 'contact:send', { contactId: sent.contactId, text: 'Svar fra prosess A' });
    expect((await toCustomer).text).toBe('Svar fra prosess A');

    const toAgent = next<{ message: { from: string; text: string } }>(agent, 'contact:message', (p) => p.message.from === 'customer');
    await call(chat, 'message', { text: 'Takk!' });
    expect((await toAgent).message.text).toBe('Takk!');

    const ended = next(chat, 'ended');
    await call(agent, 'contact:end', { contactId: sent.contactId, disposition: 'resolved' });
    await ended;
    expect(await database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId } })).toMatchObject({ status: 'ended' });
  });
});
