import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

interface FoundCustomer {
  id: string;
  name: string;
  segment: string;
  language: string;
  emails: string[];
  phones: string[];
}

describe('read-only lookups for staff and agents', () => {
  let hub: TestHub;
  let agentToken: string;
  let supervisorToken: string;

  const get = (path: string, token?: string) => fetch(`${hub.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'redis' });
    agentToken = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    supervisorToken = (await login(hub.url, 'supervisor@demo.test', 'supervisor')).token;
  });

  afterAll(async () => {
    await hub?.stop();
  });

  describe('GET /api/customers', () => {
    it('finds a customer by part of the name, any case, for agents and supervisors alike', async () => {
      const stored = await hub.database.db.customer.findFirstOrThrow({ orderBy: { name: 'desc' } });
      const part = stored.name.toUpperCase();
      for (const token of [agentToken, supervisorToken]) {
        const response = await get(`/api/customers?query=${encodeURIComponent(part)}&limit=50`, token);
        expect(response.status).toBe(200);
        const found = (await response.json()) as FoundCustomer[];
        expect(found.map((customer) => customer.id)).toContain(stored.id);
        for (const customer of found) expect(customer.name.toUpperCase()).toContain(part);
      }
    });

    it('finds a customer by email address and by phone number written the local way', async () => {
      const identity = await hub.database.db.customerIdentity.findFirstOrThrow({ where: { kind: 'email' } });
      const byEmail = (await (await get(`/api/customers?query=${encodeURIComponent(identity.value.toUpperCase())}`, agentToken)).json()) as FoundCustomer[];
      expect(byEmail.map((customer) => customer.id)).toContain(identity.customerId);
      expect(byEmail.find((customer) => customer.id === identity.customerId)?.emails).toContain(identity.value);

      const phone = await hub.database.db.customerIdentity.findFirstOrThrow({ where: { kind: 'phone', value: { startsWith: '+47' } } });
      const local = phone.value.slice(3).replace(/(\d{3})(\d{2})(\d{3})/, '$1 $2 $3');
      const byPhone = (await (await get(`/api/customers?query=${encodeURIComponent(local)}`, agentToken)).json()) as FoundCustomer[];
      expect(byPhone.map((customer) => customer.id)).toContain(phone.customerId);
    });

    it('lists nobody without a meaningful query: no empty, short or wildcard search', async () => {
      for (const query of ['', 'query=', 'query=ab', 'query=%25%25%25', 'query=__%20_', 'query=*.*', 'query=%40.-']) {
        const response = await get(`/api/customers?${query}&limit=5`, agentToken);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('query') });
      }
      // Wildcards inside a real query are matched as the characters themselves.
      const wildcard = await get(`/api/customers?query=${encodeURIComponent('an%en')}`, agentToken);
      expect(await wildcard.json()).toEqual([]);
      const [literal, lookalike] = await Promise.all(
        ['Qzw_vx Literal', 'Qzwkvx Lookalike'].map((name) => hub.database.db.customer.create({ data: { name }, select: { id: true } })),
      );
      const found = (await (await get(`/api/customers?query=${encodeURIComponent('zw_vx')}`, agentToken)).json()) as FoundCustomer[];
      expect(found.map((customer) => customer.id)).toEqual([literal!.id]);
      expect(found.map((customer) => customer.id)).not.toContain(lookalike!.id);
    });

    it('answers an empty list when nothing matches', async () => {
      const response = await get('/api/customers?query=zzzz-no-such-customer', agentToken);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
    });

    it('refuses a bad limit, an unknown parameter and a caller without a token', async () => {
      for (const query of ['limit=0', 'limit=51', 'limit=ten', 'segment=A']) {
        const response = await get(`/api/customers?query=nordmann&${query}`, agentToken);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
      }
      expect((await get('/api/customers')).status).toBe(401);
    });

    it('is described in the OpenAPI document with its query parameters', async () => {
      const document = (await (await get('/api/openapi.json')).json()) as {
        paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
      };
      expect(document.paths['/api/customers']?.['get']?.parameters?.map((parameter) => [parameter.name, parameter.in])).toEqual([
        ['query', 'query'],
        ['limit', 'query'],
      ]);
    });
  });

  describe('GET /api/agents', () => {
    it('lists every agent with queues and capacity for a supervisor, never a password hash', async () => {
      const response = await get('/api/agents', supervisorToken);
      expect(response.status).toBe(200);
      const agents = (await response.json()) as Array<Record<string, unknown>>;
      expect(agents).toHaveLength(await hub.database.db.agent.count());
      const demo = agents.find((agent) => agent['email'] === 'agent@demo.test');
      expect(demo).toMatchObject({ role: 'agent', state: 'offline', enabled: true, capacity: { chat: 3 } });
      expect(demo?.['queues']).toEqual(expect.arrayContaining(['support', 'sales', 'billing']));
      for (const agent of agents) expect(agent).not.toHaveProperty('passwordHash');
    });

    it('is refused to an agent', async () => {
      const response = await get('/api/agents', agentToken);
      expect(response.status).toBe(403);
    });
  });
});
