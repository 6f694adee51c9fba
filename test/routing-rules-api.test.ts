import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from './support/sockets.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { api } from './support/routing.ts';

/** Routing rules and queue settings through the REST API: validated whole, versioned, nothing changed on error. */
describe('routing rules and queue settings over REST', () => {
  let hub: TestHub;
  let admin: string;
  let supervisor: string;

  const enterpriseLeads = {
    name: 'Enterprise leads',
    when: { all: [{ attribute: 'journey.menu', op: 'eq', value: 'sales' }, { attribute: 'customer.attributes.users', op: 'gt', value: 50 }] },
    targets: [{ queue: 'enterprise', skills: { sales: 4 }, timeoutSeconds: 30 }, { queue: 'sales' }],
  };
  const valid = { defaultQueue: 'support', overflow: { sales: { queue: 'support', afterSeconds: 120 } }, filters: [enterpriseLeads] };

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    admin = (await login(hub.url, 'admin@demo.test', 'admin')).token;
    supervisor = (await login(hub.url, 'supervisor@demo.test', 'supervisor')).token;
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('starts with no rule set, stores a valid one as version 1 and shows it', async () => {
    expect((await api(hub.url, '/api/routing/rules', { token: supervisor })).body).toMatchObject({ version: 0, filters: [] });
    const stored = await api(hub.url, '/api/routing/rules', { method: 'PUT', token: admin, body: valid });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ version: 1, defaultQueue: 'support', filters: [{ name: 'Enterprise leads' }], settings: { missedOffersBeforeAway: 3 } });
    expect((await api(hub.url, '/api/routing/rules', { token: supervisor })).body).toMatchObject({ version: 1, filters: [enterpriseLeads] });
  });

  it.each([
    ['an unknown queue', { ...valid, filters: [{ ...enterpriseLeads, targets: [{ queue: 'vip-lounge' }] }] }, 'filters[0].targets[0].queue: unknown queue "vip-lounge"'],
    ['an unknown attribute', { ...valid, filters: [{ ...enterpriseLeads, when: { attribute: 'customer.shoeSize', op: 'gt', value: 44 } }] }, 'filters[0].when.attribute: unknown attribute "customer.shoeSize"'],
    ['a malformed condition', { ...valid, filters: [{ ...enterpriseLeads, when: { attribute: 'channel', op: 'is', value: 'chat' } }] }, 'filters[0].when.op: malformed condition: unknown operator "is"'],
    ['a condition with two kinds at once', { ...valid, filters: [{ ...enterpriseLeads, when: { all: [], not: {} } }] }, 'filters[0].when: malformed condition: expected exactly one of all, any, not or attribute'],
    [
      'an overflow cycle',
      { ...valid, overflow: { sales: { queue: 'support', afterSeconds: 60 }, support: { queue: 'sales', afterSeconds: 60 } } },
      'overflow: overflow cycle: sales → support → sales',
    ],
  ])('refuses a rule set with %s with 400 naming the problem, and keeps the last valid set', async (_name, body, message) => {
    const refused = await api(hub.url, '/api/routing/rules', { method: 'PUT', token: admin, body });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.message.startsWith(message)).toBe(true);
    const current = await api(hub.url, '/api/routing/rules', { token: supervisor });
    expect(current.body).toMatchObject({ version: 1, filters: [enterpriseLeads] });
    expect(await hub.database.db.routingRuleSet.count()).toBe(1);
  });

  it('edits one filter at a time, each edit a validated new version', async () => {
    const added = await api(hub.url, '/api/routing/rules/filters/A%20customers', {
      method: 'PUT',
      token: admin,
      body: { position: 0, when: { attribute: 'customer.segment', op: 'eq', value: 'A' }, targets: [{ queue: 'support', skills: { technical: 4 }, priority: 10, timeoutSeconds: 30 }, { queue: 'support', priority: 10 }] },
    });
    expect(added.status).toBe(200);
    expect(added.body.version).toBe(2);
    expect(added.body.filters.map((f: { name: string }) => f.name)).toEqual(['A customers', 'Enterprise leads']);

    const broken = await api(hub.url, '/api/routing/rules/filters/A%20customers', {
      method: 'PUT',
      token: admin,
      body: { when: { attribute: 'customer.segment', op: 'eq', value: 'D' }, targets: [{ queue: 'support' }] },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toBe('filters[0].when.value: "D" is not a possible customer.segment (one of A, B, C)');

    const removed = await api(hub.url, '/api/routing/rules/filters/Enterprise%20leads', { method: 'DELETE', token: admin });
    expect(removed.body).toMatchObject({ version: 3, filters: [{ name: 'A customers' }] });
    expect((await api(hub.url, '/api/routing/rules/filters/nothing', { method: 'DELETE', token: admin })).status).toBe(404);
    const versions = await api(hub.url, '/api/routing/rules/versions', { token: supervisor });
    expect(versions.body.map((v: { version: number; filters: number }) => [v.version, v.filters])).toEqual([
      [3, 1],
      [2, 2],
      [1, 1],
    ]);
  });

  it('lets only admins change rules and settings, and only staff read them', async () => {
    const agent = (await login(hub.url, 'agent@demo.test', 'agent')).token;
    expect((await api(hub.url, '/api/routing/rules', { token: agent })).status).toBe(403);
    expect((await api(hub.url, '/api/routing/rules', { method: 'PUT', token: supervisor, body: valid })).status).toBe(403);
    expect((await api(hub.url, '/api/queues/support/routing', { method: 'PUT', token: supervisor, body: { wrapUpSeconds: 5 } })).status).toBe(403);
    expect((await api(hub.url, '/api/routing/rules', {})).status).toBe(401);
  });

  it('stores queue settings with opening hours in a time zone, and refuses bad ones naming the field', async () => {
    const before = await api(hub.url, '/api/queues/billing/routing', { token: supervisor });
    expect(before.body).toMatchObject({ queue: 'billing', offerTimeoutSeconds: 20, wrapUpSeconds: 0, maxWaitSeconds: 600, timeZone: 'Europe/Oslo', businessHours: null, closedAction: 'message' });

    const settings = {
      offerTimeoutSeconds: 15,
      wrapUpSeconds: 30,
      maxWaitSeconds: 300,
      agingWeight: 0.5,
      timeZone: 'Europe/Copenhagen',
      businessHours: { mon: [['08:00', '16:00']], fri: [['08:00', '12:00'], ['13:00', '15:00']] },
      holidays: [{ date: '2026-12-24' }, { date: '2026-12-31', hours: [['09:00', '12:00']] }],
      closedAction: 'callback',
      closedMessage: { nb: 'Vi ringer deg tilbake.' },
    };
    const saved = await api(hub.url, '/api/queues/billing/routing', { method: 'PUT', token: admin, body: settings });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ queue: 'billing', ...settings });
    expect((await api(hub.url, '/api/queues/billing/routing', { token: supervisor })).body).toMatchObject(settings);

    const cases: Array<[unknown, string]> = [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone:'],
      [{ businessHours: { mon: [['16:00', '08:00']] } }, 'businessHours.mon.0:'],
      [{ closedAction: 'hang-up' }, 'closedAction:'],
      [{ holidays: [{ date: '24.12.2026' }] }, 'holidays.0.date:'],
    ];
    for (const [body, field] of cases) {
      const refused = await api(hub.url, '/api/queues/billing/routing', { method: 'PUT', token: admin, body });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message.startsWith(field)).toBe(true);
    }
    expect((await api(hub.url, '/api/queues/billing/routing', { token: supervisor })).body).toMatchObject(settings);
    expect((await api(hub.url, '/api/queues/nowhere/routing', { method: 'PUT', token: admin, body: { wrapUpSeconds: 1 } })).status).toBe(404);
  });

  it('describes every routing route in the OpenAPI document', async () => {
    const document = (await api(hub.url, '/api/openapi.json')).body;
    const routes: Array<[string, string]> = [
      ['/api/routing/rules', 'put'],
      ['/api/routing/rules/versions', 'get'],
      ['/api/routing/rules/filters/{name}', 'delete'],
      ['/api/queues/{id}/routing', 'put'],
      ['/api/contacts/{id}/transfer', 'post'],
      ['/api/contacts/{id}/routing', 'get'],
    ];
    for (const [path, method] of routes) {
      expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});
