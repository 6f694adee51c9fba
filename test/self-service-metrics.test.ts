import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Prisma } from '@sentral/db';
import { hashPassword } from '../services/hub/src/auth/passwords.ts';
import { createWallboard } from '../services/hub/src/reporting/wallboard.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { login } from './support/sockets.ts';

/**
 * Containment on a scripted day: contacts served by the IVR or the bot next to contacts that waited
 * for an agent. Every figure is worked out by hand beside it. Day: Tuesday 2026-03-10, Europe/Oslo.
 */
const NOW = new Date('2026-03-10T11:00:00Z');
const T = new Date('2026-03-10T08:00:00Z'); // 09:00 local
const after = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const IVR = 'voice:+4721000000';

type Step = { step: string; result: string; data?: Record<string, string> };
const served = (action: string, extra: Record<string, string> = {}): Step => ({ step: action, result: action, data: { action, outcome: 'succeeded', ...extra } });

describe('self-service figures on a scripted day', () => {
  let database: TestDatabase;
  let db: Database;
  let hub: TestHub;
  let token: string;
  let customerA = '';

  async function contact(
    name: string,
    facts: {
      channel: 'chat' | 'voice';
      status: 'ended' | 'abandoned' | 'self_served' | 'abandoned_in_self_service';
      createdAt: Date;
      queuedAt?: Date;
      acceptedAt?: Date;
      endedAt: Date;
      entryPoint?: string;
      journey?: Step[];
      leftAt?: string;
      segmentA?: boolean;
    },
  ): Promise<void> {
    await db.contact.create({
      data: {
        channel: facts.channel,
        externalId: name,
        status: facts.status,
        queueId: 'support',
        createdAt: facts.createdAt,
        queuedAt: facts.queuedAt ?? null,
        acceptedAt: facts.acceptedAt ?? null,
        endedAt: facts.endedAt,
        customerId: facts.segmentA ? customerA : null,
        journey: (facts.journey ?? []).map((step) => ({ at: facts.createdAt.toISOString(), ...step })) as Prisma.InputJsonValue,
        attributes: facts.entryPoint ? { entryPoint: facts.entryPoint, selfService: { leftAt: facts.leftAt ?? null } } : {},
      },
    });
  }

  const report = async (query: string) => {
    const response = await fetch(`${hub.url}/api/reports?from=2026-03-10&to=2026-03-10&${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as any;
  };
  const totals = async (by: string) => Object.fromEntries((await report(`by=${by}`)).totals.map((row: any) => [row.key, row]));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await db.queue.create({ data: { id: 'support', name: 'Kundeservice', channels: ['chat', 'voice'], serviceLevelSeconds: 20 } });
    await db.agent.create({ data: { email: 'lead@test.no', name: 'Team Lead', role: 'supervisor', passwordHash: await hashPassword('supervisor') } });
    customerA = (await db.customer.create({ data: { name: 'Customer A', segment: 'A', revenue: 1000 } })).id;
    // Queued contacts: q1 answered in 10 s, q2 in 30 s (over the 20 s threshold), q3 left the queue.
    await contact('q1', { channel: 'chat', status: 'ended', createdAt: after(0), queuedAt: after(0), acceptedAt: after(10), endedAt: after(100) });
    await contact('q2', { channel: 'voice', status: 'ended', createdAt: after(60), queuedAt: after(60), acceptedAt: after(90), endedAt: after(200) });
    await contact('q3', { channel: 'chat', status: 'abandoned', createdAt: after(120), queuedAt: after(120), endedAt: after(150) });
    hub = await startTestHub({ backend: 'postgres', database, env: { HUB_ROLES: 'web', REPORT_TIME_ZONE: 'Europe/Oslo' } });
    token = (await login(hub.url, 'lead@test.no', 'supervisor')).token;
  });

  afterAll(async () => {
    await hub?.stop();
    await database?.drop();
  });

  it('keeps service level, ASA and abandonment as they were when contacts end in self-service', async () => {
    // Queue figures before: SL = 1 of 3 finished, ASA = (10 + 30) / 2, abandon rate 1 / 3.
    const before = (await report('by=queue')).overall;
    expect(before).toMatchObject({ offered: 3, answered: 2, abandoned: 1, serviceLevel: 1 / 3, asaSeconds: 20, abandonRate: 1 / 3, selfService: 0, containmentRate: null });

    // v1, v2: callers served by the IVR; v3 left mid-verification; c1: a chat the bot answered.
    await contact('v1', { channel: 'voice', status: 'self_served', createdAt: after(200), endedAt: after(260), entryPoint: IVR, journey: [served('order-status', { order: 'ORD-1' })], segmentA: true });
    await contact('v2', {
      channel: 'voice',
      status: 'self_served',
      createdAt: after(300),
      endedAt: after(400),
      entryPoint: IVR,
      journey: [served('payment', { invoice: 'INV-1' }), served('order-status', { order: 'ORD-2' })],
    });
    await contact('v3', { channel: 'voice', status: 'abandoned_in_self_service', createdAt: after(500), endedAt: after(530), entryPoint: IVR, leftAt: 'verify-secret' });
    await contact('c1', { channel: 'chat', status: 'self_served', createdAt: after(600), endedAt: after(700), entryPoint: 'chat:support', journey: [served('knowledge', { article: 'levering' })] });

    const withSelfService = (await report('by=queue')).overall;
    // None of them entered the queue: every queue figure is as before.
    for (const figure of ['offered', 'answered', 'answeredWithinThreshold', 'abandoned', 'serviceLevel', 'asaSeconds', 'abandonRate'] as const) {
      expect(withSelfService[figure], figure).toEqual(before[figure]);
    }
    // Containment: 3 self-served of 4 finished in self-service.
    expect(withSelfService).toMatchObject({ selfService: 4, selfServed: 3, selfServiceTransferred: 0, selfServiceAbandoned: 1, containmentRate: 3 / 4 });
  });

  it('reports containment per queue, entry point, channel and segment, with the most used actions and the exits', async () => {
    // v4: an IVR caller who checked their invoices, then asked for a person and was answered in 5 s.
    await contact('v4', {
      channel: 'voice',
      status: 'ended',
      createdAt: after(800),
      queuedAt: after(830),
      acceptedAt: after(835),
      endedAt: after(900),
      entryPoint: IVR,
      journey: [served('invoice-balance'), { step: 'agent', result: 'support', data: { handover: 'support' } }],
    });

    const overall = (await report('by=queue')).overall;
    // Queue: q1 (10 s) and v4 (5 s) within 20 s, q2 over, q3 abandoned: SL 2 / 4, ASA (10 + 30 + 5) / 3.
    expect(overall).toMatchObject({ offered: 4, answered: 3, answeredWithinThreshold: 2, abandoned: 1, serviceLevel: 0.5, asaSeconds: 15, abandonRate: 0.25 });
    // Self-service: v1 v2 c1 served, v4 transferred, v3 abandoned: containment 3 / 5.
    expect(overall).toMatchObject({ selfService: 5, selfServed: 3, selfServiceTransferred: 1, selfServiceAbandoned: 1, containmentRate: 0.6 });
    expect(overall.topSelfServiceActions).toEqual([
      { action: 'order-status', contacts: 2 },
      { action: 'invoice-balance', contacts: 1 },
      { action: 'knowledge', contacts: 1 },
      { action: 'payment', contacts: 1 },
    ]);
    expect(overall.selfServiceExits).toEqual([{ step: 'verify-secret', contacts: 1 }]);

    const byEntry = await totals('entryPoint');
    // The IVR: v1 v2 served, v4 transferred, v3 abandoned: 2 / 4. The bot: c1 alone.
    expect(byEntry[IVR]).toMatchObject({ selfService: 4, selfServed: 2, selfServiceTransferred: 1, selfServiceAbandoned: 1, containmentRate: 0.5 });
    expect(byEntry['chat:support']).toMatchObject({ selfService: 1, selfServed: 1, containmentRate: 1 });
    const byChannel = await totals('channel');
    expect(byChannel['voice']).toMatchObject({ offered: 2, serviceLevel: 0.5, selfService: 4, containmentRate: 0.5 });
    expect(byChannel['chat']).toMatchObject({ offered: 2, serviceLevel: 0.5, selfService: 1, containmentRate: 1 });
    const bySegment = await totals('segment');
    expect(bySegment['A']).toMatchObject({ offered: 0, selfService: 1, selfServed: 1, containmentRate: 1 });
    expect(bySegment['unknown']).toMatchObject({ offered: 4, selfService: 4, containmentRate: 2 / 4 });

    // Everything happened between 09:00 and 09:15 local: one hourly row.
    const byHour = await report('by=queue&interval=hour');
    expect(byHour.rows).toHaveLength(1);
    expect(byHour.rows[0]).toMatchObject({ key: 'support', containmentRate: 0.6, serviceLevel: 0.5 });

    const csv = await fetch(`${hub.url}/api/reports?from=2026-03-10&to=2026-03-10&by=queue&format=csv`, { headers: { authorization: `Bearer ${token}` } });
    // AHT: q1 90 s, q2 110 s, v4 65 s → 265 / 3.
    expect((await csv.text()).trim().split('\r\n')[1]).toBe(',,support,Kundeservice,4,3,2,1,3,0,0,0.5000,15,88.3333,0.2500,,5,3,1,1,0.6000');
  });

  it('shows today\'s self-service on the wallboard beside unchanged queue figures', async () => {
    const support = (await createWallboard({ db, timeZone: 'Europe/Oslo', wrapUpSeconds: 60 }).snapshot(NOW)).queues.find((queue) => queue.id === 'support')!;
    expect(support).toMatchObject({ offered: 4, answered: 3, abandoned: 1, serviceLevel: 0.5, asaSeconds: 15, abandonRate: 0.25 });
    expect(support.selfService).toEqual({
      contacts: 5,
      selfServed: 3,
      transferred: 1,
      abandoned: 1,
      containmentRate: 0.6,
      topActions: [
        { action: 'order-status', contacts: 2 },
        { action: 'invoice-balance', contacts: 1 },
        { action: 'knowledge', contacts: 1 },
        { action: 'payment', contacts: 1 },
      ],
      exits: [{ step: 'verify-secret', contacts: 1 }],
    });
  });
});
