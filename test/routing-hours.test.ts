import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, record, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api, createAgent, routingTrace, type TestAgent } from './support/routing.ts';

const CLOSED_ALL_WEEK = {};

/** Opening hours per queue: outside them a contact gets the queue's closed action instead of an agent. */
describe('business hours', () => {
  let hub: TestHub;
  let admin: string;
  let agent: TestAgent;
  const customers: Socket[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const rules = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: { filters: [{ name: 'Invoices', when: { attribute: 'message', op: 'containsAny', value: ['faktura'] }, targets: [{ queue: 'billing' }] }] },
    });
    expect(rules.status).toBe(200);
    agent = await createAgent(hub.url, admin, { email: 'kveld@hours.test', name: 'Kari Kveld', queues: ['support', 'billing'], capacity: { chat: 3 }, state: 'available' });
  });

  afterAll(async () => {
    for (const socket of customers) socket.close();
    agent?.close();
    await hub?.stop();
  });

  it('tells the customer the queue is closed and ends the contact, in their language', async () => {
    const closed = await api(hub.url, '/api/queues/billing/routing', {
      method: 'PUT',
      token: admin,
      body: { timeZone: 'Europe/Oslo', businessHours: CLOSED_ALL_WEEK, closedAction: 'message', closedMessage: { da: 'Vi har lukket. Prøv igen i morgen.' } },
    });
    expect(closed.status).toBe(200);
    const socket = await connect(hub.url, '/chat', { name: 'Dorthe', language: 'da' });
    customers.push(socket);
    const said = record<{ from: string; text: string }>(socket, 'message');
    const ended = next(socket, 'ended', () => true, 15_000);
    const { contactId } = await call<{ contactId: string }>(socket, 'message', { text: 'Spørgsmål om en faktura' });
    await ended;
    expect(said).toContainEqual(expect.objectContaining({ from: 'system', text: 'Vi har lukket. Prøv igen i morgen.' }));
    const contact = await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact).toMatchObject({ status: 'ended', disposition: 'closed', queueId: 'billing' });
    expect((await routingTrace(hub.url, admin, contactId)).decisions.map((d: { kind: string }) => d.kind)).toEqual(['planned', 'closed']);
    expect(agent.offers.map((offer) => offer.contact.id)).not.toContain(contactId);
  });

  it('keeps a callback request waiting, unrouted, until the queue opens', async () => {
    const closed = await api(hub.url, '/api/queues/support/routing', { method: 'PUT', token: admin, body: { businessHours: CLOSED_ALL_WEEK, closedAction: 'callback' } });
    expect(closed.status).toBe(200);
    const socket = await connect(hub.url, '/chat', { name: 'Nils', language: 'nb' });
    customers.push(socket);
    const told = next<{ from: string; text: string }>(socket, 'message', (m) => m.from === 'system' && m.text === 'Vi har stengt nå. Vi ringer deg tilbake så snart vi åpner.', 15_000);
    const { contactId } = await call<{ contactId: string }>(socket, 'message', { text: 'Kan dere ringe meg?' });
    await told;
    await until(async () => (await hub.database.db.contactRouting.findUnique({ where: { contactId } }))?.heldUntilOpen === true);
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } })).status).toBe('queued');
    expect(agent.offers.map((offer) => offer.contact.id)).not.toContain(contactId);

    const offered = agent.nextOffer((offer) => offer.contact.id === contactId);
    expect((await api(hub.url, '/api/queues/support/routing', { method: 'PUT', token: admin, body: { businessHours: null } })).status).toBe(200);
    await offered;
    expect((await routingTrace(hub.url, admin, contactId)).decisions.map((d: { kind: string }) => d.kind)).toEqual(['planned', 'closed', 'opened', 'offered']);
  });

  it('is closed on a holiday in the queue’s time zone even inside the weekly hours', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
    const allDay = [['00:00', '24:00']];
    const holiday = await api(hub.url, '/api/queues/sales/routing', {
      method: 'PUT',
      token: admin,
      body: { timeZone: 'Asia/Tokyo', businessHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [{ date: today }], closedAction: 'message' },
    });
    expect(holiday.status).toBe(200);
    const rules = await api(hub.url, '/api/routing/rules/filters/Sales', { method: 'PUT', token: admin, body: { when: { attribute: 'message', op: 'containsAny', value: ['tilbud'] }, targets: [{ queue: 'sales' }] } });
    expect(rules.status).toBe(200);
    const socket = await connect(hub.url, '/chat', { name: 'Per' });
    customers.push(socket);
    const ended = next(socket, 'ended', () => true, 15_000);
    const { contactId } = await call<{ contactId: string }>(socket, 'message', { text: 'Jeg vil ha et tilbud' });
    await ended;
    expect(await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } })).toMatchObject({ status: 'ended', disposition: 'closed' });
  });
});
