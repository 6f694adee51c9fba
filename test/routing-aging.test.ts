import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer } from '@sentral/contract';
import { call, login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api, chatContact, createAgent, routingTrace, type TestAgent } from './support/routing.ts';

const MAX_WAIT_SECONDS = 8;
const HANDLING_MS = 250;

/**
 * Value-based routing must not starve anyone: A customers outrank C customers, but once a contact
 * has waited the queue's maximum wait it goes before every contact that has waited less.
 */
describe('priority with aging', () => {
  let hub: TestHub;
  let admin: string;
  let agent: TestAgent;
  const customers: Socket[] = [];
  let flooding = true;

  beforeAll(async () => {
    // A stream of customers, all from this machine's one address: the per-address chat limits would stop it.
    const many = { points: 100_000, durationSeconds: 60 };
    hub = await startTestHub({ backend: 'redis', env: { RATE_LIMITS: JSON.stringify({ 'chat:connect:address': many, 'chat:conversation:address': many, 'chat:message:address': many }) } });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    for (const [name, email, segment] of [
      ['Alfa Storkunde', 'alfa@a.test', 'A'],
      ['Cecilie Småkunde', 'cecilie@c.test', 'C'],
    ] as const) {
      expect((await api(hub.url, '/api/customers', { method: 'POST', token: admin, body: { name, emails: [email], segment } })).status).toBe(201);
    }
    // No aging weight at all: only the maximum wait can lift the C customer past the A customers.
    const settings = await api(hub.url, '/api/queues/support/routing', { method: 'PUT', token: admin, body: { maxWaitSeconds: MAX_WAIT_SECONDS, agingWeight: 0, offerTimeoutSeconds: 120 } });
    expect(settings.status).toBe(200);
    agent = await createAgent(hub.url, admin, { email: 'eneste@aging.test', name: 'Eli Eneste', queues: ['support'], capacity: { chat: 1 } });
    // One agent who takes every offer and finishes it after a short conversation.
    agent.socket.on('contact:offer', (offer: ContactOffer) => {
      (async () => {
        await call(agent.socket, 'offer:accept', { offerId: offer.offerId });
        await new Promise((resolve) => setTimeout(resolve, HANDLING_MS));
        await call(agent.socket, 'contact:end', { contactId: offer.contact.id, disposition: 'resolved' });
      })().catch(() => {
        // The socket closes when the test ends, possibly in the middle of a conversation.
      });
    });
  });

  afterAll(async () => {
    flooding = false;
    for (const socket of customers) socket.close();
    agent?.close();
    await hub?.stop();
  });

  it('offers a C customer at the first free moment after the maximum wait, while A customers keep arriving', async () => {
    const db = hub.database.db;
    const arrivals: Array<Promise<unknown>> = [];
    // The C customer arrives first, then a continuous stream of A customers: every one of them is younger.
    const c = await chatContact(hub.url, { name: 'Cecilie', email: 'cecilie@c.test' }, 'Hei, et lite spørsmål');
    customers.push(c.socket);
    await until(async () => (await db.contact.findUniqueOrThrow({ where: { id: c.contactId } })).status === 'queued');
    const flood = (async () => {
      for (let i = 0; flooding && i < 600; i++) {
        arrivals.push(chatContact(hub.url, { name: `A ${i}`, email: 'alfa@a.test' }, `Hei ${i}`).then((chat) => customers.push(chat.socket)));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await until(async () => (await db.contact.count({ where: { status: 'queued', priority: 30 } })) >= 3, 30_000);
    await agent.setState('available');

    const offered = await until(async () => {
      const trace = await routingTrace(hub.url, admin, c.contactId);
      return trace.decisions.find((d: { kind: string }) => d.kind === 'offered');
    }, 60_000);
    const offerAt = new Date(offered.at);
    const stillWaiting = await db.contact.count({ where: { priority: 30, queuedAt: { lt: offerAt }, OR: [{ offeredAt: null }, { offeredAt: { gt: offerAt } }] } });
    flooding = false;
    await flood;
    await Promise.allSettled(arrivals);

    const contact = await db.contact.findUniqueOrThrow({ where: { id: c.contactId } });
    const overdueAt = new Date(contact.queuedAt!.getTime() + MAX_WAIT_SECONDS * 1000);
    // Ordered by the instant each choice was made: an offer chosen just before the C customer became
    // overdue may be stored just after, and that is still a choice made while it was not overdue.
    const decisions = await db.routingDecision.findMany({ where: { kind: 'offered', agentId: agent.id }, include: { contact: { select: { priority: true, queuedAt: true } } } });
    const offers = decisions
      .map((decision) => ({ ...decision, decidedAt: new Date((decision.data as { decidedAt: string }).decidedAt) }))
      .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
    const beforeOverdue = offers.filter((offer) => offer.decidedAt < overdueAt);
    const firstAfter = offers.find((offer) => offer.decidedAt >= overdueAt);

    expect(contact.priority).toBe(10);
    // While it was not overdue, A customers who came after it went first: priority counts.
    expect(beforeOverdue.length).toBeGreaterThan(0);
    expect(beforeOverdue.every((offer) => offer.contact.priority === 30 && offer.contact.queuedAt! > contact.queuedAt!)).toBe(true);
    // Once it had waited the maximum wait, the very next offer was its own, ahead of A customers still waiting.
    expect(firstAfter?.contactId).toBe(c.contactId);
    expect(offered).toMatchObject({ overdue: true, agentId: agent.id });
    expect(offerAt.getTime() - contact.queuedAt!.getTime()).toBeGreaterThanOrEqual(MAX_WAIT_SECONDS * 1000);
    expect(stillWaiting).toBeGreaterThan(0);
  });
});
