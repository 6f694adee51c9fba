import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

describe('bad input gets a clear error and changes nothing', () => {
  let hub: TestHub;
  const counts = async () => ({
    contacts: await hub.database.db.contact.count(),
    messages: await hub.database.db.message.count(),
    customers: await hub.database.db.customer.count(),
  });

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('refuses malformed, wrong-typed, oversized and unknown chat events with ack errors and stores nothing', async () => {
    const before = await counts();
    const chat = await connect(hub.url, '/chat', { name: 'Mallory' });
    expect(await call(chat, 'message', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('text') } });
    expect(await call(chat, 'message', { text: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('text') } });
    expect(await call(chat, 'message', { text: '   ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(chat, 'message', { text: 'x'.repeat(1_000_000) })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('text') } });
    expect(await call(chat, 'message', { text: 'hei', extra: true })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(chat, 'transfer', { to: 'everyone' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
    expect(chat.connected).toBe(true);
    chat.close();
    expect(await counts()).toEqual(before);
  });

  it('refuses a chat handshake with a malformed email', async () => {
    await expect(connect(hub.url, '/chat', { email: 'not-an-email' })).rejects.toMatchObject({ data: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses agent sockets without a valid token', async () => {
    await expect(connect(hub.url, '/agent', {})).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    await expect(connect(hub.url, '/agent', { token: 'forged.token.value' })).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    const { token } = await login(hub.url, 'agent@demo.test', 'agent');
    await expect(connect(hub.url, '/supervisor', { token })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });

  it('answers a wrong password with 401 and a missing field with 400 naming it', async () => {
    const wrong = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@demo.test', password: 'guess' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'wrong email or password' } });
    const missing = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent@demo.test' }) });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('password') } });
    const broken = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(broken.status).toBe(400);
  });

  it('validates customer writes, names the bad field and keeps agents out', async () => {
    const admin = await login(hub.url, 'admin@demo.test', 'admin');
    const agent = await login(hub.url, 'agent@demo.test', 'agent');
    const before = await counts();
    const post = (token: string, body: unknown) =>
      fetch(`${hub.url}/api/customers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const badPhone = await post(admin.token, { name: 'Ola Nordmann', phones: ['not a number'] });
    expect(badPhone.status).toBe(400);
    expect(await badPhone.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('phones.0') } });
    const badType = await post(admin.token, { name: 'Ola Nordmann', creditScore: 'high' });
    expect(badType.status).toBe(400);
    expect(await badType.json()).toMatchObject({ error: { message: expect.stringContaining('creditScore') } });
    const forbidden = await post(agent.token, { name: 'Ola Nordmann' });
    expect(forbidden.status).toBe(403);
    const anonymous = await fetch(`${hub.url}/api/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(anonymous.status).toBe(401);
    expect(await counts()).toEqual(before);

    const created = await post(admin.token, {
      externalId: 'ERP-TEST-1',
      name: 'Ola Nordmann',
      phones: ['912 34 567'],
      emails: ['Ola@Example.NO'],
      orders: [{ number: 'T-1', status: 'shipped', total: 1200, placedAt: '2026-11-01', expectedDelivery: '2026-11-26' }],
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; identities: Array<{ kind: string; value: string }> };
    expect(body.identities).toEqual(expect.arrayContaining([{ kind: 'phone', value: '+4791234567', verified: false }, { kind: 'email', value: 'ola@example.no', verified: false }]));
    const again = await post(admin.token, { externalId: 'ERP-TEST-1', name: 'Ola Nordmann', creditScore: 700 });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(body.id);
  });

  it("refuses an agent acting on another agent's contact", async () => {
    const admin = await login(hub.url, 'admin@demo.test', 'admin');
    const createAgent = async (email: string) => {
      const response = await fetch(`${hub.url}/api/agents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ email, name: email.split('@')[0], password: 'long-enough-password', role: 'agent', queues: ['support'], capacity: { chat: 2 } }),
      });
      expect(response.status).toBe(201);
    };
    await createAgent('owner@example.test');
    await createAgent('intruder@example.test');
    const owner = await login(hub.url, 'owner@example.test', 'long-enough-password');
    const intruder = await login(hub.url, 'intruder@example.test', 'long-enough-password');
    const ownerSocket: Socket = await connect(hub.url, '/agent', { token: owner.token });
    const intruderSocket: Socket = await connect(hub.url, '/agent', { token: intruder.token });
    await call(ownerSocket, 'agent:state', { state: 'available' });

    const offer = next(ownerSocket, 'contact:offer');
    const chat = await connect(hub.url, '/chat', { name: 'Kunde', queue: 'support' });
    const sent = await call<{ contactId: string }>(chat, 'message', { text: 'Hjelp' });
    const { offerId } = await offer;
    expect(await call(intruderSocket, 'offer:accept', { offerId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(ownerSocket, 'offer:accept', { offerId })).toMatchObject({ ok: true });
    expect(await call(intruderSocket, 'contact:send', { contactId: sent.contactId, text: 'I am not your agent' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call(intruderSocket, 'contact:end', { contactId: sent.contactId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const peek = await fetch(`${hub.url}/api/contacts/${sent.contactId}`, { headers: { authorization: `Bearer ${intruder.token}` } });
    expect(peek.status).toBe(403);
    expect(await call(intruderSocket, 'contact:send', { contactId: 'not-a-uuid', text: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(intruderSocket, 'contact:steal', { contactId: sent.contactId })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });

    const contact = await hub.database.db.contact.findUniqueOrThrow({ where: { id: sent.contactId }, include: { messages: true } });
    expect(contact.status).toBe('accepted');
    expect(contact.messages.map((m) => m.author)).toEqual(['customer']);
    await call(ownerSocket, 'contact:end', { contactId: sent.contactId, disposition: 'resolved' });
    await until(async () => (await hub.database.db.contact.findUnique({ where: { id: sent.contactId } }))?.status === 'ended');
    for (const socket of [ownerSocket, intruderSocket, chat]) socket.close();
  });
});
