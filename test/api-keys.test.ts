import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const bootstrapKey = 'bootstrap-key-bootstrap-key-0123456789';

describe('API keys', () => {
  let hub: TestHub;
  let admin: string;
  let supervisor: string;

  const call = (method: string, path: string, auth: { token?: string; key?: string }, body?: unknown) =>
    fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
        ...(auth.key ? { 'x-api-key': auth.key } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const response = await call('POST', '/api/api-keys', { token: admin }, body);
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; key: string };
  }

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis', env: { INTEGRATION_API_KEY: bootstrapKey } });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    supervisor = (await login(hub.url, 'supervisor@demo.test', 'supervisor')).token;
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('shows a key once, stores only its hash, and lists it with its scopes and last use', async () => {
    const created = await createKey({ name: 'ERP reader', scopes: ['customers:read'] });
    expect(created.key).toMatch(/^sk_[A-Za-z0-9_-]{40,}$/);
    const stored = await hub.database.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.hash).not.toContain(created.key);
    expect(JSON.stringify(stored)).not.toContain(created.key);

    expect((await call('GET', '/api/customers?query=KEY-1&limit=2', { key: created.key })).status).toBe(200);
    const listed = (await (await call('GET', '/api/api-keys', { token: admin })).json()) as Array<Record<string, unknown>>;
    const mine = listed.find((key) => key['id'] === created.id)!;
    expect(mine).toMatchObject({ name: 'ERP reader', scopes: ['customers:read'], revokedAt: null });
    expect(mine['lastUsedAt']).toEqual(expect.any(String));
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it('lets a key call only the routes its scopes open', async () => {
    const reader = await createKey({ name: 'reader', scopes: ['customers:read'] });
    const writer = await createKey({ name: 'writer', scopes: ['customers:write'] });
    const customer = { externalId: 'KEY-1', name: 'Kari Nordmann', emails: ['kari.key@example.test'] };
    const refused = await call('POST', '/api/customers', { key: reader.key }, customer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await call('POST', '/api/customers', { key: writer.key }, customer)).status).toBe(201);
    expect((await call('GET', '/api/customers?query=KEY-1', { key: writer.key })).status).toBe(403);
    expect((await call('GET', '/api/api-keys', { key: writer.key })).status).toBe(403);
    expect((await call('GET', '/api/agents/me', { key: writer.key })).status).toBeGreaterThanOrEqual(403);
  });

  it('refuses a revoked or expired key at once, and an unknown one', async () => {
    const key = await createKey({ name: 'short-lived', scopes: ['customers:read'] });
    expect((await call('GET', '/api/customers?query=KEY-1', { key: key.key })).status).toBe(200);
    const revoked = await call('DELETE', `/api/api-keys/${key.id}`, { token: admin });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).toEqual(expect.any(String));
    expect((await call('GET', '/api/customers?query=KEY-1', { key: key.key })).status).toBe(401);

    const expiring = await createKey({ name: 'expiring', scopes: ['customers:read'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await call('GET', '/api/customers?query=KEY-1', { key: expiring.key })).status).toBe(200);
    await hub.database.db.apiKey.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await call('GET', '/api/customers?query=KEY-1', { key: expiring.key });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toContain('expired');

    expect((await call('GET', '/api/customers?query=KEY-1', { key: 'sk_not-a-key' })).status).toBe(401);
    const audit = await hub.database.db.auditLog.findMany({ where: { entity: 'api-key', entityId: key.id } });
    expect(audit.map((row) => row.action).sort()).toEqual(['api-key.create', 'api-key.revoke']);
  });

  it('gives a key over its own rate limit 429 with Retry-After', async () => {
    const key = await createKey({ name: 'slow lane', scopes: ['customers:read'], rateLimit: 3 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await call('GET', '/api/customers?query=KEY-1&limit=1', { key: key.key });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another key is not held back by it.
    const other = await createKey({ name: 'fast lane', scopes: ['customers:read'] });
    expect((await call('GET', '/api/customers?query=KEY-1&limit=1', { key: other.key })).status).toBe(200);
  });

  it('keeps INTEGRATION_API_KEY as a bootstrap key that may only push customers', async () => {
    expect((await call('POST', '/api/customers', { key: bootstrapKey }, { externalId: 'BOOT-1', name: 'Ola Bootstrap' })).status).toBe(201);
    expect((await call('GET', '/api/customers?query=KEY-1', { key: bootstrapKey })).status).toBe(403);
    expect((await call('POST', '/api/api-keys', { key: bootstrapKey }, { name: 'x', scopes: ['import'] })).status).toBe(403);
  });

  it('lets only admins manage keys, and refuses bad input without storing anything', async () => {
    expect((await call('POST', '/api/api-keys', { token: supervisor }, { name: 'x', scopes: ['import'] })).status).toBe(403);
    const before = await hub.database.db.apiKey.count();
    for (const body of [
      { name: 'x', scopes: ['everything'] },
      { name: 'x', scopes: [] },
      { name: '', scopes: ['import'] },
      { name: 'x', scopes: ['import'], expiresAt: '2001-01-01T00:00:00Z' },
      { name: 'x', scopes: ['import'], rateLimit: 0 },
    ]) {
      const response = await call('POST', '/api/api-keys', { token: admin }, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    expect(await hub.database.db.apiKey.count()).toBe(before);
    expect((await call('DELETE', '/api/api-keys/00000000-0000-4000-8000-000000000000', { token: admin })).status).toBe(404);
  });
});
