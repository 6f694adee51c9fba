import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { scheduleRetention } from '../services/hub/src/integration/data-rights.ts';
import { createLogger } from '../services/hub/src/logger.ts';

const NAME = 'Sigrid Ødegård';
const EMAIL = 'sigrid.odegard@example.test';
const PHONE = '+4798765432';
const SECRET_TEXT = 'Mitt kortnummer er 4111';

describe("the customer's data rights", () => {
  let hub: TestHub;
  let admin: string;
  let agentSocket: Socket;
  let customerId: string;
  let contactId: string;
  let eraseKey: string;

  const get = async <T = any>(path: string, auth: Record<string, string> = { authorization: `Bearer ${admin}` }) => {
    const response = await fetch(`${hub.url}${path}`, { headers: auth });
    return { status: response.status, body: (await response.json()) as T, text: '' };
  };
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    agentSocket = await connect(hub.url, '/agent', { token: agentToken });
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
    const created = await fetch(`${hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: 'GDPR-1', name: NAME, emails: [EMAIL], phones: [PHONE], orders: [{ number: 'GDPR-ORD-1', status: 'open', total: 10, placedAt: '2026-12-01' }] }),
    });
    customerId = ((await created.json()) as { id: string }).id;

    // One whole conversation: identified by email, messages both ways, ended.
    const offered = next(agentSocket, 'contact:offer');
    const chat = await connect(hub.url, '/chat', { name: 'Sigrid', email: EMAIL, language: 'nb' });
    contactId = (await call<{ contactId: string }>(chat, 'message', { text: SECRET_TEXT })).contactId;
    const offer = await offered;
    await call(agentSocket, 'offer:accept', { offerId: offer.offerId });
    await call(agentSocket, 'contact:send', { contactId, text: `Hei ${NAME}, vi ser på det.` });
    await call(agentSocket, 'contact:end', { contactId, disposition: 'resolved' });
    chat.close();
    const message = await hub.database.db.message.findFirstOrThrow({ where: { contactId } });
    await hub.database.db.attachment.create({
      data: { contactId, messageId: message.id, filename: 'pass.pdf', contentType: 'application/pdf', size: 3, sha256: 'abc', content: Buffer.from('pdf') },
    });
    const key = await fetch(`${hub.url}/api/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'privacy desk', scopes: ['customers:erase'] }),
    });
    eraseKey = ((await key.json()) as { key: string }).key;
  });

  afterAll(async () => {
    agentSocket?.close();
    await hub?.stop();
  });

  it('exports everything about the customer as one document', async () => {
    const exported = await get(`/api/customers/${customerId}/export`, { 'x-api-key': eraseKey });
    expect(exported.status).toBe(200);
    const document = exported.body;
    expect(document.customer).toMatchObject({ id: customerId, name: NAME, externalId: 'GDPR-1' });
    expect(document.identities.map((identity: { value: string }) => identity.value).sort()).toEqual([PHONE, EMAIL].sort());
    expect(document.orders[0]).toMatchObject({ number: 'GDPR-ORD-1' });
    const contact = document.contacts.find((c: { id: string }) => c.id === contactId);
    expect(contact.messages.map((m: { text: string }) => m.text)).toContain(SECRET_TEXT);
    expect(contact.attachments).toEqual([expect.objectContaining({ filename: 'pass.pdf', size: 3 })]);
    expect(contact.timeline.map((event: { type: string }) => event.type)).toContain('accepted');
    expect(contact.routing.decisions.length).toBeGreaterThan(0);
    expect(contact).toHaveProperty('rating');
    // Agents may not export.
    const agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    expect((await get(`/api/customers/${customerId}/export`, { authorization: `Bearer ${agentToken}` })).status).toBe(403);
  });

  it('erases the customer for good, leaving anonymous contacts that statistics still count', async () => {
    const before = (await get(`/api/reports?from=${today}&to=${today}&by=queue`)).body.overall;
    const erased = await fetch(`${hub.url}/api/customers/${customerId}/erase`, { method: 'POST', headers: { 'x-api-key': eraseKey } });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ id: customerId, erased: true, contacts: 1, attachments: 1 });

    const leaks = (text: string) => [NAME, EMAIL, PHONE, 'Sigrid', 'odegard', '98765432', SECRET_TEXT].filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));
    for (const query of [NAME, EMAIL, PHONE, 'GDPR-1']) {
      expect((await get(`/api/customers?query=${encodeURIComponent(query)}`)).body).toEqual([]);
    }
    const view = await get(`/api/customers/${customerId}`);
    expect(leaks(JSON.stringify(view.body))).toEqual([]);
    const exported = await get(`/api/customers/${customerId}/export`);
    expect(exported.body.customer.name).toBe('[erased]');
    expect(leaks(JSON.stringify(exported.body))).toEqual([]);
    const contact = await get(`/api/contacts/${contactId}`);
    expect(leaks(JSON.stringify(contact.body))).toEqual([]);
    expect(leaks(JSON.stringify((await get('/api/audit?limit=500')).body))).toEqual([]);
    const offers = await hub.database.db.offer.findMany({ where: { contactId } });
    expect(leaks(JSON.stringify(offers))).toEqual([]);

    // The statistics are unchanged: the contact still counts, only nobody can tell whose it was.
    expect((await get(`/api/reports?from=${today}&to=${today}&by=queue`)).body.overall).toEqual(before);
    expect(await hub.database.db.contact.count({ where: { id: contactId, customerId } })).toBe(1);

    // The same address writing again is a stranger now: the pop has no customer.
    const offered = next(agentSocket, 'contact:offer');
    const chat = await connect(hub.url, '/chat', { name: 'Ny', email: EMAIL, language: 'nb' });
    await call(chat, 'message', { text: 'Hei igjen' });
    const offer = await offered;
    expect(offer.screenPop.customer).toBeNull();
    chat.close();
  });

  it('audits exports and erasures, newest first, filterable', async () => {
    const erasures = await get<Array<{ action: string; entityId: string; data: Record<string, unknown> }>>(`/api/audit?action=customer.erase&entity=customer`);
    expect(erasures.body).toEqual([expect.objectContaining({ action: 'customer.erase', entityId: customerId, data: expect.objectContaining({ via: 'api-key' }) })]);
    const all = (await get<Array<{ id: number; at: string }>>(`/api/audit?limit=50`)).body;
    expect(all.map((row) => row.id)).toEqual(all.map((row) => row.id).sort((a, b) => b - a));
    const since = (await get<unknown[]>(`/api/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body;
    expect(since).toEqual([]);
    expect((await get(`/api/audit?actor=not-a-uuid`)).status).toBe(400);
    expect((await get(`/api/audit`, { 'x-api-key': eraseKey })).status).toBe(403);
  });

  it('removes message bodies and attachments past the retention period', async () => {
    const { db } = hub.database;
    const old = await db.contact.findFirstOrThrow({ where: { status: 'ended', messages: { some: {} }, NOT: { id: contactId } }, include: { messages: true } }).catch(() => null);
    const target = old ?? (await db.contact.findFirstOrThrow({ where: { id: contactId }, include: { messages: true } }));
    const message = target.messages[0]!;
    await db.message.update({ where: { id: message.id }, data: { text: 'gammel melding', createdAt: new Date(Date.now() - 40 * 86_400_000) } });
    await db.attachment.create({ data: { contactId: target.id, messageId: message.id, filename: 'old.pdf', contentType: 'application/pdf', size: 3, sha256: 'def', content: Buffer.from('old'), createdAt: new Date(Date.now() - 40 * 86_400_000) } });
    const fresh = await db.attachment.create({ data: { contactId: target.id, messageId: message.id, filename: 'new.pdf', contentType: 'application/pdf', size: 3, sha256: 'ghi', content: Buffer.from('new') } });
    const retention = scheduleRetention({ db, days: 30, logger: createLogger('silent') });
    try {
      // It also runs once when scheduled; a second run finds nothing left to remove.
      await retention.runOnce();
      expect(await retention.runOnce()).toEqual({ messages: 0, attachments: 0 });
    } finally {
      retention.stop();
    }
    expect((await db.message.findUniqueOrThrow({ where: { id: message.id } })).text).toBe('');
    expect(await db.attachment.count({ where: { filename: 'old.pdf' } })).toBe(0);
    expect(await db.attachment.count({ where: { id: fresh.id } })).toBe(1);
  });
});
