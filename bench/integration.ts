import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'socket.io-client';
import type { ContactOffer } from '@sentral/contract';
import { call, connect, login, next, until } from '../test/support/sockets.ts';
import { startTestHub, type TestHub } from '../test/support/hub.ts';
import { startReceiver, type Receiver } from '../test/support/receiver.ts';
import { latencyFigures, progress, sleep, type BenchResult } from './lib.ts';

const CHANGES = 300;
const BURST = 2_000;
const IMPORT_ROWS = 20_000;
const POPS = 20;

/**
 * Integration figures on a hub in this process (Redis backend):
 * - a change (a customer created through the API) → the first delivery attempt at a fast local receiver;
 * - deliveries per second when a burst of events lands at once;
 * - bulk import rows per second (NDJSON with one order per customer);
 * - chat arrival → screen pop with no back-office lookup, and with one whose system takes 5 s.
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const hub = await startTestHub({ backend: 'redis', env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RELAY_MS: '50' } });
  const receiver = await startReceiver();
  try {
    const admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    const post = (path: string, body: unknown) =>
      fetch(`${hub.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const endpoint = (await (await post('/api/webhooks/endpoints', { url: receiver.url, events: ['customer.created'] })).json()) as { id: string };
    results.push(await changeToDelivery(receiver, post));
    results.push(await burstThroughput(hub, receiver));
    // The import alone: with a subscriber, each row would also become an event and a delivery.
    await fetch(`${hub.url}/api/webhooks/endpoints/${endpoint.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    results.push(await importRate(hub, admin));
  } finally {
    await receiver.close();
    await hub.stop();
  }
  results.push(...(await popLatency()));
  return results;
}

async function changeToDelivery(receiver: Receiver, post: (path: string, body: unknown) => Promise<Response>): Promise<BenchResult> {
  progress(`${CHANGES} changes, one at a time, → first delivery attempt`);
  const committedAt = new Map<string, number>();
  for (let i = 0; i < CHANGES; i++) {
    const response = await post('/api/customers', { externalId: `BENCH-CHG-${i}`, name: `Bench ${i}` });
    committedAt.set(((await response.json()) as { id: string }).id, performance.timeOrigin + performance.now());
    await sleep(20);
  }
  await until(async () => receiver.received.length >= CHANGES, 60_000, 50);
  const latencies = receiver.received
    .map((entry) => {
      const id = (JSON.parse(entry.body) as { data: { customerId: string } }).data.customerId;
      const at = committedAt.get(id);
      return at === undefined ? null : entry.at - at;
    })
    .filter((value): value is number => value !== null);
  return { name: 'change → first delivery attempt', backend: 'redis', ...latencyFigures(latencies), throughputPerSec: null, notes: `${CHANGES} customers created through the API one after another; receiver answers 200 at once` };
}

async function burstThroughput(hub: TestHub, receiver: Receiver): Promise<BenchResult> {
  progress(`${BURST} events committed at once → delivered`);
  const before = receiver.received.length;
  const started = performance.now();
  await hub.database.db.$executeRaw`
    INSERT INTO "Customer" (id, "externalId", name, "updatedAt")
    SELECT gen_random_uuid(), 'BENCH-BURST-' || n, 'Burst ' || n, now() FROM generate_series(1, ${BURST}) AS n`;
  await until(async () => receiver.received.length - before >= BURST, 120_000, 20);
  const seconds = (performance.now() - started) / 1000;
  return { name: 'deliveries to a fast receiver', backend: 'redis', n: BURST, p50Ms: null, p99Ms: null, throughputPerSec: Math.round(BURST / seconds), notes: 'one statement commits the events; time until all were received' };
}

async function importRate(hub: TestHub, admin: string): Promise<BenchResult> {
  progress(`import of ${IMPORT_ROWS} customers with orders`);
  const lines = Array.from({ length: IMPORT_ROWS }, (_, i) =>
    JSON.stringify({
      externalId: `BENCH-IMP-${i}`,
      name: `Import ${i}`,
      emails: [`bench.import.${i}@example.test`],
      phones: [`+479${String(2_000_000 + i).padStart(7, '0')}`],
      orders: [{ number: `BENCH-ORD-${i}`, status: 'shipped', total: 100, placedAt: '2026-11-20T10:00:00Z', shipments: [{ carrier: 'Posten', trackingNumber: `BT${i}`, status: 'in-transit' }] }],
    }),
  ).join('\n');
  const started = performance.now();
  const response = await fetch(`${hub.url}/api/import/customers`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' }, body: lines });
  const { id } = (await response.json()) as { id: string };
  await until(
    async () => ((await (await fetch(`${hub.url}/api/import/${id}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { status: string }).status !== 'running',
    300_000,
    100,
  );
  const seconds = (performance.now() - started) / 1000;
  return { name: 'import rows/s', backend: 'redis', n: IMPORT_ROWS, p50Ms: null, p99Ms: null, throughputPerSec: Math.round(IMPORT_ROWS / seconds), notes: 'NDJSON over HTTP, one order and shipment each, upload to done; no webhook subscribers' };
}

async function popLatency(): Promise<BenchResult[]> {
  const erp = createServer((_request, response) => setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"creditLimit":1}'), 5000));
  await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', () => resolve()));
  const erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/customers/{externalId}`;
  const results: BenchResult[] = [];
  try {
    const variants: Array<{ name: string; env: Record<string, string> }> = [
      { name: 'chat → screen pop, no lookup', env: {} },
      { name: 'chat → screen pop, lookup taking 5 s', env: { LOOKUP_URL: erpUrl, WEBHOOK_ALLOW_PRIVATE: 'true' } },
    ];
    for (const variant of variants) {
      progress(variant.name);
      const hub = await startTestHub({ backend: 'redis', env: variant.env });
      let agent: Socket | null = null;
      try {
        const admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
        agent = await connect(hub.url, '/agent', { token: (await login(hub.url, 'agent@demo.test', 'agent')).token });
        await call(agent, 'agent:state', { state: 'available' });
        const samples: number[] = [];
        for (let i = 0; i < POPS; i++) {
          const email = `bench.pop.${i}@example.test`;
          await fetch(`${hub.url}/api/customers`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ externalId: `POP-${i}`, name: `Pop ${i}`, emails: [email] }) });
          const offered = next<ContactOffer>(agent, 'contact:offer', (offer) => offer.screenPop.customer !== null, 20_000);
          const chat = await connect(hub.url, '/chat', { name: 'Pop', email, language: 'nb' });
          const started = performance.now();
          await call(chat, 'message', { text: 'Hei' });
          const offer = await offered;
          samples.push(performance.now() - started);
          await call(agent, 'offer:reject', { offerId: offer.offerId });
          chat.close();
          await sleep(100);
        }
        results.push({ name: variant.name, backend: 'redis', ...latencyFigures(samples), throughputPerSec: null, notes: 'customer message sent → contact:offer with the identified customer' });
      } finally {
        agent?.close();
        await hub.stop();
      }
    }
  } finally {
    erp.closeAllConnections();
    await new Promise<void>((resolve) => erp.close(() => resolve()));
  }
  return results;
}
