import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { AgentStatus, AwayReason, CannedAnswer, ContactOffer, InternalNote, PresenceReport } from '@sentral/contract';
import { call, connect, login, next, record, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

/** Away reasons, canned answers and internal notes through the hub's public REST and socket surface. */
describe('away reasons, canned answers and internal notes', () => {
  let hub: TestHub;
  let agent: { token: string; agent: { id: string; name: string } };
  let supervisor: { token: string };
  let agentSocket: Socket;
  const sockets: Socket[] = [];

  const api = async <T = unknown>(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  };

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    [agent, supervisor] = await Promise.all([login(hub.url, 'agent@demo.test', 'agent'), login(hub.url, 'supervisor@demo.test', 'supervisor')]);
    agentSocket = await connect(hub.url, '/agent', { token: agent.token });
    sockets.push(agentSocket);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await hub?.stop();
  });

  it('lets an agent go away for a configured reason, shows it on the wallboard and reports time per reason', async () => {
    const reasons = await api<AwayReason[]>(agent.token, 'GET', '/api/away-reasons');
    expect(reasons.status).toBe(200);
    expect(reasons.body.map((reason) => reason.code)).toEqual(expect.arrayContaining(['lunch', 'training', 'meeting', 'after-call-work']));
    expect(reasons.body.find((reason) => reason.code === 'lunch')?.labels).toEqual({ nb: 'Lunsj', da: 'Frokost', en: 'Lunch' });

    // Refused reasons change nothing.
    const before = await hub.database.db.agent.findUniqueOrThrow({ where: { id: agent.agent.id }, select: { state: true, stateSince: true } });
    expect(await call(agentSocket, 'agent:state', { state: 'away', reason: 'nap' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('reason') } });
    expect(await call(agentSocket, 'agent:state', { state: 'available', reason: 'lunch' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(agentSocket, 'agent:state', { state: 'away', reason: 'Lunch!' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await hub.database.db.agent.findUniqueOrThrow({ where: { id: agent.agent.id }, select: { state: true, stateSince: true } })).toEqual(before);

    const pushed = next<{ state: string; reason: string | null }>(agentSocket, 'agent:state', (payload) => payload.state === 'away');
    expect(await call(agentSocket, 'agent:state', { state: 'away', reason: 'lunch' })).toMatchObject({ ok: true, state: 'away', reason: 'lunch' });
    expect(await pushed).toMatchObject({ reason: 'lunch' });
    const stats = await api<{ agents: AgentStatus[] }>(supervisor.token, 'GET', '/api/supervisor/stats');
    expect(stats.body.agents.find((row) => row.id === agent.agent.id)).toMatchObject({ activity: 'away', reason: 'lunch' });
    const me = await api<{ agent: { awayReason: string | null } }>(agent.token, 'GET', '/api/me');
    expect(me.body.agent.awayReason).toBe('lunch');

    // A reason a supervisor adds is offered at once; agents cannot add reasons.
    expect((await api(agent.token, 'POST', '/api/away-reasons', { code: 'coaching', labels: { nb: 'Coaching', da: 'Coaching', en: 'Coaching' } })).status).toBe(403);
    expect((await api(supervisor.token, 'POST', '/api/away-reasons', { code: 'coaching', labels: { nb: 'Veiledning', da: '' } })).status).toBe(400);
    const created = await api<AwayReason>(supervisor.token, 'POST', '/api/away-reasons', { code: 'coaching', labels: { nb: 'Veiledning', da: 'Vejledning', en: 'Coaching' }, sortOrder: 45 });
    expect(created).toMatchObject({ status: 201, body: { code: 'coaching', active: true } });
    expect((await api(supervisor.token, 'POST', '/api/away-reasons', { code: 'coaching', labels: { nb: 'x', da: 'x', en: 'x' } })).status).toBe(409);

    // Some time on lunch, then a supervisor moves the agent to coaching, then the agent is back.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await api(supervisor.token, 'POST', `/api/supervisor/agents/${agent.agent.id}/state`, { state: 'away', reason: 'coaching' })).body).toMatchObject({ reason: 'coaching' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true, reason: null });

    // A retired reason is no longer accepted but still named in the report.
    expect((await api(supervisor.token, 'DELETE', '/api/away-reasons/coaching')).body).toEqual({ retired: true });
    expect((await api<AwayReason[]>(agent.token, 'GET', '/api/away-reasons')).body.some((reason) => reason.code === 'coaching')).toBe(false);
    expect(await call(agentSocket, 'agent:state', { state: 'away', reason: 'coaching' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });
    const report = await api<PresenceReport>(supervisor.token, 'GET', `/api/reports/presence?from=${today}&to=${today}`);
    expect(report.status).toBe(200);
    const mine = report.body.rows.filter((row) => row.agentId === agent.agent.id && row.state === 'away');
    const secondsFor = (reason: string) => mine.find((row) => row.reason === reason)?.seconds ?? 0;
    expect(secondsFor('lunch')).toBeGreaterThanOrEqual(1);
    expect(secondsFor('coaching')).toBeGreaterThanOrEqual(1);
    expect(secondsFor('lunch')).toBeLessThan(30);
    expect(report.body.reasons.map((row) => row.reason)).toEqual(expect.arrayContaining(['lunch', 'coaching']));
    expect((await api(agent.token, 'GET', `/api/reports/presence?from=${today}&to=${today}`)).status).toBe(403);
    expect((await api(supervisor.token, 'GET', '/api/reports/presence?from=2026-13-01&to=2026-01-01')).status).toBe(400);
  });

  it('keeps canned answers per language and queue, refuses unknown placeholders and searches them', async () => {
    expect((await api(agent.token, 'POST', '/api/canned-answers', { title: 'x', text: 'y' })).status).toBe(403);
    const typo = await api<{ error: { code: string; message: string } }>(supervisor.token, 'POST', '/api/canned-answers', { title: 'Hei', text: 'Hei {{customer.fristName}}!' });
    expect(typo).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('customer.fristName') } } });
    expect((await api(supervisor.token, 'POST', '/api/canned-answers', { title: 'Hei', text: 'Hei', queueId: 'no-such-queue' })).status).toBe(400);
    const countBefore = await hub.database.db.cannedAnswer.count();

    const created = await api<CannedAnswer>(supervisor.token, 'POST', '/api/canned-answers', {
      title: 'Returetikett',
      text: 'Hei {{customer.firstName}}, returetiketten er sendt. Hilsen {{agent.name}}',
      language: 'nb',
      queueId: 'support',
    });
    expect(created).toMatchObject({ status: 201, body: { language: 'nb', queueId: 'support' } });
    expect(await hub.database.db.cannedAnswer.count()).toBe(countBefore + 1);

    const forNbSupport = await api<CannedAnswer[]>(agent.token, 'GET', '/api/canned-answers?language=nb&queueId=support');
    expect(forNbSupport.body.some((answer) => answer.id === created.body.id)).toBe(true);
    expect(forNbSupport.body.every((answer) => (answer.language === 'nb' || answer.language === null) && (answer.queueId === 'support' || answer.queueId === null))).toBe(true);
    expect((await api<CannedAnswer[]>(agent.token, 'GET', '/api/canned-answers?language=da&queueId=support')).body.some((answer) => answer.id === created.body.id)).toBe(false);
    expect((await api<CannedAnswer[]>(agent.token, 'GET', '/api/canned-answers?language=nb&queueId=billing')).body.some((answer) => answer.id === created.body.id)).toBe(false);
    const searched = await api<CannedAnswer[]>(agent.token, 'GET', '/api/canned-answers?language=nb&q=RETURETIKETT');
    expect(searched.body.map((answer) => answer.id)).toEqual([created.body.id]);

    const updated = await api<CannedAnswer>(supervisor.token, 'PUT', `/api/canned-answers/${created.body.id}`, { queueId: null, title: 'Retur' });
    expect(updated.body).toMatchObject({ title: 'Retur', queueId: null, language: 'nb' });
    expect((await api(supervisor.token, 'PUT', `/api/canned-answers/${created.body.id}`, { text: '{{agent.email}}' })).status).toBe(400);
    expect((await api(supervisor.token, 'DELETE', `/api/canned-answers/${created.body.id}`)).body).toEqual({ deleted: true });
    expect((await api(supervisor.token, 'DELETE', `/api/canned-answers/${created.body.id}`)).status).toBe(404);
  });

  it('stores internal notes on the timeline for staff and never sends them to the chat customer', async () => {
    const email = (await hub.database.db.customerIdentity.findFirstOrThrow({ where: { kind: 'email' }, select: { value: true } })).value;
    const chat = await connect(hub.url, '/chat', { name: 'Kari Nordmann', email, language: 'nb' });
    sockets.push(chat);
    const customerMessages = record<{ from: string; text: string }>(chat, 'message');
    const customerEvents: string[] = [];
    chat.onAny((event: string, payload: unknown) => customerEvents.push(`${event}:${JSON.stringify(payload)}`));

    const offered = next<ContactOffer>(agentSocket, 'contact:offer');
    await call(agentSocket, 'agent:state', { state: 'available' });
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Hei, jeg vil returnere en vare' });
    const offer = await offered;
    expect(offer.contact.id).toBe(sent.contactId);
    expect(await call(agentSocket, 'contact:note', { contactId: sent.contactId, text: 'Tidlig notat' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call(agentSocket, 'offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });

    const secret = 'Kunden har fått kulanse før, sjekk med leder';
    const noteEvent = next<{ contactId: string; note: InternalNote }>(agentSocket, 'contact:note');
    const added = await call<{ ok: boolean; note: InternalNote }>(agentSocket, 'contact:note', { contactId: sent.contactId, text: secret });
    expect(added).toMatchObject({ ok: true, note: { contactId: sent.contactId, text: secret, author: { id: agent.agent.id } } });
    expect((await noteEvent).note.id).toBe(added.note.id);
    expect(await call(agentSocket, 'contact:note', { contactId: sent.contactId, text: '   ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(agentSocket, 'contact:note', { contactId: sent.contactId, text: 'x'.repeat(4_001) })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });

    // Another agent may neither add nor read notes on a contact that is not theirs; a supervisor may.
    const other = await api<{ id: string }>((await login(hub.url, 'admin@demo.test', 'admin')).token, 'POST', '/api/agents', {
      email: 'notes-other@demo.test',
      name: 'Ola Annen',
      password: 'another-password',
      role: 'agent',
      queues: ['support'],
    });
    expect(other.status).toBe(201);
    const otherToken = (await login(hub.url, 'notes-other@demo.test', 'another-password')).token;
    expect((await api(otherToken, 'POST', `/api/contacts/${sent.contactId}/notes`, { text: 'Sniking' })).status).toBe(403);
    expect((await api(otherToken, 'GET', `/api/contacts/${sent.contactId}/notes`)).status).toBe(403);
    expect((await api(supervisor.token, 'POST', `/api/contacts/${sent.contactId}/notes`, { text: 'Godkjent av leder' })).status).toBe(201);

    // The conversation goes on; the customer gets the agent's reply and never a note.
    const reply = next<{ from: string; text: string }>(chat, 'message', (message) => message.from === 'agent');
    await call(agentSocket, 'contact:send', { contactId: sent.contactId, text: 'Jeg ordner returen nå.' });
    expect((await reply).text).toBe('Jeg ordner returen nå.');
    expect(await call(agentSocket, 'contact:end', { contactId: sent.contactId, disposition: 'resolved' })).toEqual({ ok: true });
    await until(async () => customerEvents.some((event) => event.startsWith('ended:')));
    expect(customerMessages.map((message) => message.text).join('\n')).not.toContain('kulanse');
    expect(customerEvents.join('\n')).not.toMatch(/kulanse|Godkjent av leder/);
    const stored = await hub.database.db.message.findMany({ where: { contactId: sent.contactId } });
    expect(stored.some((message) => message.text.includes('kulanse') || message.text.includes('Godkjent'))).toBe(false);

    // Staff see the notes on the contact, its timeline and the customer's 360 view.
    const contact = await api<{ internalNotes: InternalNote[]; events: Array<{ type: string }> }>(agent.token, 'GET', `/api/contacts/${sent.contactId}`);
    expect(contact.body.internalNotes.map((note) => note.text)).toEqual([secret, 'Godkjent av leder']);
    expect(contact.body.events.filter((event) => event.type === 'noted')).toHaveLength(2);
    const customerId = (await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId }, select: { customerId: true } })).customerId!;
    const view = await api<{ timeline: Array<{ id: string; internalNotes: InternalNote[] }> }>(agent.token, 'GET', `/api/customers/${customerId}`);
    expect(view.body.timeline.find((entry) => entry.id === sent.contactId)?.internalNotes.map((note) => note.text)).toEqual([secret, 'Godkjent av leder']);
  });

  it('names queues per language, says whether voice is configured and serves a favicon', async () => {
    const queues = await api<Array<{ id: string; displayNames: Record<string, string> }>>(agent.token, 'GET', '/api/queues');
    expect(queues.body.find((queue) => queue.id === 'support')?.displayNames).toEqual({ nb: 'Kundeservice', da: 'Kundeservice', en: 'Customer service' });
    const admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    expect((await api(supervisor.token, 'PUT', '/api/queues/billing/display-names', { en: 'Invoices' })).status).toBe(403);
    expect((await api(admin, 'PUT', '/api/queues/billing/display-names', { en: '' })).status).toBe(400);
    expect((await api(admin, 'PUT', '/api/queues/nowhere/display-names', { en: 'Nowhere' })).status).toBe(404);
    const renamed = await api(admin, 'PUT', '/api/queues/billing/display-names', { nb: 'Faktura', da: 'Regninger', en: 'Invoices' });
    expect(renamed.body).toMatchObject({ id: 'billing', name: 'Faktura', displayNames: { nb: 'Faktura', da: 'Regninger', en: 'Invoices' } });
    expect(await api(agent.token, 'GET', '/api/voice/status')).toEqual({ status: 200, body: { configured: false } });
    const icon = await fetch(`${hub.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
    const paths = Object.keys((await api<{ paths: Record<string, unknown> }>(null, 'GET', '/api/openapi.json')).body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/away-reasons', '/api/away-reasons/{code}', '/api/reports/presence', '/api/canned-answers', '/api/canned-answers/{id}', '/api/contacts/{id}/notes', '/api/voice/status', '/api/queues/{id}/display-names']),
    );
  });
});
