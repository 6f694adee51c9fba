import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePlainPins } from '../../services/hub/src/self-service/pin-migration.ts';
import { createLogger } from '../../services/hub/src/logger.ts';
import { login } from '../support/sockets.ts';
import { ScriptedCall, startVoiceHub, type VoiceTestHub } from '../support/voice.ts';

describe('IVR PINs: hashed, never shown, locked after repeated failures across calls', () => {
  let voice: VoiceTestHub;
  let adminToken: string;
  let agentToken: string;

  beforeAll(async () => {
    voice = await startVoiceHub();
    adminToken = (await login(voice.hub.url, 'admin@demo.test', 'admin')).token;
    agentToken = (await login(voice.hub.url, 'agent@demo.test', 'agent')).token;
  });
  afterAll(async () => {
    await voice?.stop();
  });

  const db = () => voice.hub.database.db;
  const get = (path: string) => fetch(`${voice.hub.url}${path}`, { headers: { authorization: `Bearer ${agentToken}` } });

  /** Keys a customer number and a secret in a new call; resolves with what the IVR said after it. */
  async function attempts(customerNumber: string, secrets: string[]): Promise<string[]> {
    const caller = new ScriptedCall(voice.webhooks, 'anonymous');
    await caller.start();
    await caller.press('1'); // norsk
    await caller.press('5'); // fakturaer og betaling
    await caller.press('1'); // hva du skylder
    const answers: string[] = [];
    for (const secret of secrets) {
      await caller.press(customerNumber);
      await caller.press(secret);
      answers.push(caller.said());
    }
    return answers;
  }

  it('keeps a PIN pushed by the back office only as a hash, out of the 360 view and search', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { language: 'nb' }, orderBy: { externalId: 'asc' } });
    const pushed = await fetch(`${voice.hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: customer.externalId, name: customer.name, attributes: { ...(customer.attributes as object), pin: '8642' } }),
    });
    expect(pushed.status).toBe(200);
    const pushedText = await pushed.text();

    const stored = await db().customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(stored.attributes).not.toHaveProperty('pin');
    expect(stored.pinHash).toMatch(/^\$argon2id\$/);

    const view = await get(`/api/customers/${customer.id}`);
    expect(view.status).toBe(200);
    const viewText = await view.text();
    const number = (customer.attributes as { customerNumber: string }).customerNumber;
    const search = await (await get(`/api/customers?query=${encodeURIComponent(customer.name)}`)).text();
    for (const text of [pushedText, viewText, search]) {
      expect(text).not.toContain('8642');
      expect(text).not.toContain('argon2');
      expect(text).not.toMatch(/"pin(Hash)?"/);
    }
    expect(JSON.parse(viewText)).toMatchObject({ hasPin: true, attributes: { customerNumber: number } });

    // The IVR verifies against the hash.
    expect((await attempts(number, ['8642']))[0]).toContain('Takk, nå vet vi hvem du er.');
    // A PIN that is not digits is refused with the field named.
    const bad = await fetch(`${voice.hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: customer.externalId, name: customer.name, attributes: { pin: 'abc' } }),
    });
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('attributes.pin') } });
    // `pin: null` removes it.
    const cleared = await fetch(`${voice.hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: customer.externalId, name: customer.name, attributes: { ...(customer.attributes as object), pin: null } }),
    });
    expect(await cleared.json()).toMatchObject({ hasPin: false });
    expect((await db().customer.findUniqueOrThrow({ where: { id: customer.id } })).pinHash).toBeNull();
  });

  it('moves PINs stored in the clear before hashing to hashes, and they still verify', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { language: 'nb' }, orderBy: { externalId: 'desc' } });
    // As an older version stored them.
    await db().$executeRaw`UPDATE "Customer" SET attributes = attributes || '{"pin":"1357"}'::jsonb, "pinHash" = NULL WHERE id = ${customer.id}::uuid`;
    expect(JSON.stringify(await (await get(`/api/customers/${customer.id}`)).json())).not.toContain('1357');

    expect(await migratePlainPins(db(), createLogger('silent'))).toBe(1);
    const moved = await db().customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(moved.attributes).not.toHaveProperty('pin');
    expect(moved.pinHash).toMatch(/^\$argon2id\$/);
    expect(await migratePlainPins(db(), createLogger('silent'))).toBe(0);
    const number = (customer.attributes as { customerNumber: string }).customerNumber;
    expect((await attempts(number, ['1357']))[0]).toContain('Takk, nå vet vi hvem du er.');
  });

  it('locks verification for a customer after five failures spread over calls, even for the right PIN', async () => {
    const customer = await db().customer.findFirstOrThrow({ where: { language: 'nb' }, orderBy: { name: 'asc' } });
    const number = (customer.attributes as { customerNumber: string }).customerNumber;
    await fetch(`${voice.hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: customer.externalId, name: customer.name, attributes: { ...(customer.attributes as object), pin: '9753' } }),
    });
    // A right PIN after wrong ones clears the count ...
    const first = await attempts(number, ['0000', '9753']);
    expect(first[1]).toContain('Takk, nå vet vi hvem du er.');
    // ... but five wrong in a row, over two calls, lock the customer.
    const second = await attempts(number, ['0001', '0002', '0003']);
    expect(second.every((said) => !said.includes('Takk, nå vet vi hvem du er.'))).toBe(true);
    const third = await attempts(number, ['0004', '0005', '9753']);
    expect(third[2]).not.toContain('Takk, nå vet vi hvem du er.');
    expect(third[2]).toContain('Vi klarte ikke å bekrefte hvem du er.');
    // Another customer is not affected.
    const other = await db().customer.findFirstOrThrow({ where: { language: 'nb', id: { not: customer.id } }, orderBy: { name: 'desc' } });
    const otherNumber = (other.attributes as { customerNumber: string }).customerNumber;
    await fetch(`${voice.hub.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: other.externalId, name: other.name, attributes: { ...(other.attributes as object), pin: '1122' } }),
    });
    expect((await attempts(otherNumber, ['1122']))[0]).toContain('Takk, nå vet vi hvem du er.');
    expect((await fetch(`${voice.hub.url}/healthz`)).status).toBe(200);
  });
});
