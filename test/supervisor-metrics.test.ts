import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@sentral/db';
import { hashPassword } from '../services/hub/src/auth/passwords.ts';
import { agentsRequired } from '../services/hub/src/reporting/erlang.ts';
import { createWallboard } from '../services/hub/src/reporting/wallboard.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { login } from './support/sockets.ts';

/**
 * A scripted day with known arrivals, waits, handling times, wrap-ups, transfers, ratings and
 * abandons. Every expected figure below is worked out by hand in the comments beside it.
 * Day: Tuesday 2026-03-10 in Europe/Oslo (UTC+1); "now" is 12:00 local.
 */
const NOW = new Date('2026-03-10T11:00:00Z');
const T = new Date('2026-03-10T08:00:00Z'); // 09:00 local
const after = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const beforeNow = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe('supervisor figures on a scripted day', () => {
  let database: TestDatabase;
  let db: Database;
  let hub: TestHub;
  let supervisorToken: string;
  const agents: Record<'a1' | 'a2' | 'a3' | 'a4' | 'a5', string> = { a1: '', a2: '', a3: '', a4: '', a5: '' };
  const customers: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };

  async function contact(
    name: string,
    facts: {
      queue: 'support' | 'billing';
      channel?: 'chat' | 'voice' | 'email';
      status: 'arrived' | 'queued' | 'accepted' | 'ended' | 'abandoned';
      createdAt?: Date;
      queuedAt?: Date;
      acceptedAt?: Date;
      endedAt?: Date;
      agent?: keyof typeof agents;
      segment?: 'A' | 'B' | 'C';
      disposition?: string;
      dueAt?: Date;
      wrappedUpAt?: Date;
      transfers?: number;
      rating?: number;
    },
  ): Promise<void> {
    const created = await db.contact.create({
      data: {
        channel: facts.channel ?? 'chat',
        externalId: name,
        status: facts.status,
        queueId: facts.queue,
        createdAt: facts.createdAt ?? facts.queuedAt!,
        queuedAt: facts.queuedAt ?? null,
        offeredAt: facts.acceptedAt ?? null,
        acceptedAt: facts.acceptedAt ?? null,
        endedAt: facts.endedAt ?? null,
        agentId: facts.agent ? agents[facts.agent] : null,
        customerId: facts.segment ? customers[facts.segment] : null,
        disposition: facts.disposition ?? null,
        firstResponseDueAt: facts.dueAt ?? null,
      },
    });
    if (facts.wrappedUpAt) await db.contactEvent.create({ data: { contactId: created.id, type: 'wrapped-up', actor: 'agent', at: facts.wrappedUpAt } });
    for (let i = 0; i < (facts.transfers ?? 0); i += 1) await db.contactEvent.create({ data: { contactId: created.id, type: 'transferred', actor: 'agent', at: facts.acceptedAt! } });
    if (facts.rating) await db.contactRating.create({ data: { contactId: created.id, score: facts.rating, source: 'chat', requestedAt: facts.endedAt!, at: facts.endedAt! } });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await db.queue.create({ data: { id: 'support', name: 'Kundeservice', channels: ['chat', 'voice', 'email'], serviceLevelSeconds: 20 } });
    await db.queue.create({ data: { id: 'billing', name: 'Faktura', channels: ['voice'], serviceLevelSeconds: 30 } });
    const passwordHash = await hashPassword('supervisor');
    await db.agent.create({ data: { email: 'lead@test.no', name: 'Team Lead', role: 'supervisor', passwordHash } });
    const agent = async (key: keyof typeof agents, state: 'available' | 'away' | 'offline', queues: string[]) => {
      const row = await db.agent.create({
        data: { email: `${key}@test.no`, name: `Agent ${key.toUpperCase()}`, passwordHash, state, stateSince: beforeNow(3600), idleSince: beforeNow(3600), queues: { create: queues.map((queueId) => ({ queueId })) } },
      });
      agents[key] = row.id;
    };
    await agent('a1', 'available', ['support', 'billing']);
    await agent('a2', 'available', ['support']);
    await agent('a3', 'available', ['billing']);
    await agent('a4', 'away', ['support']);
    await agent('a5', 'offline', ['support']);
    // Revenue consistent with the segments, so the scheduled ABC recompute leaves them as they are.
    for (const [segment, revenue] of [['A', 1000], ['B', 150], ['C', 50]] as const) {
      customers[segment] = (await db.customer.create({ data: { name: `Customer ${segment}`, segment, revenue } })).id;
    }

    // support (threshold 20 s)
    await contact('s1', { queue: 'support', status: 'ended', queuedAt: after(0), acceptedAt: after(10), endedAt: after(190), wrappedUpAt: after(220), agent: 'a1', segment: 'A', disposition: 'resolved', rating: 9 });
    await contact('s2', { queue: 'support', channel: 'voice', status: 'ended', queuedAt: after(60), acceptedAt: after(90), endedAt: after(390), agent: 'a2', segment: 'B', disposition: 'resolved', transfers: 1 });
    await contact('s3', { queue: 'support', status: 'abandoned', queuedAt: after(120), endedAt: after(150), segment: 'A' });
    // Wrap-up took 200 s but counts up to the 60 s the agent is held back for it.
    await contact('s4', { queue: 'support', status: 'ended', queuedAt: after(3600), acceptedAt: after(3620), endedAt: after(3740), wrappedUpAt: after(3940), agent: 'a1', disposition: 'resolved', rating: 4 });
    // An email answered after 10 minutes, within its one-hour response promise.
    await contact('s5', { queue: 'support', channel: 'email', status: 'ended', queuedAt: after(3700), dueAt: after(3700 + 3600), acceptedAt: after(4300), endedAt: after(4600), agent: 'a2', segment: 'C', disposition: 'resolved' });
    await contact('s6', { queue: 'support', status: 'queued', queuedAt: beforeNow(90) });
    await contact('s7', { queue: 'support', status: 'arrived', createdAt: beforeNow(5) });
    await contact('s8', { queue: 'support', status: 'accepted', queuedAt: beforeNow(320), acceptedAt: beforeNow(300), agent: 'a2' });
    // billing (threshold 30 s)
    await contact('b1', { queue: 'billing', channel: 'voice', status: 'ended', queuedAt: after(200), acceptedAt: after(225), endedAt: after(325), agent: 'a1', segment: 'A', disposition: 'resolved' });
    await contact('b2', { queue: 'billing', channel: 'voice', status: 'abandoned', queuedAt: after(300), endedAt: after(400), segment: 'B' });
    // Ended 20 s ago without a disposition: a3 is in wrap-up.
    await contact('s9', { queue: 'billing', channel: 'voice', status: 'ended', queuedAt: beforeNow(400), acceptedAt: beforeNow(380), endedAt: beforeNow(20), agent: 'a3' });
    // Monday: outside today and outside the report of the 10th, inside this week.
    await contact('y1', { queue: 'support', status: 'ended', queuedAt: new Date('2026-03-09T12:00:00Z'), acceptedAt: new Date('2026-03-09T12:00:05Z'), endedAt: new Date('2026-03-09T12:01:45Z'), agent: 'a1', disposition: 'resolved' });

    // Web role only: no worker routes the scripted contacts away while the figures are read.
    hub = await startTestHub({ backend: 'postgres', database, env: { HUB_ROLES: 'web', WRAP_UP_SECONDS: '60', REPORT_TIME_ZONE: 'Europe/Oslo' } });
    supervisorToken = (await login(hub.url, 'lead@test.no', 'supervisor')).token;
  });

  afterAll(async () => {
    await hub?.stop();
    await database?.drop();
  });

  const get = async (path: string) => {
    const response = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${supervisorToken}` } });
    expect(response.status).toBe(200);
    return response;
  };
  const put = async (body: unknown) => {
    const response = await fetch(`${hub.url}/api/kpi-targets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('computes the live queue figures exactly as by hand', async () => {
    expect((await put({ queueId: 'support', period: 'day', metric: 'serviceLevel', target: 0.9 })).status).toBe(200);
    expect((await put({ queueId: 'support', period: 'week', metric: 'serviceLevel', target: 0.7 })).status).toBe(200);
    expect((await put({ queueId: 'support', period: 'week', metric: 'satisfaction', target: 6 })).status).toBe(200);
    expect((await put({ queueId: 'billing', period: 'day', metric: 'ahtSeconds', target: 200 })).status).toBe(200);

    const stats = await createWallboard({ db, timeZone: 'Europe/Oslo', wrapUpSeconds: 60 }).snapshot(NOW);
    const support = stats.queues.find((queue) => queue.id === 'support')!;
    const billing = stats.queues.find((queue) => queue.id === 'billing')!;

    // support today: s1 s2 s3 s4 s5 s6 s8 offered (s7 is still being identified, y1 was yesterday).
    expect(support).toMatchObject({ offered: 7, answered: 5, abandoned: 1, waiting: 1, longestWaitSeconds: 90, serviceLevelSeconds: 20, serviceLevelTarget: 0.9 });
    // Within threshold: s1 (10 s), s4 (20 s, on the line), s5 (600 s of a 3600 s promise), s8 (20 s); s2 waited 30 s.
    expect(support.serviceLevel).toBe(4 / 6);
    expect(support.abandonRate).toBe(1 / 6);
    // Waits 10 + 30 + 20 + 600 + 20 over five answered.
    expect(support.asaSeconds).toBe(680 / 5);
    // Handled: s1 180 + 30 wrap-up, s2 300, s4 120 + 60 (capped) wrap-up, s5 300 → 990 over four.
    expect(support.ahtSeconds).toBe(990 / 4);
    expect(support.satisfaction).toBe((9 + 4) / 2);
    expect(support.agents).toEqual({ available: 1, busy: 1, away: 1, wrapup: 0, offline: 1 });
    expect(support.occupancy).toBe(1 / 2);

    // billing today: b1 (25 s ≤ 30), b2 abandoned, s9 (20 s ≤ 30).
    expect(billing).toMatchObject({ offered: 3, answered: 2, abandoned: 1, waiting: 0, longestWaitSeconds: 0 });
    expect(billing.serviceLevel).toBe(2 / 3);
    expect(billing.abandonRate).toBe(1 / 3);
    expect(billing.asaSeconds).toBe((25 + 20) / 2);
    expect(billing.ahtSeconds).toBe((100 + 360) / 2);
    expect(billing.agents).toEqual({ available: 1, busy: 0, away: 0, wrapup: 1, offline: 0 });

    // Staffing: two arrivals in the last 30 minutes (s6, s8), today's AHT, the day's 90 % target.
    const arrivalsPerSecond = 2 / 1800;
    expect(support.staffing).toMatchObject({ staffed: 2, ahtSeconds: 247.5, targetServiceLevel: 0.9 });
    expect(support.staffing.arrivalsPerHour).toBeCloseTo(4, 10);
    expect(support.staffing.trafficErlangs).toBeCloseTo(arrivalsPerSecond * 247.5, 12);
    // One agent would answer 74 % within 20 s, two 97 %.
    expect(support.staffing.required).toBe(2);
    expect(support.staffing.required).toBe(agentsRequired({ arrivalsPerSecond, ahtSeconds: 247.5, targetServiceLevel: 0.9, thresholdSeconds: 20 }));

    // KPI progress. The week began on Monday the 9th, so y1 (answered in 5 s, unrated) counts there.
    const progress = Object.fromEntries(support.targets.map((target) => [`${target.period}:${target.metric}`, target]));
    expect(progress['day:serviceLevel']).toMatchObject({ actual: 4 / 6, met: false, since: '2026-03-09T23:00:00.000Z' });
    expect(progress['week:serviceLevel']).toMatchObject({ actual: 5 / 7, met: true, since: '2026-03-08T23:00:00.000Z' });
    expect(progress['week:satisfaction']).toMatchObject({ actual: 6.5, met: true });
    expect(billing.targets).toEqual([expect.objectContaining({ period: 'day', metric: 'ahtSeconds', target: 200, actual: 230, met: false })]);

    // Only s6 waits (s7 is still being identified); the list says where and since when.
    expect(stats.waiting).toEqual([expect.objectContaining({ queue: 'support', status: 'queued', channel: 'chat', since: beforeNow(90).toISOString(), customer: null })]);

    const a2 = stats.agents.find((agent) => agent.id === agents.a2)!;
    expect(a2).toMatchObject({ activity: 'busy', since: beforeNow(300).toISOString() });
    expect(a2.contacts).toEqual([expect.objectContaining({ queue: 'support', status: 'accepted', channel: 'chat' })]);
    expect(stats.agents.find((agent) => agent.id === agents.a3)).toMatchObject({ activity: 'wrapup', since: beforeNow(20).toISOString() });
  });

  it('reports the same figures per hour, queue, channel, agent and segment, and exports them as CSV', async () => {
    const byHour = (await (await get('/api/reports?from=2026-03-10&to=2026-03-10&interval=hour&by=queue')).json()) as any;
    const row = (hour: string, queue: string) => byHour.rows.find((r: any) => r.start === `2026-03-10T${hour}:00:00.000Z` && r.key === queue);
    // 09:00 local: s1 (10 s), s2 (30 s), s3 abandoned.
    expect(row('08', 'support')).toMatchObject({ label: 'Kundeservice', offered: 3, answered: 2, answeredWithinThreshold: 1, abandoned: 1, handled: 2, transfers: 1, serviceLevel: 1 / 3, asaSeconds: 20, ahtSeconds: 255, abandonRate: 1 / 3, satisfaction: 9 });
    // 10:00 local: s4 (20 s), s5 (email, within its promise).
    expect(row('09', 'support')).toMatchObject({ offered: 2, answered: 2, serviceLevel: 1, asaSeconds: 310, ahtSeconds: 240, satisfaction: 4 });
    // 11:00 local: s8 answered in 20 s, s6 still waiting.
    expect(row('10', 'support')).toMatchObject({ offered: 2, answered: 1, serviceLevel: 1, asaSeconds: 20, ahtSeconds: null });
    expect(row('08', 'billing')).toMatchObject({ offered: 2, answered: 1, abandoned: 1, serviceLevel: 0.5, asaSeconds: 25, ahtSeconds: 100 });
    expect(byHour.rows).toHaveLength(5);
    expect(byHour.overall).toMatchObject({ offered: 10, answered: 7, answeredWithinThreshold: 6, abandoned: 2 });

    const totals = async (by: string) => Object.fromEntries(((await (await get(`/api/reports?from=2026-03-10&to=2026-03-10&by=${by}`)).json()) as any).totals.map((t: any) => [t.key, t]));
    const byAgent = await totals('agent');
    expect(byAgent[agents.a1]).toMatchObject({ label: 'Agent A1', answered: 3, answeredWithinThreshold: 3, handled: 3, ahtSeconds: (210 + 180 + 100) / 3 });
    expect(byAgent[agents.a2]).toMatchObject({ answered: 3, answeredWithinThreshold: 2, handled: 2, ahtSeconds: 300 });
    const byChannel = await totals('channel');
    expect(byChannel['chat']).toMatchObject({ offered: 5, answered: 3, answeredWithinThreshold: 3, abandoned: 1 });
    expect(byChannel['voice']).toMatchObject({ offered: 4, answered: 3, answeredWithinThreshold: 2, abandoned: 1 });
    expect(byChannel['email']).toMatchObject({ offered: 1, answered: 1, answeredWithinThreshold: 1 });

    // Segments side by side: A = s1 s3 b1, B = s2 b2, C = s5, unknown = s4 s6 s8 s9.
    const segments = ((await (await get('/api/reports/segments?from=2026-03-10&to=2026-03-10')).json()) as any).segments;
    expect(segments.A).toMatchObject({ offered: 3, answered: 2, abandoned: 1, serviceLevel: 2 / 3, satisfaction: 9 });
    expect(segments.B).toMatchObject({ offered: 2, answered: 1, abandoned: 1, serviceLevel: 0 });
    expect(segments.C).toMatchObject({ offered: 1, answered: 1, serviceLevel: 1 });
    expect(segments.unknown).toMatchObject({ offered: 4, answered: 3, serviceLevel: 1, satisfaction: 4 });

    const csv = await get('/api/reports?from=2026-03-10&to=2026-03-10&interval=hour&by=queue&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('sentral-queue-hour-2026-03-10-2026-03-10.csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'start,end,key,label,offered,answered,answeredWithinThreshold,abandoned,handled,transfers,ratings,serviceLevel,asaSeconds,ahtSeconds,abandonRate,satisfaction,selfService,selfServed,selfServiceTransferred,selfServiceAbandoned,containmentRate',
    );
    // No self-service on this day: its counts are zero and its containment rate is empty.
    expect(lines).toContain('2026-03-10T08:00:00.000Z,2026-03-10T09:00:00.000Z,support,Kundeservice,3,2,1,1,2,1,1,0.3333,20,255,0.3333,9,0,0,0,0,');
    expect(lines).toHaveLength(6);
  });

  it('follows changes to the timelines between pushes without reading the day again', async () => {
    const wallboard = createWallboard({ db, timeZone: 'Europe/Oslo', wrapUpSeconds: 60 });
    const before = (await wallboard.snapshot(NOW)).queues.find((queue) => queue.id === 'support')!;
    expect(before).toMatchObject({ waiting: 1, answered: 5 });
    // s6, waiting since 90 s before now, is answered 10 s before now: an 80 s wait, outside the 20 s threshold.
    const s6 = await db.contact.findFirstOrThrow({ where: { externalId: 's6' } });
    await db.contact.update({ where: { id: s6.id }, data: { status: 'accepted', acceptedAt: beforeNow(10), agentId: agents.a1 } });
    await db.contactEvent.create({ data: { contactId: s6.id, type: 'accepted', actor: 'agent', at: beforeNow(10) } });
    const after = (await wallboard.snapshot(NOW)).queues.find((queue) => queue.id === 'support')!;
    expect(after).toMatchObject({ waiting: 0, longestWaitSeconds: 0, answered: 6, offered: 7 });
    expect(after.serviceLevel).toBe(4 / 7);
    expect(after.asaSeconds).toBe((680 + 80) / 6);
    expect(after.agents).toMatchObject({ available: 0, busy: 2 });
  });

  it('refuses report ranges it cannot serve, naming the field', async () => {
    const bad = async (query: string) => {
      const response = await fetch(`${hub.url}/api/reports?${query}`, { headers: { authorization: `Bearer ${supervisorToken}` } });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    expect(await bad('from=2026-03-10&to=2026-03-09')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^to:/) } } });
    expect(await bad('from=2026-01-01&to=2026-03-10&interval=15m')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^to: at most 31 days/) } } });
    expect(await bad('from=10.03.2026&to=2026-03-10')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^from:/) } } });
    expect(await bad('from=2026-03-10&to=2026-03-10&by=planet')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^by:/) } } });
  });
});
