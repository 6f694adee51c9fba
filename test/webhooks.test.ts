import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { Webhook } from 'standardwebhooks';
import { refuseUrl } from '../services/hub/src/integration/outbound-http.ts';

interface Endpoint {
  id: string;
  secret: string;
}

interface Delivery {
  id: string;
  type: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  eventId: string;
}

describe('outbound event webhooks', () => {
  let hub: TestHub;
  let admin: string;
  let agentSocket: Socket;
  const receivers: Receiver[] = [];

  const api = async <T = unknown>(method: string, path: string, body?: unknown, auth: { token?: string; key?: string } = { token: admin }) => {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
        ...(auth.key ? { 'x-api-key': auth.key } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  async function receiver(mode?: Receiver['mode']): Promise<Receiver> {
    const started = await startReceiver(mode);
    receivers.push(started);
    return started;
  }

  async function endpoint(url: string, events: string[]): Promise<Endpoint> {
    const created = await api<Endpoint>('POST', '/api/webhooks/endpoints', { url, events, description: 'test receiver' });
    expect(created.status).toBe(201);
    return created.body;
  }

  let customerCount = 0;
  async function customerEvent(): Promise<string> {
    customerCount += 1;
    const created = await api<{ id: string }>('POST', '/api/customers', { externalId: `WH-${customerCount}-${Date.now()}`, name: `Webhook Kunde ${customerCount}` });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  const deliveries = async (endpointId: string) => (await api<Delivery[]>('GET', `/api/webhooks/endpoints/${endpointId}/deliveries?limit=500`)).body;

  beforeAll(async () => {
    hub = await startTestHub({
      backend: 'redis',
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: '300,500,800,1000,1500,2000,3000',
        WEBHOOK_TIMEOUT_MS: '1500',
        WEBHOOK_RELAY_MS: '50',
      },
    });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    agentSocket = await connect(hub.url, '/agent', { token: agentToken });
    expect(await call(agentSocket, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    agentSocket?.close();
    for (const started of receivers) await started.close();
    await hub?.stop();
  });

  it("delivers a chat contact's whole life as signed events, numbered in sequence", async () => {
    const sink = await receiver();
    const hook = await endpoint(sink.url, ['contact.created', 'contact.queued', 'contact.offered', 'contact.accepted', 'contact.ended']);
    const chat = await connect(hub.url, '/chat', { name: 'Kari', language: 'nb' });
    const offered = next(agentSocket, 'contact:offer');
    const sent = await call<{ ok: boolean; contactId: string }>(chat, 'message', { text: 'Hei, hvor er pakken min?', clientMessageId: 'w1' });
    const offer = await offered;
    expect((await call<{ ok: boolean }>(agentSocket, 'offer:accept', { offerId: offer.offerId })).ok).toBe(true);
    expect(await call(agentSocket, 'contact:end', { contactId: sent.contactId, disposition: 'resolved' })).toEqual({ ok: true });
    chat.close();

    const events = await until(async () => {
      const mine = sink.verified(hook.secret).filter((event) => event.data['contactId'] === sent.contactId);
      return mine.some((event) => event.type === 'contact.ended') && mine.length >= 5 ? mine : null;
    });
    const inOrder = [...events].sort((a, b) => a.data.sequence - b.data.sequence);
    expect(inOrder.map((event) => event.type)).toEqual(['contact.created', 'contact.queued', 'contact.offered', 'contact.accepted', 'contact.ended']);
    expect(inOrder.map((event) => event.data.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(inOrder.at(-1)!.data).toMatchObject({ contactId: sent.contactId, channel: 'chat', status: 'ended' });
    for (const entry of sink.received) {
      expect(entry.headers['webhook-id']).toMatch(/^msg_\d+$/);
      expect(Number(entry.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
    }
    // A changed body, or another endpoint's secret, does not verify.
    const genuine = sink.received[0]!;
    const forgedBody = genuine.body.replace('"contact.', '"customer.');
    expect(forgedBody).not.toBe(genuine.body);
    expect(() => new Webhook(hook.secret).verify(forgedBody, genuine.headers as Record<string, string>)).toThrow(/./);
    expect(() => new Webhook(`whsec_${Buffer.from('another-secret-another-secret-00').toString('base64')}`).verify(genuine.body, genuine.headers as Record<string, string>)).toThrow(/./);

    const log = await deliveries(hook.id);
    expect(log.filter((row) => row.status === 'succeeded').length).toBeGreaterThanOrEqual(5);
    for (const row of log) expect(row).toMatchObject({ responseCode: 200, attempts: 1 });
    expect(log[0]!.latencyMs).toEqual(expect.any(Number));
  });

  it('delivers everything to a receiver that was down once it is back, and clears its failing flag', async () => {
    const sink = await receiver({ kind: 'status', status: 503 });
    const hook = await endpoint(sink.url, ['customer.created']);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await customerEvent());
    await until(async () => (await deliveries(hook.id)).filter((row) => row.attempts >= 2).length === 5);
    const failing = (await api<{ failingSince: string | null }>('GET', `/api/webhooks/endpoints/${hook.id}`)).body;
    expect(failing.failingSince).toEqual(expect.any(String));

    sink.mode = { kind: 'ok' };
    const events = await until(async () => {
      const got = sink.verified(hook.secret);
      return ids.every((id) => got.some((event) => event.data['customerId'] === id)) ? got : null;
    }, 20_000);
    expect(events.every((event) => event.type === 'customer.created')).toBe(true);
    await until(async () => (await api<{ failingSince: string | null }>('GET', `/api/webhooks/endpoints/${hook.id}`)).body.failingSince === null);
    expect((await deliveries(hook.id)).every((row) => row.status === 'succeeded')).toBe(true);
  });

  it('waits as long as a 429 says, and disables an endpoint that answers 410', async () => {
    const busy = await receiver((request) => (request === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '2' } } : { kind: 'ok' }));
    const busyHook = await endpoint(busy.url, ['customer.created']);
    await customerEvent();
    await until(async () => busy.received.some((entry) => entry.status === 200), 15_000);
    const [refused, accepted] = busy.received;
    // The schedule alone would have retried after about 300 ms.
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(1900);
    expect(accepted!.headers['webhook-id']).toBe(refused!.headers['webhook-id']);
    await until(async () => (await deliveries(busyHook.id))[0]?.status === 'succeeded');
    expect((await deliveries(busyHook.id))[0]).toMatchObject({ attempts: 2, responseCode: 200 });

    const gone = await receiver({ kind: 'status', status: 410 });
    const goneHook = await endpoint(gone.url, ['customer.created']);
    await customerEvent();
    await until(async () => !(await api<{ enabled: boolean }>('GET', `/api/webhooks/endpoints/${goneHook.id}`)).body.enabled);
    expect((await api('GET', `/api/webhooks/endpoints/${goneHook.id}`)).body).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const seen = gone.received.length;
    await customerEvent();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gone.received.length).toBe(seen);
    expect(await hub.database.db.auditLog.count({ where: { action: 'webhook.endpoint.disabled', entityId: goneHook.id } })).toBe(1);
  });

  it('keeps a live endpoint fast while another hangs', async () => {
    const dead = await receiver({ kind: 'hang' });
    const live = await receiver();
    const deadHook = await endpoint(dead.url, ['customer.created']);
    const liveHook = await endpoint(live.url, ['customer.created']);
    const sentAt = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const id = await customerEvent();
      sentAt.set(id, Date.now());
    }
    const events = await until(async () => {
      const got = live.verified(liveHook.secret).filter((event) => sentAt.has(String(event.data['customerId'])));
      return got.length === 20 ? got : null;
    }, 15_000);
    const arrival = new Map(live.received.map((entry) => [String((JSON.parse(entry.body) as { data: { customerId: string } }).data.customerId), entry.at]));
    const lags = events.map((event) => arrival.get(String(event.data['customerId']))! - sentAt.get(String(event.data['customerId']))!);
    expect(Math.max(...lags)).toBeLessThan(1500);
    // Meanwhile the hanging endpoint holds at most its share of connections.
    expect(dead.received.length).toBe(0);
    expect((await deliveries(deadHook.id)).some((row) => row.status === 'pending')).toBe(true);
    await api('DELETE', `/api/webhooks/endpoints/${deadHook.id}`);
  });

  it('disables an endpoint that has failed for days, and tells the admins', async () => {
    const sink = await receiver({ kind: 'status', status: 500 });
    const hook = await endpoint(sink.url, ['customer.created']);
    await hub.database.db.webhookEndpoint.update({ where: { id: hook.id }, data: { failingSince: new Date(Date.now() - 6 * 86_400_000) } });
    await customerEvent();
    await until(async () => (await api<{ disabledReason: string | null }>('GET', `/api/webhooks/endpoints/${hook.id}`)).body.disabledReason === 'failing');
    const told = await hub.database.db.auditLog.findFirstOrThrow({ where: { action: 'webhook.endpoint.disabled', entityId: hook.id } });
    expect(told.data).toMatchObject({ reason: 'failing' });
    // Enabling it again clears the flag.
    expect((await api('PUT', `/api/webhooks/endpoints/${hook.id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await api('DELETE', `/api/webhooks/endpoints/${hook.id}`);
  });

  it('redelivers on request with the same webhook-id, and signs with both secrets for a day after rotation', async () => {
    const sink = await receiver();
    const hook = await endpoint(sink.url, ['customer.updated']);
    const customerId = await customerEvent();
    await hub.database.db.customer.update({ where: { id: customerId }, data: { name: 'Endret Navn' } });
    await until(async () => sink.received.length === 1);
    const [delivery] = await deliveries(hook.id);
    const again = await api<{ status: string }>('POST', `/api/webhooks/deliveries/${delivery!.id}/redeliver`);
    expect(again).toMatchObject({ status: 202, body: { status: 'pending' } });
    await until(async () => sink.received.length === 2);
    expect(sink.received[1]!.headers['webhook-id']).toBe(sink.received[0]!.headers['webhook-id']);
    await until(async () => (await deliveries(hook.id))[0]?.status === 'succeeded');
    expect((await api('POST', `/api/webhooks/deliveries/${delivery!.id}/redeliver`)).status).toBe(202);

    const rotated = await api<{ secret: string }>('PUT', `/api/webhooks/endpoints/${hook.id}`, { rotateSecret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await hub.database.db.customer.update({ where: { id: customerId }, data: { name: 'Endret Igjen' } });
    await until(async () => sink.received.length >= 4);
    const last = sink.received.at(-1)!;
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const oldView = new Webhook(hook.secret).verify(last.body, last.headers as Record<string, string>);
    const newView = new Webhook(rotated.body.secret).verify(last.body, last.headers as Record<string, string>);
    expect(oldView).toEqual(newView);
    expect(newView).toMatchObject({ type: 'customer.updated', data: { customerId } });
  });

  it('lets keys with webhooks:manage manage endpoints, refuses others and bad input', async () => {
    const manager = (await api<{ key: string }>('POST', '/api/api-keys', { name: 'hooks', scopes: ['webhooks:manage'] })).body.key;
    const reader = (await api<{ key: string }>('POST', '/api/api-keys', { name: 'reader', scopes: ['customers:read'] })).body.key;
    const sink = await receiver();
    const created = await api<Endpoint>('POST', '/api/webhooks/endpoints', { url: sink.url, events: ['payment.recorded'] }, { key: manager });
    expect(created.status).toBe(201);
    expect((await api('GET', '/api/webhooks/endpoints', undefined, { key: reader })).status).toBe(403);
    expect((await api('GET', '/api/webhooks/endpoints', undefined, { key: manager })).status).toBe(200);
    const before = await hub.database.db.webhookEndpoint.count();
    for (const body of [
      { url: 'ftp://example.com/x', events: ['contact.created'] },
      { url: sink.url, events: ['contact.exploded'] },
      { url: sink.url, events: [] },
      { url: 'not a url', events: ['contact.created'] },
    ]) {
      const refused = await api<{ error: { code: string } }>('POST', '/api/webhooks/endpoints', body, { key: manager });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await hub.database.db.webhookEndpoint.count()).toBe(before);
    expect((await api('DELETE', `/api/webhooks/endpoints/${created.body.id}`, undefined, { key: manager })).status).toBe(200);
  });

  it('refuses URLs inside the network unless allowed', async () => {
    expect(await refuseUrl('http://127.0.0.1:8080/hook', false)).toMatch(/inside the network/);
    expect(await refuseUrl('http://10.0.0.5/hook', false)).toMatch(/inside the network/);
    expect(await refuseUrl('http://[::1]/hook', false)).toMatch(/inside the network/);
    expect(await refuseUrl('http://[::ffff:10.0.0.1]/hook', false)).toMatch(/inside the network/);
    expect(await refuseUrl('http://169.254.169.254/latest/meta-data', false)).toMatch(/inside the network/);
    expect(await refuseUrl('http://localhost/hook', false)).toMatch(/inside the network/);
    expect(await refuseUrl('http://93.184.215.14/hook', false)).toBeNull();
    expect(await refuseUrl('http://127.0.0.1:8080/hook', true)).toBeNull();
  });
});
