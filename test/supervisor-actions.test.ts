import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer, SupervisorStats } from '@sentral/contract';
import { call, connect, login, next, record, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

/** What supervisors may do, and what only they may do: live stats, actions, targets, ratings, segments. */
describe('supervising a contact centre', () => {
  let hub: TestHub;
  let supervisor: { token: string; id: string };
  let agent: { token: string; id: string };
  let agentSocket: Socket;
  let supervisorSocket: Socket;
  let stats: SupervisorStats[];
  // Every customer socket, closed at the end even when a test fails halfway (an open one holds the hub's shutdown).
  const customers: Socket[] = [];
  const customer = async (auth: Record<string, unknown>) => {
    const socket = await connect(hub.url, '/chat', auth);
    customers.push(socket);
    return socket;
  };

  const api = async (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) => {
    const token = init.token === undefined ? supervisor.token : init.token;
    const response = await fetch(`${hub.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as any };
  };

  /** A chat from a new visitor that waits (nobody is available), with its stored queue. */
  async function waitingChat(auth: Record<string, unknown> = { name: 'Ola', language: 'nb' }) {
    const chat = await customer(auth);
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Hei, jeg trenger hjelp' });
    expect(sent.ok).toBe(true);
    const contact = await until(() => hub.database.db.contact.findFirst({ where: { id: sent.contactId, status: 'queued' } }));
    return { chat, contactId: sent.contactId, queueId: contact.queueId };
  }

  const auditOf = (action: string, entityId: string) =>
    hub.database.db.auditLog.findFirst({ where: { action, entityId }, orderBy: { id: 'desc' } });

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres', env: { WRAP_UP_SECONDS: '0' } });
    const lead = await login(hub.url, 'supervisor@demo.test', 'supervisor');
    supervisor = { token: lead.token, id: lead.agent.id };
    const desk = await login(hub.url, 'agent@demo.test', 'agent');
    agent = { token: desk.token, id: desk.agent.id };
    agentSocket = await connect(hub.url, '/agent', { token: agent.token });
    supervisorSocket = await connect(hub.url, '/supervisor', { token: supervisor.token });
    stats = record<SupervisorStats>(supervisorSocket, 'stats');
  });

  afterAll(async () => {
    for (const socket of customers) socket.close();
    agentSocket?.close();
    supervisorSocket?.close();
    await hub?.stop();
  });

  it('keeps agents out of the supervisor namespace and routes', async () => {
    await expect(connect(hub.url, '/supervisor', { token: agent.token })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(connect(hub.url, '/supervisor', {})).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    const contactId = '00000000-0000-4000-8000-000000000000';
    const refused = [
      api('/api/supervisor/stats', { token: agent.token }),
      api('/api/supervisor/today', { token: agent.token }),
      api(`/api/supervisor/contacts/${contactId}/reassign`, { method: 'POST', body: { queueId: 'billing' }, token: agent.token }),
      api(`/api/supervisor/agents/${agent.id}/state`, { method: 'POST', body: { state: 'away' }, token: agent.token }),
      api(`/api/supervisor/contacts/${contactId}/monitor`, { method: 'POST', body: { mode: 'listen' }, token: agent.token }),
      api('/api/kpi-targets', { method: 'PUT', body: { queueId: 'support', period: 'day', metric: 'serviceLevel', target: 0.8 }, token: agent.token }),
      api('/api/reports?from=2026-01-01&to=2026-01-02', { token: agent.token }),
      api('/api/analytics/customers?from=2026-01-01&to=2026-01-02', { token: agent.token }),
      api('/api/analytics/segments/recompute', { method: 'POST', token: agent.token }),
    ];
    for (const response of await Promise.all(refused)) expect(response).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await api('/api/supervisor/stats', { token: null })).toMatchObject({ status: 401 });

    const allowed = await api('/api/supervisor/stats');
    expect(allowed.status).toBe(200);
    expect(allowed.body.queues.map((q: { id: string }) => q.id)).toContain('support');
    expect(allowed.body.queues[0]).toHaveProperty('staffing.required');
    const paths = Object.keys((await api('/api/openapi.json')).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/supervisor/stats', '/api/supervisor/contacts/{id}/reassign', '/api/kpi-targets', '/api/reports']));
  });

  it('pushes the wallboard as a contact arrives, waits and is answered', async () => {
    const { chat, contactId, queueId } = await waitingChat();
    const waiting = await until(async () => stats.find((s) => s.queues.some((q) => q.id === queueId && q.waiting >= 1)), 10_000);
    const before = waiting.queues.find((q) => q.id === queueId)!;
    expect(before.longestWaitSeconds).toBeGreaterThanOrEqual(0);

    const offered = next(agentSocket, 'contact:offer', (offer: ContactOffer) => offer.contact.id === contactId, 15_000);
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const offer = await offered;
    expect(await call(agentSocket, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    const answered = await until(
      async () => stats.find((s) => s.queues.some((q) => q.id === queueId && q.waiting === 0 && q.answered > before.answered)),
      10_000,
    );
    const me = answered.agents.find((a) => a.id === agent.id)!;
    expect(me).toMatchObject({ activity: 'busy' });
    expect(me.contacts).toEqual([expect.objectContaining({ id: contactId, status: 'accepted', queue: queueId })]);
    expect(await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
    expect(await call(agentSocket, 'agent:state', { state: 'offline' })).toMatchObject({ ok: true });
    chat.close();
  });

  it('reassigns a waiting contact to another queue and to one agent, and audits both', async () => {
    const { chat, contactId, queueId } = await waitingChat();
    const target = queueId === 'billing' ? 'sales' : 'billing';
    expect(await api(`/api/supervisor/contacts/${contactId}/reassign`, { method: 'POST', body: { queueId: 'nowhere' } })).toMatchObject({ status: 404 });
    expect(await api(`/api/supervisor/contacts/${contactId}/reassign`, { method: 'POST', body: { queueId: target, note: 'Gjelder faktura' } })).toMatchObject({
      status: 200,
    });
    const moved = await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { events: true } });
    expect(moved).toMatchObject({ queueId: target, status: 'queued' });
    expect(moved.events.map((e) => e.type)).toContain('reassigned');
    expect(await auditOf('contact.reassign', contactId)).toMatchObject({ actorId: supervisor.id, entity: 'contact', data: { fromQueue: queueId, toQueue: target, note: 'Gjelder faktura' } });

    // An agent who serves no queue at all gets it, because the supervisor says so.
    const created = await api('/api/agents', {
      method: 'POST',
      token: (await login(hub.url, 'admin@demo.test', 'admin')).token,
      body: { email: 'floater@demo.test', name: 'Flo Floater', password: 'floater-pass', role: 'agent', queues: [] },
    });
    expect(created.status).toBe(201);
    const floaterSocket = await connect(hub.url, '/agent', { token: (await login(hub.url, 'floater@demo.test', 'floater-pass')).token });
    try {
      expect(await call(floaterSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
      const offered = next(floaterSocket, 'contact:offer', (offer: ContactOffer) => offer.contact.id === contactId, 15_000);
      expect(await api(`/api/supervisor/contacts/${contactId}/reassign`, { method: 'POST', body: { agentId: created.body.id } })).toMatchObject({ status: 200 });
      const offer = await offered;
      expect(offer.contact.id).toBe(contactId);
      expect(await auditOf('contact.reassign', contactId)).toMatchObject({ actorId: supervisor.id, data: { toAgentId: created.body.id, toAgentName: 'Flo Floater' } });
      expect(await call(floaterSocket, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });

      // Accepted now: no longer a waiting contact to move.
      expect(await api(`/api/supervisor/contacts/${contactId}/reassign`, { method: 'POST', body: { queueId: 'support' } })).toMatchObject({
        status: 409,
        body: { error: { code: 'CONFLICT' } },
      });
      expect(await call(floaterSocket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
    } finally {
      floaterSocket.close();
      chat.close();
    }
    expect(await api(`/api/supervisor/contacts/${contactId}/reassign`, { method: 'POST', body: { queueId: 'support', agentId: agent.id } })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
  });

  it("changes an agent's state and audits it", async () => {
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const told = next(agentSocket, 'agent:state', (payload: { state: string }) => payload.state === 'away');
    expect(await api(`/api/supervisor/agents/${agent.id}/state`, { method: 'POST', body: { state: 'away' } })).toMatchObject({ status: 200, body: { state: 'away' } });
    await told;
    expect(await auditOf('agent.state.set', agent.id)).toMatchObject({ actorId: supervisor.id, data: { from: 'available', to: 'away' } });
    expect(await api(`/api/supervisor/agents/${agent.id}/state`, { method: 'POST', body: { state: 'asleep' } })).toMatchObject({ status: 400 });
    expect(await api('/api/supervisor/agents/00000000-0000-4000-8000-000000000000/state', { method: 'POST', body: { state: 'away' } })).toMatchObject({ status: 404 });
    await call(agentSocket, 'agent:state', { state: 'offline' });
  });

  it('keeps KPI targets per queue and period, validated, and shows progress on the wallboard', async () => {
    expect(await api('/api/kpi-targets', { method: 'PUT', body: { queueId: 'support', period: 'quarter', metric: 'satisfaction', target: 9.5 } })).toMatchObject({ status: 200 });
    expect(await api('/api/kpi-targets', { method: 'PUT', body: { queueId: 'support', period: 'month', metric: 'satisfaction', target: 11 } })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^target: satisfaction must be between 1 and 10/) } },
    });
    expect(await api('/api/kpi-targets', { method: 'PUT', body: { queueId: 'nope', period: 'day', metric: 'serviceLevel', target: 0.8 } })).toMatchObject({ status: 404 });
    expect((await api('/api/kpi-targets')).body).toEqual([expect.objectContaining({ queueId: 'support', period: 'quarter', metric: 'satisfaction', target: 9.5 })]);
    const pushed = await until(async () => stats.find((s) => s.queues.find((q) => q.id === 'support')?.targets.some((t) => t.period === 'quarter')), 10_000);
    expect(pushed.queues.find((q) => q.id === 'support')!.targets[0]).toMatchObject({ metric: 'satisfaction', target: 9.5 });
    expect(await api('/api/kpi-targets/support/quarter/satisfaction', { method: 'DELETE' })).toMatchObject({ status: 200, body: { deleted: true } });
    expect(await auditOf('kpi-target.delete', 'support')).toMatchObject({ actorId: supervisor.id });
  });

  it('asks a chat customer for a rating in their language and stores it once', async () => {
    const { chat, contactId } = await waitingChat({ name: 'Mette', language: 'da' });
    const systemMessages = record<{ from: string; text: string }>(chat, 'message');
    const offered = next(agentSocket, 'contact:offer', (offer: ContactOffer) => offer.contact.id === contactId, 15_000);
    await call(agentSocket, 'agent:state', { state: 'available' });
    expect(await call(agentSocket, 'offer:accept', { offerId: (await offered).offerId })).toMatchObject({ ok: true });
    expect(await call(chat, 'rating', { score: 9 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
    await until(async () => systemMessages.find((m) => m.from === 'system' && m.text.includes('Hvor tilfreds')), 10_000);

    expect(await call(chat, 'rating', { score: 11 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(chat, 'rating', { score: 9 })).toEqual({ ok: true });
    expect(await call(chat, 'rating', { score: 3 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await hub.database.db.contactRating.findUnique({ where: { contactId } })).toMatchObject({ score: 9, source: 'chat' });
    // Another visitor cannot rate somebody else's conversation.
    const stranger = await customer({ name: 'Stranger' });
    expect(await call(stranger, 'rating', { score: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    stranger.close();
    await until(async () => stats.find((s) => s.queues.some((q) => q.satisfaction === 9)), 10_000);

    // A customer who ends the chat themselves is asked too, before the conversation closes on their side.
    const second = await customer({ name: 'Kari', language: 'nb' });
    const secondMessages = record<{ from: string; text: string }>(second, 'message');
    const secondOffer = next(agentSocket, 'contact:offer', () => true, 15_000);
    const sent = await call<{ ok: boolean; contactId: string }>(second, 'message', { text: 'Et spørsmål til' });
    expect(await call(agentSocket, 'offer:accept', { offerId: (await secondOffer).offerId })).toMatchObject({ ok: true });
    expect(await call(second, 'end', {})).toEqual({ ok: true });
    await until(async () => secondMessages.find((m) => m.from === 'system' && m.text.includes('Hvor fornøyd')), 10_000);
    expect(await call(second, 'rating', { score: 10 })).toEqual({ ok: true });
    expect(await hub.database.db.contactRating.findUnique({ where: { contactId: sent.contactId } })).toMatchObject({ score: 10 });
    await call(agentSocket, 'agent:state', { state: 'offline' });
    second.close();
    chat.close();
  });

  it('asks through a signed link for email and takes the rating on a page', async () => {
    const db = hub.database.db;
    const customer = await db.customer.findFirstOrThrow();
    const email = await db.contact.create({
      data: { channel: 'email', externalId: 'survey-mail-1', status: 'accepted', queueId: 'support', customerId: customer.id, language: 'en', fromAddress: 'kunde@example.no', agentId: agent.id, queuedAt: new Date(), acceptedAt: new Date() },
    });
    expect(await call(agentSocket, 'contact:end', { contactId: email.id, disposition: 'resolved' })).toEqual({ ok: true });
    const survey = await until(() => db.message.findFirst({ where: { contactId: email.id, author: 'system' } }));
    expect(survey.meta).toMatchObject({ automatic: true, survey: true });
    const link = /https?:\/\/\S+\/csat\/[\w.-]+/.exec(survey.text)?.[0];
    expect(survey.text).toContain('How satisfied are you');
    const path = new URL(link!).pathname;

    const page = await fetch(`${hub.url}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html.match(/<button type="submit" name="score"/g)).toHaveLength(10);

    const post = (score: string, target = path) =>
      fetch(`${hub.url}${target}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `score=${score}` });
    expect((await post('0')).status).toBe(400);
    const thanks = await post('8');
    expect(thanks.status).toBe(200);
    expect(await thanks.text()).toContain('Thank you for your feedback!');
    expect(await db.contactRating.findUnique({ where: { contactId: email.id } })).toMatchObject({ score: 8, source: 'link' });
    expect((await post('2')).status).toBe(409);
    expect(await (await fetch(`${hub.url}${path}`)).text()).toContain('You have already rated this contact');
    const forged = path.slice(0, -3) + (path.endsWith('aaa') ? 'bbb' : 'aaa');
    expect((await post('5', forged)).status).toBe(404);
  });

  it('refuses to listen in on anything but a connected call, and without voice', async () => {
    const db = hub.database.db;
    const voice = await db.contact.create({
      data: { channel: 'voice', externalId: 'CA-monitor-1', status: 'accepted', queueId: 'support', agentId: agent.id, queuedAt: new Date(), acceptedAt: new Date() },
    });
    const chat = await db.contact.create({ data: { channel: 'chat', externalId: 'monitor-chat-1', status: 'accepted', queueId: 'support', agentId: agent.id } });
    expect(await api(`/api/supervisor/contacts/${chat.id}/monitor`, { method: 'POST', body: { mode: 'listen' } })).toMatchObject({ status: 409 });
    expect(await api(`/api/supervisor/contacts/${voice.id}/monitor`, { method: 'POST', body: { mode: 'whisper' } })).toMatchObject({
      status: 503,
      body: { error: { code: 'CHANNEL_DISABLED' } },
    });
    expect(await api(`/api/supervisor/contacts/${voice.id}/monitor`, { method: 'POST', body: { mode: 'shout' } })).toMatchObject({ status: 400 });
    await db.contact.updateMany({ where: { id: { in: [voice.id, chat.id] } }, data: { status: 'ended', endedAt: new Date() } });
  });

  it('recomputes the ABC segments from revenue and shows the most profitable customers', async () => {
    const db = hub.database.db;
    const small = await db.customer.findFirstOrThrow({ where: { segment: 'C' }, orderBy: { revenue: 'asc' } });
    await db.customer.update({ where: { id: small.id }, data: { revenue: 1_000_000_000, currency: 'NOK' } });
    const recompute = await api('/api/analytics/segments/recompute', { method: 'POST' });
    expect(recompute).toMatchObject({ status: 200, body: { customers: await db.customer.count(), thresholds: { a: 0.8, b: 0.95 } } });
    expect(recompute.body.changed).toBeGreaterThan(0);
    expect(await db.customer.findUniqueOrThrow({ where: { id: small.id } })).toMatchObject({ segment: 'A' });
    expect(await db.auditLog.findFirst({ where: { action: 'segments.recompute' } })).toMatchObject({ actorId: supervisor.id });

    const today = new Date().toISOString().slice(0, 10);
    const analytics = await api(`/api/analytics/customers?from=${today}&to=${today}`);
    expect(analytics.status).toBe(200);
    expect(analytics.body.topCustomers).toHaveLength(10);
    expect(analytics.body.topCustomers[0]).toMatchObject({ id: small.id, segment: 'A' });
    const revenues = analytics.body.topCustomers.map((c: { revenueNok: number }) => c.revenueNok);
    expect(revenues).toEqual([...revenues].sort((a: number, b: number) => b - a));
    expect(analytics.body.contactReasons[0]).toMatchObject({ disposition: 'resolved' });
    expect(analytics.body.lastRecompute).toMatchObject({ result: { changed: recompute.body.changed } });
  });
});
