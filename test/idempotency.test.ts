import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactJobs, createQueueBackend, queueNames, type ContactJobData } from '@sentral/queues';
import { call, connect, login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { testRedisUrl } from './support/env.ts';

describe('nothing twice', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('stores one contact, one message and one offer when the same chat message is delivered repeatedly', async () => {
    const { token } = await login(hub.url, 'agent@demo.test', 'agent');
    const agent = await connect(hub.url, '/agent', { token });
    const offers: Array<{ contact: { id: string } }> = [];
    agent.on('contact:offer', (offer) => offers.push(offer));
    await call(agent, 'agent:state', { state: 'available' });

    // The same visitor resends the same message from two tabs at once, and once more after a reconnect.
    const visitorId = 'visitor-repeat-0001';
    const tabs = await Promise.all([connect(hub.url, '/chat', { visitorId }), connect(hub.url, '/chat', { visitorId })]);
    const acks = await Promise.all(tabs.map((tab) => call<{ ok: boolean; contactId: string; id: string }>(tab, 'message', { text: 'Hei igjen', clientMessageId: 'same-event' })));
    const retry = await connect(hub.url, '/chat', { visitorId });
    const third = await call<{ ok: boolean; contactId: string; id: string }>(retry, 'message', { text: 'Hei igjen', clientMessageId: 'same-event' });
    expect(acks.every((ack) => ack.ok)).toBe(true);
    expect(new Set([...acks, third].map((ack) => ack.contactId)).size).toBe(1);
    expect(new Set([...acks, third].map((ack) => ack.id)).size).toBe(1);

    const contactId = third.contactId;
    await until(async () => offers.length >= 1);
    const { db } = hub.database;
    expect(await db.contact.count({ where: { fromAddress: visitorId } })).toBe(1);
    expect(await db.message.count({ where: { contactId } })).toBe(1);

    // A redelivered identify job (as after a crash) finds the work done.
    const queues = createQueueBackend({ kind: 'redis', redisUrl: testRedisUrl, prefix: hub.prefix });
    const producer = queues.producer<ContactJobData>(queueNames.contacts);
    await producer.add(contactJobs.identify.name, { contactId }, { jobId: contactJobs.identify.jobId(contactId) });
    await producer.add(contactJobs.identify.name, { contactId }, { jobId: `${contactJobs.identify.jobId(contactId)}-redelivered` });
    await until(async () => (await db.contactEvent.count({ where: { contactId, type: 'offered' } })) === 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await queues.close();

    expect(await db.offer.count({ where: { contactId } })).toBe(1);
    expect(await db.contactEvent.count({ where: { contactId, type: 'queued' } })).toBe(1);
    expect(offers.filter((offer) => offer.contact.id === contactId)).toHaveLength(1);
    for (const socket of [...tabs, retry, agent]) socket.close();
  });

  it('keeps one open conversation per visitor: a second message joins it and is numbered after the first', async () => {
    const chat = await connect(hub.url, '/chat', { visitorId: 'visitor-joins-0001' });
    const first = await call<{ contactId: string; seq: number }>(chat, 'message', { text: 'En' });
    const second = await call<{ contactId: string; seq: number }>(chat, 'message', { text: 'To' });
    expect(second.contactId).toBe(first.contactId);
    expect([first.seq, second.seq]).toEqual([1, 2]);
    chat.close();
    const again = await connect(hub.url, '/chat', { visitorId: 'visitor-joins-0001' });
    const third = await call<{ contactId: string; seq: number }>(again, 'message', { text: 'Tre' });
    expect(third).toMatchObject({ contactId: first.contactId, seq: 3 });
    await call(again, 'end', {});
    const ended = await hub.database.db.contact.findUniqueOrThrow({ where: { id: first.contactId } });
    expect(ended.status).toBe('abandoned');
    expect(ended.openKey).toBeNull();
    again.close();
  });
});
