import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { call, connect, login, next, until } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const ROWS = 50_000;

interface ImportStatus {
  id: string;
  status: 'running' | 'done' | 'failed';
  processed: number;
  created: number;
  updated: number;
  failed: number;
  errors: Array<{ line: number; message: string }>;
}

function customerLine(i: number, name = `Import Kunde ${i}`): string {
  return JSON.stringify({
    externalId: `IMP-${i}`,
    name,
    emails: [`import.${i}@example.test`],
    phones: [`+479${String(1_000_000 + i).padStart(7, '0')}`],
    language: i % 3 === 0 ? 'da' : 'nb',
    orders: [
      {
        number: `IMP-ORD-${i}`,
        status: 'shipped',
        total: 100 + (i % 500),
        placedAt: '2026-11-20T10:00:00Z',
        expectedDelivery: '2026-12-10T10:00:00Z',
        shipments: [{ carrier: 'Posten', trackingNumber: `TRK${i}`, status: 'in-transit' }],
      },
    ],
    ...(i % 10 === 0 ? { invoices: [{ number: `IMP-INV-${i}`, amount: 250, dueDate: '2026-12-31' }], warranties: [{ product: 'Vaskemaskin', expiresAt: '2028-01-01' }] } : {}),
  });
}

describe('bulk customer import', () => {
  let hub: TestHub;
  let admin: string;

  const upload = async (body: string, type: string, auth: Record<string, string>) => {
    const response = await fetch(`${hub.url}/api/import/customers`, { method: 'POST', headers: { ...auth, 'content-type': type }, body });
    return { status: response.status, body: (await response.json()) as { id: string; error?: { code: string; message: string } } };
  };
  const finished = (id: string, auth: Record<string, string>) =>
    until(async () => {
      const status = (await (await fetch(`${hub.url}/api/import/${id}`, { headers: auth })).json()) as ImportStatus;
      return status.status === 'running' ? null : status;
    }, 120_000, 200);

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('imports 50,000 customers with orders, keeps the good rows and reports the bad ones by line', async () => {
    const lines: string[] = [];
    for (let i = 0; i < ROWS; i++) lines.push(customerLine(i));
    // Bad rows among them, at known lines (1-based).
    lines.splice(10, 0, '{"externalId":"BAD-1","name":');
    lines.splice(20, 0, JSON.stringify({ externalId: 'BAD-2', name: 'Feil Epost', emails: ['not-an-email'] }));
    lines.splice(30, 0, JSON.stringify({ name: 'Uten Nøkkel' }));
    lines.splice(40, 0, JSON.stringify({ externalId: 'BAD-3', name: '' }));
    const auth = { authorization: `Bearer ${admin}` };
    const started = Date.now();
    const accepted = await upload(lines.join('\n'), 'application/x-ndjson', auth);
    expect(accepted.status).toBe(202);
    const status = await finished(accepted.body.id, auth);
    const seconds = (Date.now() - started) / 1000;
    console.log(`imported ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s)`);

    expect(status).toMatchObject({ status: 'done', processed: ROWS + 4, created: ROWS, updated: 0, failed: 4 });
    expect(status.errors.map((error) => error.line)).toEqual([11, 21, 31, 41]);
    expect(status.errors[0]!.message).toBe('not valid JSON');
    expect(status.errors[1]!.message).toMatch(/^emails\.0: /);
    expect(status.errors[2]!.message).toMatch(/^externalId: /);
    expect(status.errors[3]!.message).toMatch(/^name: /);

    const { db } = hub.database;
    expect(await db.customer.count({ where: { externalId: { startsWith: 'IMP-' } } })).toBe(ROWS);
    expect(await db.order.count({ where: { number: { startsWith: 'IMP-ORD-' } } })).toBe(ROWS);
    expect(await db.shipment.count({ where: { trackingNumber: { startsWith: 'TRK' } } })).toBe(ROWS);
    expect(await db.invoice.count({ where: { number: { startsWith: 'IMP-INV-' } } })).toBe(ROWS / 10);
    expect(await db.customerIdentity.count({ where: { value: { startsWith: 'import.' } } })).toBe(ROWS);
    expect(await db.customer.count({ where: { externalId: { startsWith: 'BAD-' } } })).toBe(0);

    const found = (await (await fetch(`${hub.url}/api/customers?query=import.43210@example.test`, { headers: auth })).json()) as Array<{ externalId: string; phones: string[] }>;
    expect(found).toEqual([expect.objectContaining({ externalId: 'IMP-43210', phones: ['+4791043210'] })]);
  }, 180_000);

  it('shows an imported customer with their order in the screen pop', async () => {
    const agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    const agent: Socket = await connect(hub.url, '/agent', { token: agentToken });
    try {
      expect(await call(agent, 'agent:state', { state: 'available' })).toMatchObject({ ok: true });
      const offered = next(agent, 'contact:offer');
      const chat = await connect(hub.url, '/chat', { name: 'Importert', email: 'import.777@example.test', language: 'nb' });
      await call(chat, 'message', { text: 'Hvor er ordren min?' });
      const offer = await offered;
      expect(offer.screenPop.customer).toMatchObject({ name: 'Import Kunde 777' });
      expect(offer.screenPop.customer.openOrders.map((order: { number: string }) => order.number)).toContain('IMP-ORD-777');
      chat.close();
    } finally {
      agent.close();
    }
  });

  it('is idempotent: importing the same customers again updates them and creates nothing', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => customerLine(i, `Oppdatert Kunde ${i}`));
    const auth = { authorization: `Bearer ${admin}` };
    const accepted = await upload(lines.join('\n'), 'application/x-ndjson', auth);
    const status = await finished(accepted.body.id, auth);
    expect(status).toMatchObject({ status: 'done', processed: 1000, created: 0, updated: 1000, failed: 0 });
    expect(await hub.database.db.customer.count({ where: { externalId: { startsWith: 'IMP-' } } })).toBe(ROWS);
    expect(await hub.database.db.order.count({ where: { number: { startsWith: 'IMP-ORD-' } } })).toBe(ROWS);
    expect((await hub.database.db.customer.findUniqueOrThrow({ where: { externalId: 'IMP-5' } })).name).toBe('Oppdatert Kunde 5');
  });

  it('takes CSV from a key with the import scope, and refuses keys without it and other bodies', async () => {
    const key = ((await (await fetch(`${hub.url}/api/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'importer', scopes: ['import'] }) })).json()) as { key: string }).key;
    const reader = ((await (await fetch(`${hub.url}/api/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'reader', scopes: ['customers:read'] }) })).json()) as { key: string }).key;
    const csv = [
      'externalId,name,emails,phones,language,orders',
      'CSV-1,Kari Csv,kari.csv@example.test,+4790000001,nb,"[{""number"":""CSV-ORD-1"",""status"":""open"",""total"":99,""placedAt"":""2026-12-01""}]"',
      'CSV-2,Ole Csv,ole.csv@example.test;ole2.csv@example.test,,da,',
      'CSV-3,,nobody@example.test,,nb,',
    ].join('\n');
    const accepted = await upload(csv, 'text/csv', { 'x-api-key': key });
    expect(accepted.status).toBe(202);
    const status = await finished(accepted.body.id, { 'x-api-key': key });
    expect(status).toMatchObject({ status: 'done', processed: 3, created: 2, failed: 1, errors: [{ line: 4, message: expect.stringMatching(/^name: /) }] });
    const ole = await hub.database.db.customer.findUniqueOrThrow({ where: { externalId: 'CSV-2' }, include: { identities: true } });
    expect(ole.identities.map((identity) => identity.value).sort()).toEqual(['ole.csv@example.test', 'ole2.csv@example.test']);
    expect(await hub.database.db.order.count({ where: { number: 'CSV-ORD-1' } })).toBe(1);

    expect((await upload(csv, 'text/csv', { 'x-api-key': reader })).status).toBe(403);
    const wrongType = await upload('[]', 'application/json', { 'x-api-key': key });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error?.message).toContain('content-type');
  });
});
