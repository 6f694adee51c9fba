import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { ContactOffer, PopUpdate } from '@sentral/contract';
import { call, connect, login, next } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { createLookups, httpJsonLookup } from '../services/hub/src/integration/lookups.ts';
import { createOutboundHttp } from '../services/hub/src/integration/outbound-http.ts';
import { createLogger } from '../services/hub/src/logger.ts';

/** A stand-in ERP: per customer a delay and a status; it counts the calls it gets. */
async function startErp() {
  const behaviour = new Map<string, { delayMs: number; status: number }>();
  const calls: Array<{ externalId: string; authorization: string | undefined }> = [];
  const server: Server = createServer((request, response) => {
    const externalId = decodeURIComponent(request.url!.split('/').pop()!);
    calls.push({ externalId, authorization: request.headers.authorization });
    const { delayMs, status } = behaviour.get(externalId) ?? { delayMs: 0, status: 200 };
    setTimeout(() => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { externalId, creditLimit: 5000, openTickets: 2 } : { error: 'down' }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp/customers/{externalId}`,
    behaviour,
    calls,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('live back-office lookups at screen-pop time', () => {
  let erp: Awaited<ReturnType<typeof startErp>>;
  let hub: TestHub;
  let agent: Socket;
  let admin: string;

  async function customer(externalId: string, email: string): Promise<void> {
    const created = await fetch(`${hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId, name: `ERP ${externalId}`, emails: [email] }),
    });
    expect(created.status).toBe(201);
  }

  /** A chat from `email`: when its offer and its pop update reached the agent, counted from the customer's message. */
  async function chatFrom(email: string): Promise<{ offer: ContactOffer; offerMs: number; update: PopUpdate; updateMs: number }> {
    const offered = next<ContactOffer>(agent, 'contact:offer', (offer) => offer.screenPop.customer !== null);
    const chat = await connect(hub.url, '/chat', { name: 'Kunde', email, language: 'nb' });
    const started = Date.now();
    const sent = await call<{ contactId: string }>(chat, 'message', { text: 'Hei' });
    const updated = next<PopUpdate>(agent, 'contact:pop-update', (update) => update.contactId === sent.contactId, 15_000);
    const offer = await offered;
    const offerMs = Date.now() - started;
    const update = await updated;
    const updateMs = Date.now() - started;
    chat.close();
    await call(agent, 'offer:reject', { offerId: offer.offerId });
    return { offer, offerMs, update, updateMs };
  }

  beforeAll(async () => {
    erp = await startErp();
    hub = await startTestHub({
      backend: 'redis',
      env: { LOOKUP_URL: erp.url, LOOKUP_AUTH_HEADER: 'Authorization: Bearer erp-token', WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    agent = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
    expect(await call(agent, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterAll(async () => {
    agent?.close();
    await hub?.stop();
    await erp?.close();
  });

  it('sends the pop at once and the ERP facts right after', async () => {
    await customer('ERP-FAST', 'erp.fast@example.test');
    erp.behaviour.set('ERP-FAST', { delayMs: 300, status: 200 });
    const { offer, offerMs, update, updateMs } = await chatFrom('erp.fast@example.test');
    expect(offer.screenPop.customer).toMatchObject({ name: 'ERP ERP-FAST' });
    expect(update).toMatchObject({ offerId: offer.offerId, status: 'ok', external: { externalId: 'ERP-FAST', creditLimit: 5000, openTickets: 2 } });
    expect(update.latencyMs).toBeGreaterThanOrEqual(250);
    expect(updateMs).toBeGreaterThan(offerMs);
    expect(erp.calls.find((c) => c.externalId === 'ERP-FAST')?.authorization).toBe('Bearer erp-token');
  });

  it('does not hold the pop for an ERP that takes 5 s: the deadline passes and the agent is told', async () => {
    await customer('ERP-SLOW', 'erp.slow@example.test');
    await customer('ERP-NONE', 'erp.none@example.test');
    erp.behaviour.set('ERP-NONE', { delayMs: 0, status: 200 });
    const baseline = await chatFrom('erp.none@example.test');
    erp.behaviour.set('ERP-SLOW', { delayMs: 5000, status: 200 });
    const slow = await chatFrom('erp.slow@example.test');
    // The pop is as quick as with an instant ERP (allowing for a loaded machine), well before the ERP could answer.
    expect(slow.offerMs).toBeLessThan(Math.max(2000, baseline.offerMs * 3));
    expect(slow.update).toMatchObject({ status: 'timeout', external: null });
    expect(slow.update.latencyMs).toBeGreaterThanOrEqual(750);
    expect(slow.update.latencyMs).toBeLessThan(2500);
  });

  it('serves stale facts while the ERP fails and its circuit is open', async () => {
    const http = createOutboundHttp({ allowPrivate: true });
    const lookups = createLookups({
      db: hub.database.db,
      connector: httpJsonLookup({ urlTemplate: erp.url, authHeader: null }, http),
      settings: { deadlineMs: 500, freshSeconds: 0, staleSeconds: 3600, breakAfterFailures: 3, halfOpenAfterMs: 60_000 },
      logger: createLogger('silent'),
    });
    try {
      const subject = { customerId: '00000000-0000-4000-8000-00000000e001', externalId: 'ERP-FLAP' };
      expect(await lookups.factsFor(subject)).toMatchObject({ status: 'ok', external: { externalId: 'ERP-FLAP' } });
      erp.behaviour.set('ERP-FLAP', { delayMs: 0, status: 500 });
      for (let i = 0; i < 3; i++) expect(await lookups.factsFor(subject)).toMatchObject({ status: 'stale', external: { externalId: 'ERP-FLAP', creditLimit: 5000 } });
      const callsBefore = erp.calls.filter((c) => c.externalId === 'ERP-FLAP').length;
      const open = await lookups.factsFor(subject);
      expect(open).toMatchObject({ status: 'stale', external: { creditLimit: 5000 } });
      expect(open.latencyMs).toBeLessThan(100);
      // The open circuit did not call the failing ERP again.
      expect(erp.calls.filter((c) => c.externalId === 'ERP-FLAP').length).toBe(callsBefore);
      // A customer never fetched before gets nothing while the circuit is open, quickly.
      expect(await lookups.factsFor({ customerId: '00000000-0000-4000-8000-00000000e002', externalId: 'ERP-OTHER' })).toMatchObject({ status: 'error', external: null });
    } finally {
      http.close();
    }
  });
});
