import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

/** The server side of the agent desktop: wrap-up after the end, typing, and linking unknown customers. */
describe('the agent desktop API', () => {
  let hub: TestHub;
  let agentSocket: Socket;
  let token: string;

  const api = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const response = await fetch(`${hub.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  /** A chat from a new visitor, offered to and accepted by the demo agent. */
  async function acceptedChat(auth: Record<string, unknown>, text: string) {
    const chat = await connect(hub.url, '/chat', auth);
    const offered = next(agentSocket, 'contact:offer');
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text });
    const offer = await offered;
    expect(offer.contact.id).toBe(sent.contactId);
    const accepted = await call<{ ok: boolean; contact: Record<string, unknown> }>(agentSocket, 'offer:accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);
    return { chat, contactId: sent.contactId, accepted: accepted.contact };
  }

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres', env: { DISPOSITION_CODES: 'resolved,follow-up,churn-risk', WRAP_UP_SECONDS: '45' } });
    token = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    agentSocket = await connect(hub.url, '/agent', { token });
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    agentSocket?.close();
    await hub?.stop();
  });

  it('serves the configured dispositions and wrap-up time', async () => {
    expect(await api('/api/wrap-up')).toEqual({ status: 200, body: { dispositions: ['resolved', 'follow-up', 'churn-risk'], wrapUpSeconds: 45 } });
    expect((await fetch(`${hub.url}/api/wrap-up`)).status).toBe(401);
  });

  it('lists colleagues to transfer to, without their contact details', async () => {
    const { status, body } = await api('/api/colleagues');
    expect(status).toBe(200);
    const profile = (await api('/api/me')).body.agent;
    expect(profile.capacity).toEqual({ voice: 1, chat: 3, email: 2, fax: 2 });
    const me = profile.id;
    expect(body.map((c: { id: string }) => c.id)).not.toContain(me);
    expect(body.find((c: { name: string }) => c.name === 'Demo Supervisor')).toMatchObject({ role: 'supervisor', state: 'offline' });
    for (const colleague of body) expect(Object.keys(colleague).sort()).toEqual(['id', 'name', 'queues', 'role', 'state']);
  });

  it('passes the visitor typing on to the agent and gives the desktop what it shows on a tab', async () => {
    const { chat, contactId, accepted } = await acceptedChat({ name: 'Synne Typist' }, 'Hei');
    expect(accepted).toMatchObject({ id: contactId, displayName: 'Synne Typist', channel: 'chat', endedAt: null });
    expect(typeof accepted['acceptedAt']).toBe('string');

    const typing = next(agentSocket, 'contact:typing', (p: { contactId: string }) => p.contactId === contactId);
    chat.emit('typing', { typing: true });
    expect(await typing).toEqual({ contactId, typing: true });
    const stopped = next(agentSocket, 'contact:typing', (p: { contactId: string; typing: boolean }) => p.contactId === contactId && !p.typing);
    chat.emit('typing', { typing: false });
    expect(await stopped).toEqual({ contactId, typing: false });

    expect(await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' })).toEqual({ ok: true });
    chat.close();
  });

  it('lets the agent wrap up a conversation the customer ended, and restores the wrap-up after a reconnect', async () => {
    const { chat, contactId } = await acceptedChat({ name: 'Leif Leaving' }, 'Jeg må gå snart');
    const early = await call<{ ok: boolean; error: { code: string } }>(agentSocket, 'contact:wrap-up', { contactId, disposition: 'resolved' });
    expect(early).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const ended = next(agentSocket, 'contact:ended', (p: { contactId: string }) => p.contactId === contactId);
    await call(chat, 'end', {});
    expect(await ended).toEqual({ contactId, by: 'customer' });
    chat.close();

    const me = await api('/api/me');
    expect(me.body.contacts.map((c: { id: string }) => c.id)).not.toContain(contactId);
    const waiting = me.body.wrapUps.find((c: { id: string }) => c.id === contactId);
    expect(waiting).toMatchObject({ channel: 'chat', displayName: 'Leif Leaving' });
    expect(typeof waiting.endedAt).toBe('string');
    expect(waiting.messages.map((m: { text: string }) => m.text)).toContain('Jeg må gå snart');

    const unknown = await call<{ ok: boolean; error: { code: string; message: string } }>(agentSocket, 'contact:wrap-up', { contactId, disposition: 'sale' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(unknown.error.message).toMatch(/^disposition:/);
    expect(await call(agentSocket, 'contact:wrap-up', { contactId, disposition: 'follow-up', notes: 'Ring tilbake fredag' })).toEqual({ ok: true });

    expect((await api('/api/me')).body.wrapUps.map((c: { id: string }) => c.id)).not.toContain(contactId);
    const stored = await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(stored).toMatchObject({ status: 'ended', disposition: 'follow-up', notes: 'Ring tilbake fredag' });
    expect(stored.events.map((e) => e.type).slice(-2)).toEqual(['ended', 'wrapped-up']);
  });

  it('refuses a wrap-up of somebody else’s contact', async () => {
    const admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const created = await api('/api/agents', {
      method: 'POST',
      token: admin,
      body: { email: 'other@demo.test', name: 'Other Agent', password: 'other-password', role: 'agent', queues: [] },
    });
    expect(created.status).toBe(201);
    const otherToken = (await login(hub.url, 'other@demo.test', 'other-password')).token;
    const other = await connect(hub.url, '/agent', { token: otherToken });
    const { chat, contactId } = await acceptedChat({ name: 'Mona Mine' }, 'Hallo');
    await call(agentSocket, 'contact:end', { contactId });
    const refused = await call<{ ok: boolean; error: { code: string } }>(other, 'contact:wrap-up', { contactId, disposition: 'resolved' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const link = await api(`/api/contacts/${contactId}/customer`, { method: 'POST', token: otherToken, body: { customer: { name: 'Intruder' } } });
    expect(link.status).toBe(403);
    other.close();
    chat.close();
  });

  it('links an unknown chat to a new customer, and the next chat from that browser is recognised', async () => {
    const visitorId = 'visitor-link-0001';
    const { chat, contactId, accepted } = await acceptedChat({ name: 'Nina Ny', visitorId }, 'Hei, jeg er ny her');
    expect(accepted['customerId']).toBeNull();

    const invalid = await api(`/api/contacts/${contactId}/customer`, { method: 'POST', body: {} });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/^customerId:/);

    const linked = await api(`/api/contacts/${contactId}/customer`, {
      method: 'POST',
      body: { customer: { name: 'Nina Ny', email: 'nina.ny@example.test', phone: '+47 912 34 567' } },
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ name: 'Nina Ny' });
    expect(linked.body.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'email', value: 'nina.ny@example.test' }),
        expect.objectContaining({ kind: 'phone', value: '+4791234567' }),
        expect.objectContaining({ kind: 'chat', value: visitorId, verified: false }),
      ]),
    );
    expect(linked.body.timeline.map((c: { id: string }) => c.id)).toContain(contactId);

    await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' });
    chat.close();

    const again = await connect(hub.url, '/chat', { visitorId });
    const offered = next(agentSocket, 'contact:offer');
    await call(again, 'message', { text: 'Det er meg igjen' });
    const offer = await offered;
    expect(offer.screenPop.customer).toMatchObject({ id: linked.body.id, name: 'Nina Ny' });
    expect(offer.screenPop.identification.method).toBe('chat');
    expect(offer.screenPop.timeline[0]).toMatchObject({ contactId, disposition: 'resolved' });
    await call(again, 'end', {});
    again.close();
  });

  it('links a contact to an existing customer found by search', async () => {
    const { chat, contactId } = await acceptedChat({ name: 'Ukjent' }, 'Hei');
    const existing = await hub.database.db.customer.findFirstOrThrow({ orderBy: { name: 'asc' } });
    const linked = await api(`/api/contacts/${contactId}/customer`, { method: 'POST', body: { customerId: existing.id } });
    expect(linked.status).toBe(200);
    expect(linked.body.id).toBe(existing.id);
    expect((await hub.database.db.contact.findUniqueOrThrow({ where: { id: contactId } })).customerId).toBe(existing.id);
    expect((await api(`/api/contacts/${contactId}/customer`, { method: 'POST', body: { customerId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' });
    chat.close();
  });
});
