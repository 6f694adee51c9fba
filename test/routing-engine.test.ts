import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api, chatContact, createAgent, routingTrace, type TestAgent } from './support/routing.ts';

/**
 * The engine at work on a real hub: rules choose the plan, targets relax after their timeout,
 * a target nobody signed in could serve is skipped, the last queue overflows, and every decision
 * can be read back with the candidates and reasons.
 */
describe('routing plans at run time', () => {
  let hub: TestHub;
  let admin: string;
  let senior: TestAgent;
  let junior: TestAgent;
  let biller: TestAgent;
  let seller: TestAgent;
  const customers: Socket[] = [];
  const vipEmail = 'astrid@storkunde.test';

  /** A chat from the A customer (identified by the email typed into the chat form). */
  const vipChat = (text = 'Hei, jeg trenger hjelp') => chatContact(hub.url, { name: 'Astrid', email: vipEmail }, text).then((chat) => (customers.push(chat.socket), chat));
  const anonymousChat = (text = 'Hei') => chatContact(hub.url, { name: 'Ola' }, text).then((chat) => (customers.push(chat.socket), chat));
  const leave = async (chat: { socket: Socket }) => {
    await call(chat.socket, 'end', {});
  };
  const kinds = (trace: { decisions: Array<{ kind: string }> }) => trace.decisions.map((decision) => decision.kind);

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const vip = await api(hub.url, '/api/customers', { method: 'POST', token: admin, body: { name: 'Astrid Storkunde', emails: [vipEmail], segment: 'A' } });
    expect(vip.status).toBe(201);
    const rules = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: {
        defaultQueue: 'support',
        overflow: { support: { queue: 'billing', afterSeconds: 2 } },
        filters: [
          {
            name: 'A customers to seniors first',
            when: { attribute: 'customer.segment', op: 'eq', value: 'A' },
            targets: [{ queue: 'support', skills: { technical: 4 }, priority: 10, timeoutSeconds: 2 }, { queue: 'support', priority: 10, timeoutSeconds: 600 }],
          },
          { name: 'Quotes', when: { attribute: 'message', op: 'containsAny', value: ['tilbud', 'pristilbud'] }, targets: [{ queue: 'sales' }] },
        ],
      },
    });
    expect(rules.status).toBe(200);
    senior = await createAgent(hub.url, admin, { email: 'senior@routing.test', name: 'Siri Senior', queues: ['support'], skills: { technical: 5 }, capacity: { chat: 2 } });
    junior = await createAgent(hub.url, admin, { email: 'junior@routing.test', name: 'Jonas Junior', queues: ['support'], skills: { technical: 2 }, capacity: { chat: 2 } });
    biller = await createAgent(hub.url, admin, { email: 'biller@routing.test', name: 'Berit Faktura', queues: ['billing'], capacity: { chat: 2 } });
    seller = await createAgent(hub.url, admin, { email: 'seller@routing.test', name: 'Sander Salg', queues: ['sales'], capacity: { chat: 2 } });
  });

  afterAll(async () => {
    for (const socket of customers) socket.close();
    for (const agent of [senior, junior, biller, seller]) agent?.close();
    await hub?.stop();
  });

  it('offers an A customer to the senior agent first, and explains why', async () => {
    await Promise.all([junior.setState('available'), senior.setState('available')]);
    const offered = senior.nextOffer();
    const chat = await vipChat();
    expect((await offered).contact).toMatchObject({ id: chat.contactId, queue: 'support', priority: 40 });

    const trace = await routingTrace(hub.url, admin, chat.contactId);
    expect(trace.plan).toMatchObject({ filter: 'A customers to seniors first', step: 0, basePriority: 30 });
    expect(trace.plan.steps.map((step: { queue: string; timeoutSeconds: number | null }) => [step.queue, step.timeoutSeconds])).toEqual([
      ['support', 2],
      ['support', 600],
      ['billing', null],
    ]);
    const offer = trace.decisions.find((decision: { kind: string }) => decision.kind === 'offered');
    expect(offer).toMatchObject({ agentId: senior.id, step: 0, why: 'highest skill, then longest idle', pool: { queue: 'support', channel: 'chat', signedIn: 2 } });
    expect(offer.considered).toContainEqual(expect.objectContaining({ agentId: senior.id, outcome: 'chosen: highest skill, then longest idle', skill: 5 }));
    expect(offer.others).toEqual([{ agentId: junior.id, reason: 'technical 2 < 4' }]);
    await leave(chat);
  });

  it('relaxes to the next target when nobody takes the contact within the target’s timeout', async () => {
    await senior.setState('away');
    const offered = junior.nextOffer();
    const chat = await vipChat();
    expect((await offered).contact.id).toBe(chat.contactId);

    const trace = await routingTrace(hub.url, admin, chat.contactId);
    expect(kinds(trace)).toEqual(['planned', 'waiting', 'step', 'offered']);
    const [, waiting, step, offer] = trace.decisions;
    expect(waiting).toMatchObject({ step: 0, why: 'no free agent of the queue has technical ≥ 4' });
    expect(waiting.others).toContainEqual({ agentId: senior.id, reason: 'away' });
    expect(step).toMatchObject({ step: 1, from: 0, to: 1, reason: 'no offer accepted within 2 s' });
    expect(offer).toMatchObject({ step: 1, agentId: junior.id, why: 'longest idle' });
    expect(new Date(step.at).getTime() - new Date(waiting.at).getTime()).toBeGreaterThanOrEqual(1_500);
    await leave(chat);
  });

  it('skips a target that no signed-in agent could ever take', async () => {
    await senior.setState('offline');
    const offered = junior.nextOffer();
    const chat = await vipChat();
    expect((await offered).contact.id).toBe(chat.contactId);
    const trace = await routingTrace(hub.url, admin, chat.contactId);
    expect(kinds(trace)).toEqual(['planned', 'step', 'offered']);
    expect(trace.decisions[1]).toMatchObject({ from: 0, to: 1, reason: 'no signed-in agent could take it (skills, channel or nobody logged in)' });
    await leave(chat);
  });

  it('sends a contact that matches no filter to the default queue, and overflows it when nobody there takes it', async () => {
    await junior.setState('away');
    await biller.setState('available');
    const offered = biller.nextOffer();
    const chat = await anonymousChat('Hvor er pakken min?');
    const offer = await offered;
    expect(offer.contact).toMatchObject({ id: chat.contactId, queue: 'billing' });

    const trace = await routingTrace(hub.url, admin, chat.contactId);
    expect(trace.plan.filter).toBeNull();
    expect(trace.plan.steps[0]).toMatchObject({ queue: 'support', via: 'default queue (no filter matched)', timeoutSeconds: 2 });
    expect(trace.plan.steps[1]).toMatchObject({ queue: 'billing', via: 'overflow from support' });
    expect(kinds(trace)).toEqual(['planned', 'waiting', 'step', 'offered']);
    const contact = await api(hub.url, `/api/contacts/${chat.contactId}`, { token: admin });
    expect(contact.body.events.map((event: { type: string }) => event.type)).toContain('overflowed');
    await leave(chat);
  });

  it('routes by subject keyword to sales', async () => {
    await seller.setState('available');
    const offered = seller.nextOffer();
    const chat = await anonymousChat('Kan jeg få et pristilbud på 40 lisenser?');
    expect((await offered).contact).toMatchObject({ id: chat.contactId, queue: 'sales' });
    expect((await routingTrace(hub.url, admin, chat.contactId)).plan.filter).toBe('Quotes');
    await leave(chat);
  });

  it('uses an agent’s new skills as soon as an admin changes them', async () => {
    const profile = await api(hub.url, `/api/agents/${junior.id}/routing`, { method: 'PUT', token: admin, body: { skills: { technical: 5 }, capacity: { chat: 3 } } });
    expect(profile).toMatchObject({ status: 200, body: { skills: { technical: 5 }, capacity: { chat: 3 }, queues: ['support'] } });
    const refused = await api(hub.url, `/api/agents/${junior.id}/routing`, { method: 'PUT', token: admin, body: { queues: ['support', 'nowhere'] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('queues: unknown queue "nowhere"');
    await junior.setState('available');
    const offered = junior.nextOffer();
    const chat = await vipChat();
    expect((await offered).contact.id).toBe(chat.contactId);
    const offer = (await routingTrace(hub.url, admin, chat.contactId)).decisions.find((d: { kind: string }) => d.kind === 'offered');
    expect(offer).toMatchObject({ step: 0, agentId: junior.id, why: 'highest skill, then longest idle' });
    await leave(chat);
  });

  it('lets an agent read the trace of their own contact only', async () => {
    await junior.setState('available');
    const offered = junior.nextOffer();
    const chat = await anonymousChat();
    const offer = await offered;
    await junior.accept(offer);
    expect((await api(hub.url, `/api/contacts/${chat.contactId}/routing`, { token: junior.token })).status).toBe(200);
    expect((await api(hub.url, `/api/contacts/${chat.contactId}/routing`, { token: seller.token })).status).toBe(403);
    expect((await api(hub.url, '/api/contacts/00000000-0000-4000-8000-000000000000/routing', { token: admin })).status).toBe(404);
    expect(await call(junior.socket, 'contact:end', { contactId: chat.contactId, disposition: 'resolved' })).toEqual({ ok: true });
    await until(async () => (await hub.database.db.contact.findUniqueOrThrow({ where: { id: chat.contactId } })).status === 'ended');
  });
});
