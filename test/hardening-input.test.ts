import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer } from '@sentral/contract';
import { call, connect, login, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api, chatContact, createAgent, type TestAgent } from './support/routing.ts';

/** JSON nested `depth` levels, written by hand: JSON.stringify itself overflows on it. */
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * Input that used to stop the whole hub: one socket event, one regex and one queue setting froze
 * or killed it. Each attack runs here against a real hub, which must keep answering and routing.
 */
describe('input that cannot stop the hub', () => {
  let hub: TestHub;
  let admin: string;
  const sockets: Socket[] = [];
  const agents: TestAgent[] = [];

  /** /healthz answers, and quickly: a blocked event loop would hold it. */
  async function expectResponsive(): Promise<void> {
    const started = performance.now();
    const response = await fetch(`${hub.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2_000);
  }

  /** A chat customer reaches `agent` with an offer: routing still works end to end. */
  async function expectRoutesTo(agent: TestAgent, auth: Record<string, unknown>, text: string): Promise<ContactOffer> {
    const offered = agent.nextOffer(() => true, 20_000);
    const chat = await chatContact(hub.url, auth, text);
    sockets.push(chat.socket);
    const offer = await offered;
    expect(offer.contact.id).toBe(chat.contactId);
    return offer;
  }

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const agent of agents) agent.close();
    await hub?.stop();
  });

  it('answers agent events named after Object.prototype members with UNKNOWN_EVENT and keeps routing', async () => {
    const agent = await createAgent(hub.url, admin, { email: 'proto@hardening.test', name: 'Proto Agent', queues: ['billing'], capacity: { chat: 1 }, state: 'available' });
    agents.push(agent);
    for (const event of ['constructor', 'hasOwnProperty', 'toString', 'valueOf', '__proto__', '__defineGetter__', 'isPrototypeOf']) {
      expect(await call(agent.socket, event, { offerId: '00000000-0000-4000-8000-000000000000' })).toEqual({
        ok: false,
        error: { code: 'UNKNOWN_EVENT', message: `unknown event "${event}"` },
      });
      // Without an ack as well: nothing to answer, and nothing may throw.
      agent.socket.emit(event, {});
    }
    expect(agent.socket.connected).toBe(true);
    await expectResponsive();
    const offer = await expectRoutesTo(agent, { name: 'Kunde', queue: 'billing' }, 'Hei, et spørsmål om faktura');
    await agent.accept(offer);
    expect(await call(agent.socket, 'contact:end', { contactId: offer.contact.id, disposition: 'resolved' })).toEqual({ ok: true });
  });

  it('answers a handler that fails unexpectedly with INTERNAL, on sockets and REST, and keeps running', async () => {
    const agent = await createAgent(hub.url, admin, { email: 'fails@hardening.test', name: 'Feil Agent', queues: ['enterprise'], capacity: { chat: 1 } });
    agents.push(agent);
    const db = hub.database.db;
    // A real failure underneath the handlers: the audit log every state change writes to is gone for a moment.
    await db.$executeRawUnsafe('ALTER TABLE "AuditLog" RENAME TO "AuditLogAway"');
    try {
      expect(await call(agent.socket, 'agent:state', { state: 'away' })).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
      const rest = await api(hub.url, `/api/supervisor/agents/${agent.id}/state`, { method: 'POST', token: admin, body: { state: 'away' } });
      expect(rest.status).toBe(500);
      expect(rest.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
      await expectResponsive();
    } finally {
      await db.$executeRawUnsafe('ALTER TABLE "AuditLogAway" RENAME TO "AuditLog"');
    }
    expect(agent.socket.connected).toBe(true);
    await agent.setState('available');
    const offer = await expectRoutesTo(agent, { name: 'Etterpå', queue: 'enterprise' }, 'Hei igjen');
    await agent.accept(offer);
    expect(await call(agent.socket, 'contact:end', { contactId: offer.contact.id, disposition: 'resolved' })).toEqual({ ok: true });
  });

  it('refuses a routing rule that backtracks catastrophically, naming the filter, and keeps the rules in force', async () => {
    const before = await api(hub.url, '/api/routing/rules', { token: admin });
    const catastrophic = {
      filters: [
        { name: 'fakturaord', when: { attribute: 'subject', op: 'matches', value: 'faktura|regning' }, targets: [{ queue: 'billing' }] },
        { name: 'greedy', when: { any: [{ attribute: 'channel', op: 'eq', value: 'fax' }, { attribute: 'message', op: 'matches', value: '(a+)+$' }] }, targets: [{ queue: 'sales' }] },
      ],
    };
    const refused = await api(hub.url, '/api/routing/rules', { method: 'PUT', token: admin, body: catastrophic });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.message).toContain('filters[1].when.any[1].value');
    expect(refused.body.error.message).toContain('filter "greedy"');
    expect(refused.body.error.message).toContain('(a+)+$');
    const filterEdit = await api(hub.url, `/api/routing/rules/filters/${encodeURIComponent('greedy')}`, {
      method: 'PUT',
      token: admin,
      body: { when: { attribute: 'message', op: 'matches', value: '^(\\w+\\s?)*$' }, targets: [{ queue: 'sales' }] },
    });
    expect(filterEdit.status).toBe(400);
    expect(filterEdit.body.error.message).toContain('catastrophic backtracking');
    expect((await api(hub.url, '/api/routing/rules', { token: admin })).body.version).toBe(before.body.version);

    // Patterns that only scan (a quadratic `^.*x.*$` on the text's first characters is harmless) are kept.
    const fine = await api(hub.url, '/api/routing/rules', {
      method: 'PUT',
      token: admin,
      body: { filters: [{ name: 'faktura', when: { attribute: 'message', op: 'matches', value: '^.*faktura.*$' }, targets: [{ queue: 'billing' }] }] },
    });
    expect(fine.status).toBe(200);
    await expectResponsive();
  });

  it('leaves out a catastrophic filter stored before patterns were checked, so the attack text routes at once', async () => {
    const agent = await createAgent(hub.url, admin, { email: 'regex@hardening.test', name: 'Regex Agent', queues: ['sales'], capacity: { chat: 1 }, state: 'available' });
    agents.push(agent);
    // A rule set as an older hub stored it, unchecked: its first filter would hold the event loop for minutes.
    await hub.database.db.routingRuleSet.create({
      data: {
        definition: {
          filters: [
            { name: 'greedy', when: { attribute: 'message', op: 'matches', value: '(a+)+$' }, targets: [{ queue: 'billing' }] },
            { name: 'salg', when: { attribute: 'message', op: 'contains', value: 'aaaa' }, targets: [{ queue: 'sales' }] },
          ],
          overflow: {},
          settings: { stickyWindowHours: 168, missedOffersBeforeAway: 3, voiceBlocksOtherChannels: false },
        },
      },
    });
    const started = performance.now();
    const offer = await expectRoutesTo(agent, { name: 'Angriper', queue: 'support' }, `${'a'.repeat(40)}!`);
    expect(performance.now() - started).toBeLessThan(10_000);
    await expectResponsive();
    await agent.accept(offer);
    expect(await call(agent.socket, 'contact:end', { contactId: offer.contact.id, disposition: 'resolved' })).toEqual({ ok: true });
    // Back to no filters for the tests that follow.
    expect((await api(hub.url, '/api/routing/rules', { method: 'PUT', token: admin, body: { filters: [] } })).status).toBe(200);
  });

  it('changes every queue setting with agents signed in and contacts waiting, and routing carries on', async () => {
    const first = await createAgent(hub.url, admin, { email: 'queue1@hardening.test', name: 'Kø En', queues: ['support'], capacity: { chat: 1 }, state: 'available' });
    agents.push(first);
    const a = await expectRoutesTo(first, { name: 'Første', queue: 'support' }, 'Hei');
    await first.accept(a);
    const second = await createAgent(hub.url, admin, { email: 'queue2@hardening.test', name: 'Kø To', queues: ['support'], capacity: { chat: 1 }, state: 'available' });
    agents.push(second);
    const b = await expectRoutesTo(second, { name: 'Andre', queue: 'support' }, 'Hei');
    await second.accept(b);
    // Both agents are busy now: these two wait in the queue while its settings change.
    const waiting = [await chatContact(hub.url, { name: 'Tredje', queue: 'support' }, 'Hei'), await chatContact(hub.url, { name: 'Fjerde', queue: 'support' }, 'Hei')];
    sockets.push(...waiting.map((w) => w.socket));
    const db = hub.database.db;
    await until(async () => (await db.contact.count({ where: { id: { in: waiting.map((w) => w.contactId) }, status: 'queued' } })) === 2);

    const changes = [
      { agingWeight: 2.5 },
      { maxWaitSeconds: 120 },
      { offerTimeoutSeconds: 45 },
      { wrapUpSeconds: 0 },
      { timeZone: 'Europe/Copenhagen' },
      { businessHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '23:59']]])) },
      { holidays: [{ date: '2099-12-25' }] },
      { closedAction: 'callback' },
      { closedMessage: { nb: 'Stengt', da: 'Lukket', en: 'Closed' } },
      { agingWeight: 0, maxWaitSeconds: 600, businessHours: null },
    ];
    for (const change of changes) {
      const answer = await api(hub.url, '/api/queues/support/routing', { method: 'PUT', token: admin, body: change });
      expect(answer.status, JSON.stringify(change)).toBe(200);
      await expectResponsive();
    }

    // A free agent gets the next waiting contact: the board survived every change.
    const nextForFirst = first.nextOffer((offer) => waiting.some((w) => w.contactId === offer.contact.id), 20_000);
    expect(await call(first.socket, 'contact:end', { contactId: a.contact.id, disposition: 'resolved' })).toEqual({ ok: true });
    const offered = await nextForFirst;
    await first.accept(offered);
    expect(await db.contact.findUniqueOrThrow({ where: { id: offered.contact.id } })).toMatchObject({ status: 'accepted', agentId: first.id });

    // contact:end holds the disposition to the configured codes, as wrap-up does.
    const made = await call(first.socket, 'contact:end', { contactId: offered.contact.id, disposition: 'made-up-code' });
    expect(made).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('disposition: must be one of resolved') } });
    expect(await db.contact.findUniqueOrThrow({ where: { id: offered.contact.id } })).toMatchObject({ status: 'accepted', disposition: null });
    expect(await call(first.socket, 'contact:end', { contactId: offered.contact.id, disposition: 'follow-up' })).toEqual({ ok: true });
    expect(await db.contact.findUniqueOrThrow({ where: { id: offered.contact.id } })).toMatchObject({ status: 'ended', disposition: 'follow-up' });
    expect(await call(second.socket, 'contact:end', { contactId: b.contact.id })).toEqual({ ok: true });
  });

  it('answers NUL characters and JSON nested 40,000 deep with 400 VALIDATION_FAILED, over REST and sockets, storing nothing', async () => {
    const db = hub.database.db;
    const counts = async () => ({ contacts: await db.contact.count(), customers: await db.customer.count(), messages: await db.message.count() });
    const before = await counts();
    const post = (path: string, body: string) =>
      fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body });
    const expectRefused = async (response: Response, mentions: string) => {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.message).toContain(mentions);
    };

    await expectRefused(await fetch(`${hub.url}/api/customers?query=Ola%00`, { headers: { authorization: `Bearer ${admin}` } }), 'query.query');
    await expectRefused(await post('/api/customers', JSON.stringify({ name: 'Ola\u0000Nordmann' })), 'body.name');
    await expectRefused(await post('/api/customers', JSON.stringify({ name: 'Ola', attributes: { tier: 'gull\u0000' } })), 'NUL');
    await expectRefused(await post('/api/customers', JSON.stringify({ name: 'Ola', attributes: { 'ti\u0000er': 'gull' } })), 'field name');
    await expectRefused(await post('/api/customers', deepJson(40_000)), 'nested deeper than');
    await expectRefused(
      await fetch(`${hub.url}/api/routing/rules`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: deepJson(40_000) }),
      'nested deeper than',
    );
    await expectRefused(
      await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent@demo.test\u0000', password: 'agent' }) }),
      'NUL',
    );

    // Chat: a NUL in the text or in the name given at the handshake.
    await expect(connect(hub.url, '/chat', { name: 'Kari\u0000' })).rejects.toMatchObject({ data: { code: 'VALIDATION_FAILED' } });
    const chat = await connect(hub.url, '/chat', { name: 'Kari' });
    sockets.push(chat);
    expect(await call(chat, 'message', { text: 'Hei\u0000du' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('NUL') } });

    // Agent socket: a NUL in a message, and a payload nested 40,000 deep sent as a raw Socket.IO packet.
    const agent = await createAgent(hub.url, admin, { email: 'nul@hardening.test', name: 'Nul Agent', queues: ['enterprise'], capacity: { chat: 1 } });
    agents.push(agent);
    expect(await call(agent.socket, 'contact:send', { contactId: '00000000-0000-4000-8000-000000000000', text: 'Hei\u0000' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const engine = agent.socket.io.engine;
    const answered = new Promise<string>((resolve) => {
      const listener = (data: unknown) => {
        if (typeof data === 'string' && data.startsWith('3/agent,4242')) {
          engine.off('message', listener);
          resolve(data);
        }
      };
      engine.on('message', listener);
    });
    engine.send(`2/agent,4242["contact:send",${deepJson(40_000)}]`);
    const ack = JSON.parse((await answered).slice('3/agent,4242'.length)) as [{ ok: boolean; error: { code: string; message: string } }];
    expect(ack[0]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('nested deeper than') } });
    expect(agent.socket.connected).toBe(true);

    await expectResponsive();
    expect(await counts()).toEqual(before);
  });
});
